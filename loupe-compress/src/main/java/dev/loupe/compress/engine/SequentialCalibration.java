package dev.loupe.compress.engine;

import dev.loupe.compress.allocate.Allocation;
import dev.loupe.compress.allocate.LayerShare;
import dev.loupe.compress.calibrate.InputGram;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.result.LayerResult;
import dev.loupe.compress.write.LayerEdit;
import dev.loupe.compress.write.SafetensorsOutput;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Consumer;

/**
 * GPTQ and SparseGPT on a decoder LM as the papers run them (GPTQ arXiv 2210.17323 Sec. 4 and SparseGPT arXiv
 * 2301.00774 Sec. 4, the references' {@code llama_sequential} / {@code opt_sequential}): transformer blocks in forward
 * order, each block's XᵀX taken from inputs computed through the blocks before it <em>as already compressed</em>, so
 * later blocks compensate the error of earlier ones. Here block k's XᵀX comes from loupe-lm's forward pass over the
 * calibration windows with blocks 0..k−1 replaced by their compressed weights (a temporary safetensors copy, read
 * back dequantized); then block k is compressed. One calibration forward pass per block, where one shot takes one.
 * Layers outside any numbered block (none on the fixture LMs, whose embeddings and head are not compressed) come last.
 */
final class SequentialCalibration {
    private static final Pattern NUMBER = Pattern.compile("^block (\\d+)$");

    /** Compresses one block's layers given their shares of the allocation and their XᵀX. */
    interface BlockCompressor {
        Compressor.Outcome apply(List<Layer> block, Allocation shares, Map<String, InputGram.Gram> grams);
    }

    private SequentialCalibration() {
    }

    /**
     * Compresses block after block, handing each block's edits to {@code sink} once the block is done; only one block's
     * edits are held. The temporary copy the next block's forward pass reads is the previous copy (or the source) with
     * this block's edits written in.
     */
    static Compressor.Outcome run(CompressRequest r, Checkpoint cp, List<Layer> layers, Allocation a, BlockCompressor compress,
                                  Consumer<LayerEdit> sink) {
        Map<String, LayerShare> shares = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            shares.put(layers.get(i).name(), a.layers().get(i));
        }
        List<Map.Entry<Long, List<Layer>>> blocks = blocks(layers);
        Map<String, LayerResult> results = new HashMap<>();
        Path compressed = null;
        try {
            for (int k = 0; k < blocks.size(); k++) {
                List<Layer> block = blocks.get(k).getValue();
                Map<String, InputGram.Gram> grams = LanguageModelRun.grams(r, block, compressed);
                Allocation part = new Allocation(a.method(), a.target(), block.stream().map(l -> shares.get(l.name())).toList());
                Compressor.Outcome o = compress.apply(block, part, grams);
                o.layers().forEach(l -> results.put(l.name(), l));
                if (k + 1 < blocks.size()) {
                    Path next = Files.createTempFile("loupe-sequential", ".safetensors");
                    try (Checkpoint before = compressed == null ? null : Checkpoints.open(compressed)) {
                        SafetensorsOutput.write(before == null ? cp : before, o.edits(), Map.of(), next);
                    } catch (RuntimeException e) {
                        Files.deleteIfExists(next);
                        throw e;
                    }
                    deleteQuietly(compressed);
                    compressed = next;
                }
                o.edits().forEach(sink);
            }
        } catch (IOException e) {
            throw new LoupeException(r.model(), "cannot write the temporary copy for sequential calibration: " + e.getMessage(), e);
        } finally {
            deleteQuietly(compressed);
        }
        return new Compressor.Outcome(a, List.of(), layers.stream().map(l -> results.get(l.name())).toList());
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temporary file is not worth failing a finished run
            }
        }
    }

    /** Layers grouped by transformer block, blocks in forward (numeric) order, layers outside any block last. */
    static List<Map.Entry<Long, List<Layer>>> blocks(List<Layer> layers) {
        Map<String, List<Layer>> byBlock = new LinkedHashMap<>();
        for (Layer l : layers) {
            byBlock.computeIfAbsent(Blocks.of(l), x -> new ArrayList<>()).add(l);
        }
        List<Map.Entry<Long, List<Layer>>> out = new ArrayList<>();
        for (var e : byBlock.entrySet()) {
            Matcher m = NUMBER.matcher(e.getKey());
            out.add(Map.entry(m.matches() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE, e.getValue()));
        }
        out.sort(Map.Entry.comparingByKey());
        return out;
    }
}
