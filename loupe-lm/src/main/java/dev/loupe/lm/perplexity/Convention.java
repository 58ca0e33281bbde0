package dev.loupe.lm.perplexity;

/** How a long text is cut into windows and which tokens each window scores. */
public enum Convention {
    /**
     * transformers docs, "Perplexity of fixed-length models": windows of N tokens starting every S tokens; each
     * scores the tokens after the previous window's end (with S &lt; N every token but the text's first is scored
     * once, with N−S to N−1 tokens of context), a window's own first token never (the label shift).
     */
    SLIDING_WINDOW,
    /**
     * llama.cpp tools/perplexity: ⌊tokens / n_ctx⌋ non-overlapping chunks; the chunk's first token is replaced by
     * BOS when the vocabulary adds one; the logits at positions n_ctx/2 .. n_ctx−2 score the next token.
     */
    LLAMA_CPP
}
