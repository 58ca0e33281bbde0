package dev.loupe.compress.gguf;

import dev.loupe.compress.gptq.GptqSpec;
import dev.loupe.compress.obs.InverseHessian;
import dev.loupe.compress.sparsegpt.SparseGpt;
import dev.loupe.core.LoupeException;
import dev.loupe.core.format.gguf.GgufCheckpoint;
import dev.loupe.core.format.gguf.GgufMetadata;
import dev.loupe.core.format.gguf.GgufReader;
import dev.loupe.core.format.gguf.GgufValue;
import dev.loupe.core.format.gguf.GgufValues;
import dev.loupe.core.format.gguf.GgufWriter;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.lm.calibrate.BlockInputs;
import dev.loupe.lm.calibrate.LayerInputs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A GGUF file re-quantized to other types, as llama-quantize does with {@code --allow-requantize}: metadata copied
 * with {@code general.file_type} and {@code general.quantization_version} set, every tensor llama.cpp would quantize
 * dequantized (Loupe's GGUF reader, ggml's {@code dequantize_row_*} arithmetic) and quantized to the options' type;
 * the others (norms, rope factors) copied byte for byte; a decoder-block tensor with calibration in the options is
 * quantized by GPTQ on its type's grid ({@link GgmlGptq}) or pruned by SparseGPT first ({@link SecondOrder}), from
 * its XᵀX as the options' {@link BlockInputs} give it when the writer reaches it, and its written weights (the blocks
 * dequantized) go back into the calibration's model. One tensor and one block's XᵀX in memory at a time.
 */
public final class GgufRequantizer {
    /** Architectures llama.cpp runs whose tensor names {@link LlamaQuantRules} knows. */
    private static final Set<String> ARCHITECTURES = Set.of("llama", "qwen2", "gpt2");

    private GgufRequantizer() {
    }

    public static HfToGguf.Result requantize(Path in, Path out, GgufOptions options, Progress progress) {
        try (GgufCheckpoint src = new GgufReader().open(in)) {
            GgufMetadata meta = src.ggufMetadata();
            String arch = meta.string("general.architecture").orElse("");
            if (!ARCHITECTURES.contains(arch)) {
                throw new LoupeException(in, "GGUF architecture '" + arch + "' is not one Loupe re-quantizes (llama, qwen2, gpt2)");
            }
            int layers = meta.integer(arch + ".block_count").orElseThrow(
                    () -> new LoupeException(in, "no " + arch + ".block_count in the GGUF metadata")).intValue();
            BlockInputs blocks = options.blocks();
            List<Tensor> tensors = blocks == null ? src.tensors() : inBlockOrder(src.tensors(), blocks);
            boolean tied = tensors.stream().noneMatch(t -> t.name().equals("output.weight"));
            List<GgufWriter.Entry> entries = new ArrayList<>();
            Map<DType, Integer> counts = new EnumMap<>(DType.class);
            int fallbacks = 0;
            for (Tensor t : tensors) {
                long[] shape = t.shape();
                boolean quantize = GgufFileType.quantizable(t.name(), shape);
                DType stored = quantize ? options.typeOf(t.name(), shape, layers, tied) : t.dtype();
                fallbacks += quantize && options.fellBack(t.name(), shape, layers, tied) ? 1 : 0;
                counts.merge(stored, 1, Integer::sum);
                entries.add(GgufWriter.Entry.ofShape(t.name(), stored, shape, o -> {
                    // a decoder-block tensor's inputs come block by block as the tensors are written, through the blocks
                    // before it as written (sequential calibration) or as they were (one shot)
                    LayerInputs inputs = quantize && blocks != null ? blocks.of(t.name()) : null;
                    float[] importance = !stored.isQuantized() ? null
                            : inputs != null ? inputs.meanSquares() : options.importanceOf(t.name(), null);
                    int cols = (int) shape[shape.length - 1];
                    if (inputs == null) {
                        if (quantize) {
                            GgmlQuantizer.writeRows(o, stored, t.toFloats(), cols, importance);
                        } else {
                            o.write(t.storedBytes().toArray(ValueLayout.JAVA_BYTE));
                        }
                    } else {
                        byte[] bytes = secondOrder(t, stored, cols, importance, xtx(t.name(), inputs), options.second());
                        o.write(bytes);
                        blocks.replace(t.name(), Tensor.contiguous(t.name(), stored, shape, MemorySegment.ofArray(bytes), null)
                                .toFloats());
                    }
                    progress.advance(1);
                }));
            }
            Map<String, GgufValue> kv = new LinkedHashMap<>(meta.entries());
            kv.put("general.file_type", GgufValues.u32(options.type().ftype()));
            kv.put("general.quantization_version", GgufValues.u32(2));
            progress.start("writing " + options.type() + " GGUF", entries.size());
            GgufWriter.write(out, new GgufMetadata(kv), entries);
            progress.done();
            return new HfToGguf.Result(out, options.type(), arch, entries.size(),
                    entries.stream().mapToLong(GgufWriter.Entry::byteSize).sum(), counts, fallbacks);
        }
    }

    private static int rows(Tensor t, int cols) {
        return (int) (t.numel() / cols);
    }

    /** A tensor's blocks by GPTQ on its type's grid, or pruned by SparseGPT and then ggml's quantizer. */
    private static byte[] secondOrder(Tensor t, DType stored, int cols, float[] importance, double[] xtx, SecondOrder second)
            throws IOException {
        if (second instanceof SecondOrder.Gptq g && GgmlGptq.supports(stored)) {
            return GgmlGptq.quantize(stored, t.toFloats(), rows(t, cols), cols, importance,
                    inverseHessian(t.name(), xtx, cols, g.actOrder()), GptqSpec.DEFAULT_BLOCK).blocks();
        }
        float[] w = second instanceof SecondOrder.SparseGpt sp
                ? SparseGpt.prune(t.toFloats(), rows(t, cols), cols, inverseHessian(t.name(), xtx, cols, false), sp.spec()).weights()
                : t.toFloats();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GgmlQuantizer.writeRows(out, stored, w, cols, importance);
        return out.toByteArray();
    }

    /**
     * The tensors with the decoder blocks' in block order, so that a writer asking for each tensor's calibration in
     * file order never goes back a block; a file already in that order (convert_hf_to_gguf.py's, {@link HfToGguf}'s)
     * keeps its order, another has its non-block tensors first (GGUF readers look tensors up by name).
     */
    static List<Tensor> inBlockOrder(List<Tensor> tensors, BlockInputs blocks) {
        int last = -1;
        boolean ordered = true;
        for (Tensor t : tensors) {
            int k = blocks.blockOf(t.name());
            ordered &= k < 0 || k >= last;
            last = Math.max(last, k);
        }
        if (ordered) {
            return tensors;
        }
        List<Tensor> out = new ArrayList<>(tensors);
        out.sort(java.util.Comparator.comparingInt(t -> blocks.blockOf(t.name())));
        return out;
    }

    /** A layer's XᵀX, refused when fewer calibration tokens than inputs leave it singular where the data never went. */
    private static double[] xtx(String name, LayerInputs in) {
        if (in.rows() < in.in()) {
            throw new LoupeException("tensor '" + name + "': " + in.rows() + " calibration tokens for its " + in.in()
                    + " inputs are too few to estimate XᵀX; give more calibration text (--calibration-samples)");
        }
        return in.gram();
    }

    /** The inverse-Hessian factor of a tensor's XᵀX with the references' 1 % dampening, its failure named by the tensor. */
    private static InverseHessian inverseHessian(String name, double[] xtx, int cols, boolean actOrder) {
        try {
            return InverseHessian.of(xtx, cols, InverseHessian.DEFAULT_DAMPENING, actOrder);
        } catch (LoupeException e) {
            throw new LoupeException("tensor '" + name + "': " + e.getMessage());
        }
    }
}
