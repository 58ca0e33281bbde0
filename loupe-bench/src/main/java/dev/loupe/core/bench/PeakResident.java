package dev.loupe.core.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's peak resident set, VmHWM of {@code /proc/self/status}: heap, native buffers and mapped file pages
 * (the benchmarks that map multi-GB checkpoints report it beside the heap, whose peaks the JVM counts itself).
 */
public final class PeakResident {
    private PeakResident() {
    }

    /** Bytes, or -1 where {@code /proc/self/status} has no VmHWM line (not Linux). */
    public static long bytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
