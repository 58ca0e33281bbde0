package dev.loupe.lm.perplexity;

import dev.loupe.core.progress.Progress;
import dev.loupe.lm.CausalLm;
import dev.loupe.lm.forward.LinearObserver;

import java.nio.file.Path;

/**
 * A perplexity evaluation as a user asks for it: a text file, a convention and optional window sizes (null: the
 * defaults). Defaults: context = min(512, the model's positions), as llama.cpp's {@code -c 512}; stride = context/2.
 */
public record EvalRequest(Path text, Convention convention, Integer context, Integer stride) {
    public static final int DEFAULT_CONTEXT = 512;

    public int context(CausalLm lm) {
        return context != null ? context : Math.min(DEFAULT_CONTEXT, lm.maxPositions());
    }

    public int stride(CausalLm lm) {
        return stride != null ? stride : Math.max(1, context(lm) / 2);
    }

    /** Tokenizes the text and evaluates it. */
    public PerplexityResult run(CausalLm lm, LinearObserver observer, Progress progress) {
        int[] ids = lm.tokenize(TextInput.read(text));
        return Perplexity.evaluate(lm, text.toString(), ids, convention, context(lm), stride(lm), observer, progress);
    }
}
