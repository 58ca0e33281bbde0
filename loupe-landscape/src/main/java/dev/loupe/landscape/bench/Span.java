package dev.loupe.landscape.bench;

import java.lang.management.ManagementFactory;

/**
 * Wall seconds and CPU seconds of this process (all threads, ONNX Runtime's included) over a piece of work. On a
 * shared machine the wall time grows with the load while the CPU time, with one ONNX Runtime thread (no pool spinning),
 * stays close to the work itself: the benchmarks print both ratios.
 */
public record Span(double wall, double cpu) {
    Span plus(Span o) {
        return new Span(wall + o.wall, cpu + o.cpu);
    }

    Span per(int n) {
        return new Span(wall / n, cpu / n);
    }

    public static Start start() {
        return new Start(System.nanoTime(), cpuNanos());
    }

    public record Start(long wall, long cpu) {
        Span stop() {
            return new Span((System.nanoTime() - wall) / 1e9, (cpuNanos() - cpu) / 1e9);
        }
    }

    private static long cpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }
}
