package dev.loupe.linalg.bench;

/**
 * One measured kernel.
 *
 * @param group    what is compared, e.g. "gram 11008x4096"
 * @param kernel   e.g. "dsyrk"
 * @param baseline the kernel of this group all ratios refer to
 * @param seconds  best wall time over the repeats
 * @param ratio    seconds / baseline seconds (below 1 = faster than the baseline)
 */
public record Timing(String group, String kernel, String baseline, double seconds, double ratio) {
}
