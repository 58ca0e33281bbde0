package dev.loupe.spectral.result;

/**
 * Bin edges (length counts+1, ascending) and counts. {@code logBins} says whether edges are spaced
 * evenly in log10 (ESDs) or linearly (weights).
 */
public record Histogram(double[] edges, long[] counts, boolean logBins) {
    public Histogram {
        if (edges.length != counts.length + 1) {
            throw new IllegalArgumentException("edges " + edges.length + " for " + counts.length + " counts");
        }
        edges = edges.clone();
        counts = counts.clone();
    }

    @Override
    public double[] edges() {
        return edges.clone();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }
}
