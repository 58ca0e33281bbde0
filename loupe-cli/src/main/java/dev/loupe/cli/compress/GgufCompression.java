package dev.loupe.cli.compress;

import dev.loupe.cli.ConvertCommand;
import dev.loupe.cli.Output;
import dev.loupe.cli.OutputPaths;
import dev.loupe.cli.Table;
import dev.loupe.compress.allocate.AllocationMethod;
import dev.loupe.compress.gguf.GgufAllocator;
import dev.loupe.compress.gguf.GgufCompressor;
import dev.loupe.compress.gguf.GgufFileType;
import dev.loupe.compress.gguf.HfToGguf;
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
        if (c.bits != null || c.sparsity != null || c.method != null || c.nm != null || c.group != null || c.asymmetric
                || c.actOrder || c.embeddings || c.outliers != 0 || c.lowRank != 0 || c.dryRun || c.eval || c.htmlReport != null) {
            throw new LoupeException("--out x.gguf takes --gguf-type, --allocate knapsack, --calibration, --context and "
                    + "--calibration-samples; ggml's quantizers replace --bits/--sparsity/--method and the others");
        }
        if (c.allocate != null && c.allocate != AllocationMethod.UNIFORM && c.allocate != AllocationMethod.KNAPSACK) {
            throw new LoupeException("--allocate " + c.allocate + " does not apply to GGUF output (uniform = llama.cpp's recipe, or knapsack)");
        }
        OutputPaths.file(c.out, c.model, c.calibration);
        GgufFileType type = c.ggufType == null ? GgufFileType.Q4_K_M : c.ggufType;
        GgufCompressor.Result r = GgufCompressor.run(new GgufCompressor.Request(c.model, c.out, type, c.calibration, c.context,
                c.calibrationSamples(), c.allocate == AllocationMethod.KNAPSACK), c.quiet.progress(c.json));
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
        if (r.importanceLayers() > 0) {
            w.printf(Locale.ROOT, "importances (imatrix) of %d linear layers from %d calibration tokens%n", r.importanceLayers(),
                    r.calibrationTokens());
        }
        ConvertCommand.printWritten(r.written(), w);
        w.flush();
        return 0;
    }
}
