package dev.loupe.spectral.analysis;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.Backends;
import dev.loupe.linalg.DenseBackend;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Native BLAS threads are process-wide, so an inspection never sets them: it asks the backend for a view
 * whose calls use at most cores / threads (or the explicit count a Spark task gives), and the backend
 * changes the count only between calls. Nothing is changed for other callers in the same JVM.
 */
class TestInspectorBlasThreads {
    private static final Path MLP = Path.of("../fixtures/zoo/mlp_00.safetensors").toAbsolutePath().normalize();

    /** The pure-Java backend's numbers, with every thread-count change recorded. */
    private static final class Recording implements DenseBackend {
        final DenseBackend d = Backends.pureJava();
        final List<Integer> set = new ArrayList<>();
        final List<Integer> caps = new ArrayList<>();
        int threads = 7;

        @Override public String name() { return d.name(); }
        @Override public double[] smallerGram(double[] a, int r, int c) { return d.smallerGram(a, r, c); }
        @Override public float[] smallerGram(float[] a, int r, int c) { return d.smallerGram(a, r, c); }
        @Override public double[] symmetricEigenvalues(double[] s, int n) { return d.symmetricEigenvalues(s, n); }
        @Override public float[] symmetricEigenvalues(float[] s, int n) { return d.symmetricEigenvalues(s, n); }
        @Override public int threads() { return threads; }
        @Override public void setThreads(int n) { set.add(n); threads = n; }
        @Override public DenseBackend withMaxThreads(int cap) { caps.add(cap); return this; }
    }

    @Test
    void inspectionCapsItsCallsAndSetsNothingProcessWide() {
        int cores = Runtime.getRuntime().availableProcessors();
        try (Checkpoint cp = Checkpoints.open(MLP)) {
            Recording auto = new Recording();
            new Inspector(auto, InspectOptions.defaults()).inspect(cp, Progress.NONE, "t", false);
            assertEquals(List.of(Math.max(1, cores / InspectOptions.defaults().threads())), auto.caps);
            assertEquals(List.of(), auto.set);
            assertEquals(7, auto.threads());
            Recording fixed = new Recording();
            new Inspector(fixed, InspectOptions.defaults(), 3).inspectLayers(cp, 0, 1, Progress.NONE, "t");
            assertEquals(List.of(3), fixed.caps);
            assertEquals(List.of(), fixed.set);
        }
        assertThrows(IllegalArgumentException.class, () -> new Inspector(new Recording(), InspectOptions.defaults(), -1));
    }
}
