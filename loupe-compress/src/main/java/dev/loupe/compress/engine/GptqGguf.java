package dev.loupe.compress.engine;

import dev.loupe.compress.CalibrationOrder;
import dev.loupe.compress.Method;
import dev.loupe.compress.allocate.AllocationMethod;
import dev.loupe.compress.gguf.GgufFileType;
import dev.loupe.compress.gguf.GgufOptions;
import dev.loupe.compress.gguf.GridBlocks;
import dev.loupe.compress.gguf.GridWeights;
import dev.loupe.compress.gguf.HfToGguf;
import dev.loupe.compress.result.CompressionReport;
import dev.loupe.core.LoupeException;
import dev.loupe.core.io.Scratch;
import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.Backends;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code loupe compress HF --method gptq --bits B --calibration TEXT --out x.gguf}: GPTQ as {@code compress} runs it on
 * a decoder LM (block by block through the blocks already quantized), on the grid of ggml's symmetric blocks
 * ({@code QuantSpec#ggmlGrid}: float16 scales; Q4_0's and Q5_0's full signed range with d = the group's extreme / −8
 * or −16, Q8_0's ±127), written to a temporary Loupe-quantized safetensors; then the Hugging Face folder as GGUF
 * ({@link HfToGguf}) with every GPTQ weight stored as the block type whose levels hold its codes ({@link GridBlocks}:
 * 4 bits → Q4_0, 5 → Q5_0, 8 → Q8_0), so that llama.cpp's dequantization gives back exactly the weights GPTQ chose.
 * The other tensors (embeddings, output, norms) follow llama.cpp's rules for that file type.
 */
public final class GptqGguf {
    /** ggml's block length: the default GPTQ group, one float16 scale per block as Q4_0 stores anyway. */
    public static final int DEFAULT_GROUP = 32;

    /**
     * What to run. {@code group}: null for {@link #DEFAULT_GROUP}, 0 per output channel, else a multiple of 32;
     * {@code order}: each block's XᵀX through the blocks before it as quantized, or through the float model.
     */
    public record Request(Path model, Path out, int bits, Integer group, boolean actOrder, Path calibration, Integer context,
                          int samples, CalibrationOrder order) {
        public Request(Path model, Path out, int bits, Integer group, boolean actOrder, Path calibration, Integer context,
                       int samples) {
            this(model, out, bits, group, actOrder, calibration, context, samples, CalibrationOrder.SEQUENTIAL);
        }
    }

    /** The GGUF written and GPTQ's own report (per-layer relative errors). */
    public record Result(HfToGguf.Result written, CompressionReport gptq) {
    }

    private GptqGguf() {
    }

    /** The GGUF file type a GPTQ run of {@code bits} is stored as; refuses widths without one. */
    public static GgufFileType fileType(int bits) {
        GgufFileType t = GridBlocks.typeFor(bits);
        if (t == null) {
            throw new LoupeException("--bits " + bits + " has no exact GGUF form: GPTQ's symmetric codes are stored as Q4_0 "
                    + "(--bits 4), Q5_0 (5) or Q8_0 (8)");
        }
        return t;
    }

    public static Result run(Request r, Progress progress) {
        GgufFileType type = fileType(r.bits());
        int group = r.group() == null ? DEFAULT_GROUP : r.group();
        if (group != 0 && (group < 0 || group % 32 != 0)) {
            throw new LoupeException("--group " + group + " does not tile GGUF's 32-element blocks; use a multiple of 32 or 0 "
                    + "(per output channel)");
        }
        if (r.model().toString().endsWith(".gguf")) {
            throw new LoupeException(r.model(), "GPTQ to GGUF reads the float model: give its Hugging Face folder");
        }
        HfToGguf.requireFolder(r.model());
        if (r.calibration() == null) {
            throw new LoupeException("--method gptq needs --calibration TEXT (each layer's XᵀX comes from it)");
        }
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory(r.out().toAbsolutePath().getParent(), ".loupe-gptq-");
            Path codes = tmp.resolve("gptq.safetensors");
            CompressRequest req = new CompressRequest(r.model(),
                    new CompressRequest.Quantize(r.bits(), Method.GPTQ, AllocationMethod.UNIFORM, group, false, 0, false, 0,
                            r.actOrder(), true),
                    null, new CompressRequest.Data(null, false, r.samples(), null,
                    new CompressRequest.LmCalibration(r.calibration(), r.context()), false, r.order()),
                    null, CompressRequest.Destination.file(codes));
            CompressionReport report = CompressRun.run(req, Backends.best(), progress);
            try (GridWeights grid = GridWeights.open(codes, type)) {
                return new Result(HfToGguf.convert(r.model(), r.out(), GgufOptions.of(type), grid, progress), report);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Scratch.deleteFolderQuietly(tmp);
        }
    }
}
