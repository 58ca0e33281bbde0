package dev.loupe.ensemble.result;

import java.util.List;

/**
 * The distribution of W, the fraction of members wrong on a sample. With M equally weighted members
 * W only takes the values j/M, so the histogram is exact: {@code samples.get(j)} samples had exactly j wrong members.
 */
public record WHistogram(int members, List<Long> samples) {
    public WHistogram {
        samples = List.copyOf(samples);
    }
}
