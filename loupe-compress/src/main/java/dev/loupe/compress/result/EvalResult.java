package dev.loupe.compress.result;

/**
 * Before/after evaluation of a compressed model on the same data.
 *
 * @param kind            what was evaluated
 * @param n               examples, sentences or (language model) tokens scored
 * @param accuracyBefore  classifier accuracy of the original (NaN for an encoder)
 * @param accuracyAfter   ... of the compressed model
 * @param lossBefore      mean cross-entropy of the original (language model: mean NLL per token, perplexity = e^loss)
 * @param lossAfter       ... of the compressed model
 * @param meanCosine      encoder: mean cosine similarity of compressed vs original embeddings (NaN for a classifier)
 */
public record EvalResult(Kind kind, int n, double accuracyBefore, double accuracyAfter, double lossBefore,
                         double lossAfter, double meanCosine) {
    /** What kind of model was evaluated, and so which numbers are set. */
    public enum Kind {
        /** Accuracy and cross-entropy on labelled examples. */
        CLASSIFIER,
        /** Cosine of compressed vs original sentence embeddings. */
        ENCODER,
        /** Perplexity (as mean NLL per token) of a decoder LM on held-out text. */
        LANGUAGE_MODEL;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
