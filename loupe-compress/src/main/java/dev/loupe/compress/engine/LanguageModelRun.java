package dev.loupe.compress.engine;

import dev.loupe.compress.layers.Layer;

import dev.loupe.compress.result.EvalResult;
import dev.loupe.core.LoupeException;
import dev.loupe.core.progress.Progress;
import dev.loupe.lm.LanguageModel;
import dev.loupe.lm.calibrate.CalibrationOptions;
import dev.loupe.lm.calibrate.BlockSequence;
import dev.loupe.lm.forward.LinearObserver;
import dev.loupe.lm.perplexity.Convention;
import dev.loupe.lm.perplexity.EvalRequest;
import dev.loupe.lm.perplexity.PerplexityResult;
import dev.loupe.lm.perplexity.TextInput;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Compression of a decoder LM (loupe-lm): Wanda's norms from the LM's own forward pass on the calibration text, and
 * perplexity on the held-out --text before and after (sliding windows of --context, stride context/2). The layers
 * are the checkpoint's tensors by name, which is how loupe-lm keys its statistics.
 */
final class LanguageModelRun {
    private LanguageModelRun() {
    }

    static boolean applies(Path model) {
        return LanguageModel.isLanguageModel(model);
    }

    static Map<String, double[]> wandaNorms(CompressRequest r) {
        CompressRequest.LmCalibration c = r.calibration().lm();
        try (LanguageModel lm = LanguageModel.open(r.model())) {
            int[] ids = lm.tokenize(TextInput.read(c.text()));
            int ctx = new EvalRequest(c.text(), Convention.SLIDING_WINDOW, c.context(), null).context(lm);
            // block by block, each block's matrices decoded once for all windows (a whole-model pass per window decodes
            // every BF16 matrix once per window); the same sums, the blocks run once each
            BlockSequence seq = BlockSequence.start(lm, ids, CalibrationOptions.normsOnly(ctx, r.calibration().samples()));
            Map<String, double[]> norms = new java.util.LinkedHashMap<>();
            while (seq.next() < seq.blocks().size()) {
                norms.putAll(seq.pass(name -> false).wandaNorms());
            }
            return norms;
        }
    }

    /**
     * GPTQ and SparseGPT need at least as many calibration tokens (rows of X) as the widest layer has inputs, or its
     * XᵀX is singular where the text never went (see {@code Compressor.inverseHessian}); checked before the forward
     * pass so a short text fails at once, naming the file.
     */
    static void requireEnoughTokens(Path text, int tokens, int ctx, int samples, List<Layer> layers) {
        int windows = Math.max(1, Math.min(samples, tokens / Math.max(1, ctx)));
        long rows = (long) windows * Math.min(ctx, tokens);
        Layer widest = layers.stream().max(java.util.Comparator.comparingInt(Layer::cols)).orElseThrow();
        if (rows < widest.cols()) {
            throw new LoupeException(text, "gives " + rows + " calibration tokens (" + windows + " window(s) of up to " + ctx
                    + ") but layer '" + widest.name() + "' has " + widest.cols() + " inputs; GPTQ/SparseGPT need at least as many"
                    + " tokens as inputs to estimate XᵀX: give a longer --calibration text (or more --calibration-samples)");
        }
    }

    static PerplexityResult before(CompressRequest r) {
        try (LanguageModel lm = LanguageModel.open(r.model())) {
            return request(r).run(lm, LinearObserver.NONE, Progress.NONE);
        }
    }

    static EvalResult after(CompressRequest r, PerplexityResult before) {
        if (!Files.isDirectory(r.model())) {
            throw new LoupeException(r.model(), "--eval of a compressed language model needs its Hugging Face folder (config and tokenizer)");
        }
        PerplexityResult a;
        try (LanguageModel lm = LanguageModel.withWeights(r.model(), r.out())) {
            a = request(r).run(lm, LinearObserver.NONE, Progress.NONE);
        }
        return new EvalResult(EvalResult.Kind.LANGUAGE_MODEL, (int) before.tokensScored(), Double.NaN, Double.NaN, before.meanNll(),
                a.meanNll(), Double.NaN);
    }

    private static EvalRequest request(CompressRequest r) {
        Integer ctx = r.calibration().lm() == null ? null : r.calibration().lm().context();
        return new EvalRequest(r.data().text(), Convention.SLIDING_WINDOW, ctx, null);
    }
}
