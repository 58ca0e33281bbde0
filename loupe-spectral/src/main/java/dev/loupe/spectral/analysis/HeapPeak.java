package dev.loupe.spectral.analysis;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Peak heap use of the process, from the JVM's own per-pool peak counters (exact, no sampling). Never
 * reset here: the counters are process-wide, and resetting them would change what other callers in
 * the same JVM (Spark tasks, a benchmark) measure. For {@code loupe inspect} the process is the inspection.
 */
final class HeapPeak {
    private HeapPeak() {
    }

    /** Sum of the heap pools' peaks since the JVM started (an upper bound of the true simultaneous peak). */
    static long bytes() {
        long s = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                s += p.getPeakUsage().getUsed();
            }
        }
        return s;
    }
}
