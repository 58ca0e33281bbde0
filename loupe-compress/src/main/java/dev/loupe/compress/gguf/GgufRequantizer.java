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
 * the others (norms, rope factors) copied byte for byte; a tensor with an XᵀX in the options is quantized by GPTQ on its
 * type's grid ({@link GgmlGptq}) or pruned by SparseGPT first ({@link SecondOrder}). One tensor in memory at a time.
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
            List<Tensor> tensors = src.tensors();
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
                float[] importance = stored.isQuantized() ? options.importanceOf(t.name(), null) : null;
                entries.add(GgufWriter.Entry.ofShape(t.name(), stored, shape, o -> {
                    double[] xtx = quantize ? options.xtx().get(t.name()) : null;
                    int cols = (int) shape[shape.length - 1];
                    if (xtx != null && options.second() instanceof SecondOrder.Gptq g && GgmlGptq.supports(stored)) {
                        o.write(GgmlGptq.quantize(stored, t.toFloats(), rows(t, cols), cols, importance,
                                inverseHessian(t.name(), xtx, cols, g.actOrder()), GptqSpec.DEFAULT_BLOCK).blocks());
                    } else if (xtx != null && options.second() instanceof SecondOrder.SparseGpt sp) {
                        float[] pruned = SparseGpt.prune(t.toFloats(), rows(t, cols), cols, inverseHessian(t.name(), xtx, cols, false),
                                sp.spec()).weights();
                        GgmlQuantizer.writeRows(o, stored, pruned, cols, importance);
                    } else if (quantize) {
                        GgmlQuantizer.writeRows(o, stored, t.toFloats(), (int) shape[shape.length - 1], importance);
                    } else {
                        o.write(t.storedBytes().toArray(ValueLayout.JAVA_BYTE));
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

    /** The inverse-Hessian factor of a tensor's XᵀX with the references' 1 % dampening, its failure named by the tensor. */
    private static InverseHessian inverseHessian(String name, double[] xtx, int cols, boolean actOrder) {
        try {
            return InverseHessian.of(xtx, cols, InverseHessian.DEFAULT_DAMPENING, actOrder);
        } catch (LoupeException e) {
            throw new LoupeException("tensor '" + name + "': " + e.getMessage());
        }
    }
}
