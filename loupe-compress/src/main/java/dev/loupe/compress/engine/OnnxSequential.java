package dev.loupe.compress.engine;

import dev.loupe.compress.allocate.Allocation;
import dev.loupe.compress.allocate.LayerShare;
import dev.loupe.compress.calibrate.InputGram;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.result.LayerResult;
import dev.loupe.compress.write.LayerEdit;
import dev.loupe.compress.write.OnnxOutput;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.graph.Node;
import dev.loupe.core.io.Scratch;
import dev.loupe.core.progress.Progress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * GPTQ and SparseGPT on an ONNX model as the papers run them (SparseGPT arXiv 2301.00774 Sec. 4, GPTQ arXiv
 * 2210.17323 Sec. 4; the references' {@code opt_sequential}): layers in graph order, each layer's XᵀX taken from its
 * input as computed through the layers before it <em>already compressed</em>, so a later layer compensates the error
 * of the earlier ones. The references go block by block through a transformer; an ONNX graph has no blocks, so here
 * the unit is one input activation: the layers reading it (one MatMul, or Q, K and V together, as the references
 * compress a block's sublayers that see the same input) take their XᵀX from one ONNX Runtime pass over a temporary
 * copy of the model with every layer before them compressed. One calibration pass per distinct input activation,
 * where one shot ({@link Calibration#grams}) takes one.
 */
final class OnnxSequential {
    private OnnxSequential() {
    }

    /**
     * Compresses stage after stage ({@link #stages}), handing each stage's edits to {@code sink} once it is done.
     *
     * @param opset    the model's ai.onnx opset (the temporary copies are written as the output is)
     * @param progress each calibration pass is reported here
     */
    static Compressor.Outcome run(CompressRequest r, Checkpoint cp, long opset, List<Layer> layers, Allocation a,
                                  SequentialCalibration.BlockCompressor compress, Consumer<LayerEdit> sink, Progress progress) {
        Map<String, LayerShare> shares = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            shares.put(layers.get(i).name(), a.layers().get(i));
        }
        List<List<Layer>> stages = stages(cp, layers);
        Map<String, LayerResult> results = new HashMap<>();
        List<LayerEdit> done = new ArrayList<>();
        Path compressed = null;
        try {
            for (int k = 0; k < stages.size(); k++) {
                List<Layer> stage = stages.get(k);
                Map<String, InputGram.Gram> grams = Calibration.grams(compressed == null ? r.model() : compressed, stage, r.data(),
                        r.calibration().samples(), progress);
                Allocation part = new Allocation(a.method(), a.target(), stage.stream().map(l -> shares.get(l.name())).toList());
                Compressor.Outcome o = compress.apply(stage, part, grams);
                o.layers().forEach(l -> results.put(l.name(), l));
                done.addAll(o.edits());
                if (k + 1 < stages.size()) { // the next pass reads the source with every edit so far
                    Path previous = compressed;
                    compressed = null;
                    Scratch.deleteQuietly(previous);
                    compressed = copyWith(r.model(), opset, done);
                }
                o.edits().forEach(sink);
            }
        } finally {
            Scratch.deleteQuietly(compressed);
        }
        return new Compressor.Outcome(a, List.of(), layers.stream().map(l -> results.get(l.name())).toList());
    }

    /** A temporary copy of {@code model} with {@code edits} written in (deleted again if the write fails). */
    private static Path copyWith(Path model, long opset, List<LayerEdit> edits) {
        Path copy = null;
        try {
            copy = Files.createTempFile("loupe-sequential", ".onnx");
            OnnxOutput.write(model, opset, edits, copy);
            return copy;
        } catch (IOException e) {
            Scratch.deleteQuietly(copy);
            throw new LoupeException(model, "cannot write the temporary copy for sequential calibration: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            Scratch.deleteQuietly(copy);
            throw e;
        }
    }

    /**
     * The layers grouped by the activation their node reads, groups in graph order of their first reader (ONNX
     * requires nodes in topological order, so every layer a group's input depends on is in an earlier group).
     */
    static List<List<Layer>> stages(Checkpoint cp, List<Layer> layers) {
        List<Node> nodes = cp.graph().orElseThrow(() -> new LoupeException(cp.source(), "has no graph to run")).nodes();
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            position.putIfAbsent(nodes.get(i).name(), i);
        }
        List<Layer> ordered = new ArrayList<>(layers);
        for (Layer l : ordered) {
            if (!position.containsKey(l.node())) {
                throw new LoupeException(cp.source(), "layer '" + l.name() + "' is not read by a node of the main graph; "
                        + "it cannot be calibrated sequentially (--one-shot, or --skip it)");
            }
        }
        ordered.sort(Comparator.comparingInt(l -> position.get(l.node())));
        Map<String, List<Layer>> byInput = new LinkedHashMap<>();
        for (Layer l : ordered) {
            Node n = nodes.get(position.get(l.node()));
            byInput.computeIfAbsent(n.inputs().get(0), x -> new ArrayList<>()).add(l);
        }
        return new ArrayList<>(byInput.values());
    }
}
