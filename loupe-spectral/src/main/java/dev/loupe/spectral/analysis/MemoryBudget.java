package dev.loupe.spectral.analysis;

import java.util.concurrent.Semaphore;

/**
 * Keeps the layers analyzed at once within the heap: each takes its working set (in MiB) from a
 * budget of 70 % of -Xmx before it decodes, so {@code --threads} never multiplies memory past the
 * limit. A layer larger than the whole budget runs alone (it takes everything).
 */
final class MemoryBudget {
    private static final long MIB = 1 << 20;
    private final Semaphore permits;
    private final int total;

    private MemoryBudget(long bytes) {
        total = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / MIB));
        permits = new Semaphore(total, true);
    }

    static MemoryBudget ofHeap() {
        return new MemoryBudget((long) (Runtime.getRuntime().maxMemory() * 0.7));
    }

    /** Blocks until {@code bytes} fit; returns the permits taken (pass to {@link #release}). */
    long acquire(long bytes) throws InterruptedException {
        int p = (int) Math.min(total, Math.max(1, bytes / MIB));
        permits.acquire(p);
        return p;
    }

    long totalBytes() {
        return total * MIB;
    }

    void release(long taken) {
        permits.release((int) taken);
    }
}
