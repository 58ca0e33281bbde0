package dev.loupe.cli.compress;

import dev.loupe.cli.ConvertCommand;
import dev.loupe.cli.Output;
import dev.loupe.cli.OutputPaths;
import dev.loupe.cli.Table;
import dev.loupe.compress.CalibrationOrder;
import dev.loupe.compress.Method;
import dev.loupe.compress.allocate.AllocationMethod;
import dev.loupe.compress.engine.GptqGguf;
import dev.loupe.compress.gguf.GgufAllocator;
import dev.loupe.compress.gguf.GgufCompressor;
import dev.loupe.compress.gguf.GgufFileType;
import dev.loupe.compress.gguf.HfToGguf;
import dev.loupe.compress.gguf.SecondOrder;
import dev.loupe.compress.sparsegpt.SparseGptSpec;
import dev.loupe.core.LoupeException;

import java.io.PrintWriter;
import java.util.Locale;

/** {@code loupe compress MODEL --out x.gguf}: checks the options that apply, runs {@link GgufCompressor}, prints. */
final class GgufCompression {
    private GgufCompression() {
    }

    static int run(CompressCommand c, PrintWriter w) {
        if (!c.model.toString().endsWith(".gguf")) {
            HfToGguf.requireFolder(c.model);
        }
        boolean kGptq = c.method == Method.GPTQ && c.bits == null;
        if (c.method == Method.GPTQ && !kGptq) {
            return gptq(c, w);
        }
        boolean sparse = c.method == Method.SPARSEGPT;
        if (sparse && (c.sparsity == null) == (c.nm == null)) {
            throw new LoupeException("--method sparsegpt --out x.gguf takes one of --sparsity S or --nm N:M");
        }
        if (c.bits != null || (!sparse && (c.sparsity != null || c.nm != null)) || (c.method != null && !kGptq && !sparse)
                || (c.oneShot && !kGptq && !sparse)
                || c.group != null || c.asymmetric
                || (c.actOrder && !kGptq) || c.embeddings || c.outliers != 0 || c.lowRank != 0 || c.dryRun || c.eval || c.htmlReport != null) {
            throw new LoupeException("--out x.gguf takes --gguf-type, --allocate knapsack, --calibration, --context and "
                    + "--calibration-samples (ggml's quantizers; --method gptq [--act-order] for GPTQ on each tensor's grid, "
                    + "--method sparsegpt --sparsity S|--nm N:M for SparseGPT before them; --one-shot with either), or "
                    + "--method gptq --bits 4|5|8 [--group N] [--act-order] --calibration TEXT; --sparsity and the other options "
                    + "do not apply");
        }
        if (c.allocate != null && c.allocate != AllocationMethod.UNIFORM && c.allocate != AllocationMethod.KNAPSACK) {
            throw new LoupeException("--allocate " + c.allocate + " does not apply to GGUF output (uniform = llama.cpp's recipe, or knapsack)");
        }
        OutputPaths.file(c.out, c.model, c.calibration);
        GgufFileType type = c.ggufType == null ? GgufFileType.Q4_K_M : c.ggufType;
        GgufCompressor.Result r = GgufCompressor.run(new GgufCompressor.Request(c.model, c.out, type, c.calibration, c.context,
                c.calibrationSamples(), c.allocate == AllocationMethod.KNAPSACK, secondOrder(c, kGptq, sparse), order(c)),
                c.quiet.progress(c.json));
        if (c.json) {
            Output.json(r, w);
            w.flush();
            return 0;
        }
        GgufAllocator.Result a = r.allocation();
        if (a != null) {
            Table t = new Table("tensor", "recipe", "allocated", "bytes", "err recipe", "err allocated");
            for (GgufAllocator.Pick p : a.picks()) {
                t.row(p.tensor(), p.recipe().name(), p.chosen().name(), Table.bytes(p.bytes()), String.format(Locale.ROOT, "%.4g", p.errorRecipe()),
                        String.format(Locale.ROOT, "%.4g", p.errorChosen()));
            }
            t.print(w);
            w.printf(Locale.ROOT, "allocation: %s of %s budget (what %s spends on these tensors); calibration-weighted "
                    + "squared error %.4g -> %.4g%n", Table.bytes(a.bytes()), Table.bytes(a.budgetBytes()), type, a.errorRecipe(), a.error());
        }
        if (r.secondOrderTensors() > 0) {
            w.printf(Locale.ROOT, kGptq ? "GPTQ on each tensor's ggml grid (scales and mins from ggml's quantizer): %d tensors%n"
                    : "SparseGPT on %d tensors, then ggml's quantizer%n", r.secondOrderTensors());
        }
        if (r.importanceLayers() > 0) {
            w.printf(Locale.ROOT, "importances (imatrix) of %d linear layers from %d calibration tokens%n", r.importanceLayers(),
                    r.calibrationTokens());
        }
        ConvertCommand.printWritten(r.written(), w);
        w.flush();
        return 0;
    }

    private static CalibrationOrder order(CompressCommand c) {
        return c.oneShot ? CalibrationOrder.ONE_SHOT : CalibrationOrder.SEQUENTIAL;
    }

    private static SecondOrder secondOrder(CompressCommand c, boolean kGptq, boolean sparse) {
        if (kGptq) {
            return new SecondOrder.Gptq(c.actOrder);
        }
        if (!sparse) {
            return null;
        }
        if (c.nm != null) {
            int[] nm = CompressCommand.parseNm(c.nm);
            if (nm[0] < 1 || nm[0] >= nm[1] || SparseGptSpec.DEFAULT_BLOCK % nm[1] != 0) {
                throw new LoupeException("--nm " + c.nm + ": SparseGPT needs 1 <= N < M with M dividing its " + SparseGptSpec.DEFAULT_BLOCK
                        + "-column blocks");
            }
            return new SecondOrder.SparseGpt(SparseGptSpec.semiStructured(nm[0], nm[1]));
        }
        if (!(c.sparsity >= 0 && c.sparsity < 1)) {
            throw new LoupeException("--sparsity must be in [0, 1), got " + c.sparsity);
        }
        return new SecondOrder.SparseGpt(SparseGptSpec.unstructured(c.sparsity));
    }

    /** GPTQ's weights stored exactly as Q4_0/Q5_0/Q8_0 blocks ({@link GptqGguf}). */
    private static int gptq(CompressCommand c, PrintWriter w) {
        if (c.bits == null || c.sparsity != null || c.nm != null || c.asymmetric || c.embeddings || c.outliers != 0
                || c.lowRank != 0 || c.dryRun || c.eval || c.htmlReport != null
                || (c.allocate != null && c.allocate != AllocationMethod.UNIFORM)) {
            throw new LoupeException("--method gptq --out x.gguf takes --bits 4|5|8, --group, --act-order, --calibration, "
                    + "--context and --calibration-samples (symmetric codes, uniform bits)");
        }
        if (c.bits != Math.rint(c.bits)) {
            throw new LoupeException("--method gptq --out x.gguf needs whole --bits (4, 5 or 8), got " + c.bits);
        }
        GgufFileType type = GptqGguf.fileType((int) Math.round(c.bits));
        if (c.ggufType != null && c.ggufType != type) {
            throw new LoupeException("--bits " + Math.round(c.bits) + " is stored as " + type + "; drop --gguf-type " + c.ggufType);
        }
        OutputPaths.file(c.out, c.model, c.calibration);
        GptqGguf.Result r = GptqGguf.run(new GptqGguf.Request(c.model, c.out, (int) Math.round(c.bits), c.group, c.actOrder,
                c.calibration, c.context, c.calibrationSamples(), order(c)), c.quiet.progress(c.json));
        if (c.json) {
            Output.json(r, w);
            w.flush();
            return 0;
        }
        int group = c.group == null ? GptqGguf.DEFAULT_GROUP : c.group;
        double worst = r.gptq().layers().stream().mapToDouble(l -> l.relativeError()).max().orElse(Double.NaN);
        w.printf(Locale.ROOT, "GPTQ %d-bit, %s: %d linear layers stored as %s blocks exactly as GPTQ chose them "
                + "(worst relative weight error %.4f)%n", Math.round(c.bits), group == 0 ? "per channel" : "group " + group,
                r.gptq().layers().size(), type, worst);
        ConvertCommand.printWritten(r.written(), w);
        w.flush();
        return 0;
    }
}
