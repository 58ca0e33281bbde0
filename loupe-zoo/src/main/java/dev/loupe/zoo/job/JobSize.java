package dev.loupe.zoo.job;

import dev.loupe.zoo.discover.FileKey;

import java.util.List;

/**
 * How much work a run has, known before anything starts: what {@code --master auto} and the executor
 * memory are chosen from.
 *
 * @param checkpoints       checkpoints to analyze
 * @param totalBytes        their summed size
 * @param largestTaskBytes  the largest task's share: a checkpoint's size, at most {@code --split-above}
 *                          (a split checkpoint's layers are not counted before planning)
 */
public record JobSize(int checkpoints, long totalBytes, long largestTaskBytes) {
    /** Analysis cost per checkpoint apart from its bytes: ~40–70 ms for fixtures/zoo's small MLPs (loupe-zoo/README.md). */
    static final double SECONDS_PER_CHECKPOINT = 0.05;
    /** Bytes analyzed per CPU-second: 3.50 GB in 497 CPU-s for the LLaMA-like test model (loupe-zoo/README.md). */
    static final double BYTES_PER_CPU_SECOND = 7.0e6;

    public static JobSize of(List<FileKey> keys, long splitAbove) {
        long total = 0;
        long largest = 0;
        for (FileKey k : keys) {
            long size = Math.max(0, k.size());
            total += size;
            largest = Math.max(largest, Math.min(size, Math.max(splitAbove, 1)));
        }
        return new JobSize(keys.size(), total, largest);
    }

    /** Estimated wall seconds of the analysis on {@code cores} cores of a machine like the one measured. */
    public double estimatedSeconds(int cores) {
        return (checkpoints * SECONDS_PER_CHECKPOINT + totalBytes / BYTES_PER_CPU_SECOND) / Math.max(1, cores);
    }
}
