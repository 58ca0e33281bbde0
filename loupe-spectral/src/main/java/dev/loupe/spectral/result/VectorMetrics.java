package dev.loupe.spectral.result;

/**
 * WeightWatcher's eigenvector columns ({@code analyze(vectors=True)}): each statistic of the Gram's eigenvectors
 * averaged separately over the bulk (eigenvalue &lt; xmin of the power-law fit) and the tail (≥ xmin).
 *
 * @param vecEntropy   discrete entropy of each eigenvector's |entries| (nats; lower = more structured)
 * @param locRatio     localization ratio ‖v‖₁/‖v‖_∞ (small = concentrated on few coordinates)
 * @param partRatio    participation ratio ‖v‖₂/‖v‖₄ (small = localized)
 * @param bulk         eigenvectors in the bulk
 * @param tail         eigenvectors in the tail
 */
public record VectorMetrics(BulkTail vecEntropy, BulkTail locRatio, BulkTail partRatio, int bulk, int tail)
        implements java.io.Serializable {
    /** Mean and population variance (numpy's var) over the bulk and over the tail; NaN over an empty part. */
    public record BulkTail(double bulkMean, double bulkVar, double tailMean, double tailVar)
            implements java.io.Serializable {
    }
}
