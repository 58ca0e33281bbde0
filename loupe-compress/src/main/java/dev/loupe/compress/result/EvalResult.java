package dev.loupe.compress.result;

/**
 * Before/after evaluation of a compressed model on the same data.
 *
 * @param kind            "classifier" or "encoder"
 * @param n               examples or sentences
 * @param accuracyBefore  classifier accuracy of the original (NaN for an encoder)
 * @param accuracyAfter   ... of the compressed model
 * @param lossBefore      mean cross-entropy of the original
 * @param lossAfter       ... of the compressed model
 * @param meanCosine      encoder: mean cosine similarity of compressed vs original embeddings (NaN for a classifier)
 */
public record EvalResult(String kind, int n, double accuracyBefore, double accuracyAfter, double lossBefore,
                         double lossAfter, double meanCosine) {
}
