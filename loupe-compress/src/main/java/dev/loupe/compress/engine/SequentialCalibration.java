package dev.loupe.compress.engine;

import dev.loupe.compress.allocate.Allocation;
import dev.loupe.compress.allocate.LayerShare;
import dev.loupe.compress.calibrate.InputGram;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.result.LayerResult;
import dev.loupe.compress.write.LayerEdit;
import dev.loupe.core.LoupeException;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Encode;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.lm.LanguageModel;
import dev.loupe.lm.calibrate.BlockInputs;
import dev.loupe.lm.calibrate.CalibrationOptions;
import dev.loupe.lm.perplexity.Convention;
import dev.loupe.lm.perplexity.EvalRequest;
import dev.loupe.lm.perplexity.TextInput;
import dev.loupe.lm.weights.Block;
import dev.loupe.lm.weights.Linear;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * GPTQ and SparseGPT on a decoder LM as the papers run them (GPTQ arXiv 2210.17323 Sec. 4 and SparseGPT arXiv
 * 2301.00774 Sec. 4, the references' {@code llama_sequential} / {@code opt_sequential}): the calibration windows'
 * hidden states are carried through the model one transformer block at a time ({@link BlockInputs}); each block's
 * XᵀX is taken from its inputs, the block is compressed, its dequantized (or pruned) weights are put into the block
 * and the windows run through it again, so the next block's inputs come from the compressed blocks before it and
 * later blocks compensate the error of earlier ones. The one-shot variant ({@code --one-shot}) runs the windows on
 * through the uncompressed block instead: every XᵀX from the uncompressed model, as one whole-model pass gives them.
 * Either way one block's F32 weights and one block's XᵀX are held, never the whole model's (~60 GB of XᵀX at 7B).
 */
final class SequentialCalibration {
    /** Compresses one block's layers given their shares of the allocation and their XᵀX. */
    interface BlockCompressor {
        Compressor.Outcome apply(List<Layer> block, Allocation shares, Map<String, InputGram.Gram> grams);
    }

    /** Seconds per block summed over the run: forward passes, XᵀX (and column norms), the kernels, the writer. */
    record Times(int blocks, double forward, double statistics, double kernel, double write) {
        String note() {
            return String.format(Locale.ROOT, "block by block: %d blocks, %.1f s forward, %.1f s XᵀX, %.1f s compressing, "
                    + "%.1f s writing (per block %.2f / %.2f / %.2f / %.2f s)", blocks, forward, statistics, kernel, write,
                    forward / blocks, statistics / blocks, kernel / blocks, write / blocks);
        }
    }

    private SequentialCalibration() {
    }

    /**
     * Compresses block after block, handing each block's edits to {@code sink} once the block is done (only one
     * block's edits are held); {@code throughCompressed} carries the windows on through each block as compressed
     * (the papers' sequential calibration) rather than as it was (one shot). {@code notes} hears the timings.
     */
    static Compressor.Outcome run(CompressRequest r, List<Layer> layers, Allocation a, BlockCompressor compress,
                                  boolean throughCompressed, Progress progress, Consumer<LayerEdit> sink, List<String> notes) {
        Map<String, LayerShare> shares = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            shares.put(layers.get(i).name(), a.layers().get(i));
        }
        Map<String, LayerResult> results = new HashMap<>();
        double[] kernelWrite = new double[2];
        Times t = walk(r, layers, progress, throughCompressed, (block, grams) -> {
            long t0 = System.nanoTime();
            Allocation part = new Allocation(a.method(), a.target(), block.stream().map(l -> shares.get(l.name())).toList());
            Compressor.Outcome o = compress.apply(block, part, grams);
            long t1 = System.nanoTime();
            o.layers().forEach(l -> results.put(l.name(), l));
            o.edits().forEach(sink);
            kernelWrite[0] += (t1 - t0) / 1e9;
            kernelWrite[1] += (System.nanoTime() - t1) / 1e9;
            Map<String, float[]> replaced = new HashMap<>();
            if (throughCompressed) {
                for (LayerEdit e : o.edits()) {
                    replaced.put(e.layer().name(), switch (e) {
                        case LayerEdit.Dense d -> asWritten(d.layer(), d.outIn());
                        case LayerEdit.Quantized q -> q.layer().toStored(q.reconstructed());
                    });
                }
            }
            return replaced;
        });
        notes.add(new Times(t.blocks(), t.forward(), t.statistics(), kernelWrite[0], kernelWrite[1]).note());
        return new Compressor.Outcome(a, List.of(), layers.stream().map(l -> results.get(l.name())).toList());
    }

    /**
     * Dense weights as the output will hold them, in the stored orientation: rounded to the input's F16/BF16 where it
     * is one (the references likewise put the compressed weights back in the model's dtype before the next pass).
     */
    private static float[] asWritten(Layer l, float[] outIn) {
        float[] s = l.toStored(outIn);
        DType dt = l.tensor().dtype();
        return dt == DType.F16 || dt == DType.BF16
                ? Tensor.contiguous(l.name(), dt, l.tensor().shape(), Encode.floats(s, dt), null).toFloats() : s;
    }

    /**
     * Gives {@code use} each block's layers (in {@code layers}' order) with their XᵀX from the uncompressed model, block
     * by block, holding one block's XᵀX at a time (e.g. Hessian-aware allocation's per-layer error curves).
     */
    static void eachBlock(CompressRequest r, List<Layer> layers, Progress progress, BiConsumer<List<Layer>, Map<String, InputGram.Gram>> use) {
        walk(r, layers, progress, false, (block, grams) -> {
            use.accept(block, grams);
            return Map.of();
        });
    }

    /** What is done with one block: given its layers and their XᵀX, the new stored weights of those to replace, by name. */
    private interface BlockStep {
        Map<String, float[]> apply(List<Layer> block, Map<String, InputGram.Gram> grams);
    }

    /**
     * Runs {@code step} on each block with layers to compress ({@link BlockInputs}); {@code replaces}: it may change
     * the block, so the windows go on through the block once it is done (two passes of the block), else in the pass
     * that observes it.
     */
    private static Times walk(CompressRequest r, List<Layer> layers, Progress progress, boolean replaces, BlockStep step) {
        CompressRequest.LmCalibration c = r.calibration().lm();
        try (LanguageModel lm = LanguageModel.open(r.model())) {
            List<List<Layer>> byBlock = byBlock(r, lm.weights().blocks(), layers);
            int[] ids = lm.tokenize(TextInput.read(c.text()));
            int ctx = new EvalRequest(c.text(), Convention.SLIDING_WINDOW, c.context(), null).context(lm);
            LanguageModelRun.requireEnoughTokens(c.text(), ids.length, ctx, r.calibration().samples(), layers);
            java.util.Set<String> names = new java.util.HashSet<>();
            layers.forEach(l -> names.add(l.name()));
            BlockInputs blocks = BlockInputs.start(lm, ids, new CalibrationOptions(ctx, r.calibration().samples(), names::contains),
                    replaces);
            int last = byBlock.size();
            while (last > 0 && byBlock.get(last - 1).isEmpty()) {
                last--; // nothing to compress past here: the windows need not go on
            }
            progress.start("block by block over " + blocks.sequence().windows() + " window(s) of " + blocks.sequence().context()
                    + " tokens", last);
            try {
                for (int k = 0; k < last; k++) {
                    List<Layer> block = byBlock.get(k);
                    if (!block.isEmpty()) {
                        Map<String, InputGram.Gram> grams = new HashMap<>();
                        blocks.block(k).layers().forEach((name, in) -> {
                            if (names.contains(name) && in.gram() != null) {
                                grams.put(name, new InputGram.Gram(in.gram(), in.in(), in.rows()));
                            }
                        });
                        step.apply(block, grams).forEach(blocks::replace);
                    }
                    progress.advance(1);
                }
            } finally {
                progress.done();
            }
            return new Times(last, blocks.forwardSeconds(), blocks.statisticsSeconds(), 0, 0);
        }
    }

    /** The layers of each decoder block, in the order of {@code layers}; a layer in none of them is refused. */
    private static List<List<Layer>> byBlock(CompressRequest r, List<Block> blocks, List<Layer> layers) {
        Map<String, Integer> blockOf = new LinkedHashMap<>();
        for (int k = 0; k < blocks.size(); k++) {
            for (Linear l : blocks.get(k).linears()) {
                blockOf.put(l.name(), k);
            }
        }
        List<List<Layer>> out = new ArrayList<>();
        blocks.forEach(b -> out.add(new ArrayList<>()));
        for (Layer l : layers) {
            Integer k = blockOf.get(l.name());
            if (k == null) {
                throw new LoupeException(r.model(), "layer '" + l.name() + "' is not a linear layer of a decoder block, where "
                        + "GPTQ/SparseGPT take their XᵀX from the LM's forward pass; leave it out with --skip");
            }
            out.get(k).add(l);
        }
        return out;
    }
}
