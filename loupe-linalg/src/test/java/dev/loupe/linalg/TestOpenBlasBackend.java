package dev.loupe.linalg;

import dev.loupe.linalg.openblas.OpenBlasBackend;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conformance suite on native OpenBLAS (both eigenvalue drivers), plus agreement with EJML on
 * random matrices. Not skipped when the library is missing: the jar ships it for linux-x86_64, and a
 * silent skip would hide exactly the failure this is here to catch.
 */
class TestOpenBlasBackend extends DenseBackendConformance {
    private static final OpenBlasBackend BACKEND = Backends.openBlas();

    @Override
    DenseBackend backend() {
        return BACKEND;
    }

    @Test
    void agreesWithPureJavaOnRandomMatrices() {
        DenseBackend java = Backends.pureJava();
        for (int[] shape : new int[][] {{120, 80}, {80, 120}, {97, 97}}) {
            double[] a = gaussian(shape[0] * shape[1], shape[0] * 7L + shape[1]);
            double[] expected = java.smallerGramEigenvalues(a, shape[0], shape[1]);
            double tol = 1e-11 * expected[expected.length - 1];
            assertArrayEquals(expected, BACKEND.smallerGramEigenvalues(a, shape[0], shape[1]), tol);
            float[] f = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                f[i] = (float) a[i];
            }
            assertArrayEquals(widen(java.smallerGramEigenvalues(f, shape[0], shape[1])),
                    widen(BACKEND.smallerGramEigenvalues(f, shape[0], shape[1])), 2e-5 * expected[expected.length - 1]);
        }
    }

    @Test
    void nativeSegmentPathMatchesKnownSpectrum() {
        KnownSpectrum m = KnownSpectrum.of(90, 60, 5);
        double[] expected = m.expectedEigenvalues();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(JAVA_DOUBLE, m.a().length);
            MemorySegment.copy(m.a(), 0, a, JAVA_DOUBLE, 0, m.a().length);
            double[] ev = BACKEND.smallerGramEigenvalues(JAVA_DOUBLE, a, 90, 60, arena).toArray(JAVA_DOUBLE);
            assertArrayEquals(expected, ev, TOL64 * expected[expected.length - 1]);
            float[] af = m.aAsFloat();
            MemorySegment f = arena.allocate(JAVA_FLOAT, af.length);
            MemorySegment.copy(af, 0, f, JAVA_FLOAT, 0, af.length);
            float[] evf = BACKEND.smallerGramEigenvalues(JAVA_FLOAT, f, 90, 60, arena).toArray(JAVA_FLOAT);
            assertArrayEquals(expected, widen(evf), TOL32 * expected[expected.length - 1]);
        }
    }

    @Test
    void threadCountCanBeSetAndRestored() {
        int before = BACKEND.threads();
        try {
            BACKEND.setThreads(1);
            assertEquals(1, BACKEND.threads());
            KnownSpectrum m = KnownSpectrum.of(150, 100, 9);
            double[] expected = m.expectedEigenvalues();
            assertArrayEquals(expected, BACKEND.smallerGramEigenvalues(m.a(), 150, 100), TOL64 * expected[expected.length - 1]);
        } finally {
            BACKEND.setThreads(before);
        }
        assertEquals(Math.min(before, 64), BACKEND.threads());
    }

    @Test
    void defaultsToAllCores() {
        assertTrue(BACKEND.threads() >= 1);
        assertTrue(BACKEND.name().startsWith("openblas 0.3.30"), BACKEND.name());
    }

    /** The same suite with LAPACK's MRRR driver, the alternative the benchmark measures. */
    @Nested
    class WithSyevr extends DenseBackendConformance {
        private final DenseBackend syevr = BACKEND.withEigenDriver(OpenBlasBackend.EigenDriver.SYEVR);

        @Override
        DenseBackend backend() {
            return syevr;
        }
    }
}
