package dev.loupe.lm.perplexity;

import dev.loupe.core.LoupeException;
import dev.loupe.core.progress.Progress;
import dev.loupe.lm.CausalLm;
import dev.loupe.lm.forward.LinearObserver;

import java.util.Arrays;
import java.util.List;

/**
 * Mean negative log-likelihood of a token sequence under a decoder LM, window by window ({@link Window#plan}), for
 * every kind of model ({@link CausalLm}: the Java forward pass, an ONNX graph). Each window is one forward pass; logits are formed {@value #LOGIT_ROWS} rows at a time and reduced to
 * log-softmax at the target in double, so a 128k vocabulary never needs a [T, V] array.
 */
public final class Perplexity {
    static final int LOGIT_ROWS = 64;

    private Perplexity() {
    }

    /**
     * Evaluates {@code tokens}; {@code observer} sees every linear input (calibration rides on the same passes).
     * Progress counts tokens forwarded.
     */
    public static PerplexityResult evaluate(CausalLm lm, String textName, int[] tokens, Convention convention, int context,
                                            int stride, LinearObserver observer, Progress progress) {
        check(lm, tokens, convention, context, stride);
        int bos = convention == Convention.LLAMA_CPP && addsBos(lm, tokens) ? lm.bosId() : -1;
        List<Window> plan = Window.plan(convention, tokens.length, context, stride, bos);
        int vocab = lm.vocabSize();
        long forwarded = plan.stream().mapToLong(Window::length).sum();
        progress.start("perplexity", forwarded);
        long t0 = System.nanoTime();
        double nll = 0;
        long scored = 0;
        float[] logits = new float[LOGIT_ROWS * vocab];
        try {
            for (Window w : plan) {
                int[] ids = Arrays.copyOfRange(tokens, w.begin(), w.begin() + w.length());
                if (w.bos() >= 0) {
                    ids[0] = w.bos();
                }
                CausalLm.WindowLogits out = lm.window(ids, observer);
                for (int r0 = w.firstScored(); r0 < w.length() - 1; r0 += LOGIT_ROWS) {
                    int rows = Math.min(LOGIT_ROWS, w.length() - 1 - r0);
                    out.rows(r0, rows, logits);
                    for (int r = 0; r < rows; r++) {
                        nll += nll(logits, r * vocab, vocab, ids[r0 + r + 1]);
                    }
                }
                scored += w.scored();
                progress.advance(w.length());
            }
        } finally {
            progress.done();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double mean = nll / scored;
        return new PerplexityResult(lm.source().toString(), textName, convention.name().toLowerCase(java.util.Locale.ROOT),
                context, convention == Convention.LLAMA_CPP ? context : stride, tokens.length, plan.size(), scored, mean,
                Math.exp(mean), seconds, forwarded / seconds);
    }

    /** −log softmax(logits[off..off+v))[target], in double. */
    static double nll(float[] logits, int off, int v, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
            max = Math.max(max, logits[off + j]);
        }
        double z = 0;
        for (int j = 0; j < v; j++) {
            z += Math.exp(logits[off + j] - max);
        }
        return max + Math.log(z) - logits[off + target];
    }

    /** llama.cpp replaces each chunk's first token by BOS when its tokenizer adds BOS: we see that as a leading BOS. */
    private static boolean addsBos(CausalLm lm, int[] tokens) {
        return lm.bosId() >= 0 && tokens.length > 0 && tokens[0] == lm.bosId();
    }

    private static void check(CausalLm lm, int[] tokens, Convention convention, int context, int stride) {
        if (context < 2) {
            throw new LoupeException("--context must be at least 2, not " + context);
        }
        if (context > lm.maxPositions()) {
            throw new LoupeException(lm.source(), "--context " + context + " is longer than the model's " + lm.maxPositions()
                    + " positions (max_position_embeddings / context_length)");
        }
        if (convention == Convention.SLIDING_WINDOW && (stride < 1 || stride > context)) {
            throw new LoupeException("--stride must be between 1 and --context (" + context + "), not " + stride);
        }
        int need = convention == Convention.LLAMA_CPP ? context : 2;
        if (tokens.length < need) {
            throw new LoupeException("the text has " + tokens.length + " tokens; " + (convention == Convention.LLAMA_CPP
                    ? "llama.cpp's convention needs at least one chunk of " + context : "perplexity needs at least 2"));
        }
        for (int id : tokens) {
            if (id < 0 || id >= lm.vocabSize()) {
                throw new LoupeException(lm.source(), "the tokenizer produced id " + id + ", outside the model's vocabulary of " + lm.vocabSize());
            }
        }
    }
}
