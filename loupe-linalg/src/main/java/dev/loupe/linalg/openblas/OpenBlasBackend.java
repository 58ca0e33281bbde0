package dev.loupe.linalg.openblas;

import dev.loupe.linalg.BlasThreads;
import dev.loupe.linalg.DenseBackend;
import dev.loupe.linalg.EigenSystem;
import dev.loupe.linalg.Matrices;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.loupe.linalg.openblas.OpenBlasLibrary.COL_MAJOR;
import static dev.loupe.linalg.openblas.OpenBlasLibrary.NO_TRANS;
import static dev.loupe.linalg.openblas.OpenBlasLibrary.ROW_MAJOR;
import static dev.loupe.linalg.openblas.OpenBlasLibrary.TRANS;
import static dev.loupe.linalg.openblas.OpenBlasLibrary.UPPER;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Native backend: Gram by {@code cblas_?syrk} (half the flops of gemm; the other triangle is mirrored
 * in Java only when the full Gram is asked for), eigenvalues by LAPACKE {@code ?syevd} with
 * {@code jobz='N'}. Heap arrays are copied once into a confined off-heap arena per call (no pinning,
 * so a multi-second BLAS call never holds up the garbage collector for other threads); the
 * {@code MemorySegment} methods skip even that copy for callers that build matrices off-heap.
 */
public final class OpenBlasBackend implements DenseBackend {
    /**
     * Which LAPACK driver computes eigenvalues; all reduce to tridiagonal form and then run ?sterf.
     * SYEVD_2STAGE reduces in two stages (dense to band by BLAS-3, band to tridiagonal by bulge chasing:
     * Haidar, Ltaief, Dongarra, SC'11), LAPACK ≥ 3.7.
     */
    public enum EigenDriver { SYEVD, SYEVR, SYEVD_2STAGE }

    private final OpenBlasLibrary lib;
    /** The driver of float calls. */
    private final EigenDriver driver;
    /** The driver of double calls. */
    private final EigenDriver driver64;
    /** Per-call thread ceiling of this view; 0 = the process ceiling ({@link #threads()}). */
    private final int maxThreads;
    /** Whether small matrices drop to one thread ({@link BlasThreads#forOrder}); off only to measure that rule. */
    private final boolean bySize;

    private OpenBlasBackend(OpenBlasLibrary lib, EigenDriver driver, EigenDriver driver64, int maxThreads,
                            boolean bySize) {
        this.lib = lib;
        this.driver = driver;
        this.driver64 = driver64;
        this.maxThreads = maxThreads;
        this.bySize = bySize;
    }

    /**
     * Loads the bundled library and sets it to use every core. Float eigenvalues by ssyevd_2stage: at
     * order 4096 on one thread it took 2.6–2.7 s CPU against ssyevd's 3.1 s (OpenBLAS 0.3.30, this
     * 2-core Xeon, same run; the first stage is BLAS-3, where ssytrd spends half its flops in
     * memory-bound ssymv). Double keeps dsyevd, so {@code --precision fp64} stays WeightWatcher's numbers.
     *
     * @throws IllegalStateException or {@link LinkageError} with the reason when it cannot load here
     */
    public static OpenBlasBackend load() {
        OpenBlasLibrary lib = OpenBlasLibrary.load();
        lib.setThreads(Runtime.getRuntime().availableProcessors());
        return new OpenBlasBackend(lib, EigenDriver.SYEVD_2STAGE, EigenDriver.SYEVD, 0, true);
    }

    /** The loaded library, for other kernels of this package ({@link NativeSgemm}). */
    OpenBlasLibrary library() {
        return lib;
    }

    /** The same library with one eigenvalue driver for both precisions (the benchmark compares them). */
    public OpenBlasBackend withEigenDriver(EigenDriver d) {
        return new OpenBlasBackend(lib, d, d, maxThreads, bySize);
    }

    @Override
    public OpenBlasBackend withMaxThreads(int cap) {
        DenseBackend.super.withMaxThreads(cap);
        return new OpenBlasBackend(lib, driver, driver64, cap, bySize);
    }

    /** Every call on exactly {@code n} threads whatever its size (the benchmark measures the size rule with it). */
    public OpenBlasBackend withThreadsPerCall(int n) {
        DenseBackend.super.withMaxThreads(n);
        return new OpenBlasBackend(lib, driver, driver64, n, false);
    }

    /** The driver this backend's float eigenvalue calls use. */
    public EigenDriver eigenDriver() {
        return driver;
    }

    @Override
    public String name() {
        return "openblas " + lib.config.replaceFirst("^OpenBLAS ", "") + " (bytedeco jar, native, "
                + "s" + driver.name().toLowerCase(java.util.Locale.ROOT) + "/d"
                + driver64.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    @Override
    public int threads() {
        return lib.threads();
    }

    @Override
    public void setThreads(int n) {
        DenseBackend.super.setThreads(n);
        lib.setThreads(n);
    }

    @Override
    public double[] smallerGram(double[] a, int rows, int cols) {
        Matrices.checkShape(a.length, rows, cols);
        int k = Math.min(rows, cols);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = arena.allocate(JAVA_DOUBLE, (long) k * k);
            syrk(JAVA_DOUBLE, offHeapCopy(arena, a), rows, cols, c);
            double[] g = c.toArray(JAVA_DOUBLE);
            Matrices.mirrorUpper(g, k);
            return g;
        }
    }

    @Override
    public float[] smallerGram(float[] a, int rows, int cols) {
        Matrices.checkShape(a.length, rows, cols);
        int k = Math.min(rows, cols);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = arena.allocate(JAVA_FLOAT, (long) k * k);
            syrk(JAVA_FLOAT, offHeapCopy(arena, a), rows, cols, c);
            float[] g = c.toArray(JAVA_FLOAT);
            Matrices.mirrorUpper(g, k);
            return g;
        }
    }

    @Override
    public double[] symmetricEigenvalues(double[] sym, int n) {
        Matrices.checkFinite(sym, n);
        try (Arena arena = Arena.ofConfined()) {
            return eigenvalues(JAVA_DOUBLE, offHeapCopy(arena, sym), n, arena).toArray(JAVA_DOUBLE);
        }
    }

    @Override
    public float[] symmetricEigenvalues(float[] sym, int n) {
        Matrices.checkFinite(sym, n);
        try (Arena arena = Arena.ofConfined()) {
            return eigenvalues(JAVA_FLOAT, offHeapCopy(arena, sym), n, arena).toArray(JAVA_FLOAT);
        }
    }

    /** LAPACK {@code dsyevd} with {@code jobz='V'} (divide and conquer, vectors included; whatever {@link #eigenDriver()}). */
    @Override
    public EigenSystem symmetricEigenSystem(double[] sym, int n) {
        Matrices.checkFinite(sym, n);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = offHeapCopy(arena, sym);
            MemorySegment w = arena.allocate(JAVA_DOUBLE, n);
            int info;
            lib.enter(threadsFor(n));
            try {
                // symmetric, so column-major 'U' reads the same matrix; on exit column j of a is eigenvector j
                info = (int) lib.dsyevd.invokeExact(COL_MAJOR, (byte) 'V', (byte) 'U', n, a, n, w);
            } catch (Throwable e) {
                throw rethrow(e);
            } finally {
                lib.exit();
            }
            checkInfo(info, n);
            return new EigenSystem(w.toArray(JAVA_DOUBLE), a.toArray(JAVA_DOUBLE), n);
        }
    }

    @Override
    public double[] smallerGramEigenvalues(double[] a, int rows, int cols, Runnable gramDone) {
        Matrices.checkShape(a.length, rows, cols);
        try (Arena arena = Arena.ofConfined()) {
            return gramEigenvalues(JAVA_DOUBLE, offHeapCopy(arena, a), rows, cols, arena, gramDone).toArray(JAVA_DOUBLE);
        }
    }

    @Override
    public float[] smallerGramEigenvalues(float[] a, int rows, int cols, Runnable gramDone) {
        Matrices.checkShape(a.length, rows, cols);
        try (Arena arena = Arena.ofConfined()) {
            return gramEigenvalues(JAVA_FLOAT, offHeapCopy(arena, a), rows, cols, arena, gramDone).toArray(JAVA_FLOAT);
        }
    }

    /**
     * Zero-copy ESD for a row-major matrix already in native memory ({@code type} is JAVA_DOUBLE or
     * JAVA_FLOAT, and says the precision). {@code a} is not modified.
     */
    public MemorySegment smallerGramEigenvalues(ValueLayout type, MemorySegment a, int rows, int cols, Arena out) {
        checkType(type);
        if (a.isNative() && a.byteSize() == (long) rows * cols * type.byteSize() && rows > 0 && cols > 0) {
            return gramEigenvalues(type, a, rows, cols, out, () -> { });
        }
        throw new IllegalArgumentException("need a native segment of " + rows + "x" + cols + " " + type);
    }

    /** Baseline for the benchmark only: the full Gram by {@code ?gemm}, twice the flops of syrk. */
    public double[] smallerGramByGemm(double[] a, int rows, int cols) {
        Matrices.checkShape(a.length, rows, cols);
        int k = Math.min(rows, cols);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = arena.allocate(JAVA_DOUBLE, (long) k * k);
            gemmGram(JAVA_DOUBLE, offHeapCopy(arena, a), rows, cols, c);
            return c.toArray(JAVA_DOUBLE);
        }
    }

    /**
     * Benchmark only: seconds of one {@code sgemm} computing the full Gram of the float matrix
     * (2·k²·depth flops): this machine's single-precision peak for that shape.
     */
    public double sgemmGramSeconds(float[] a, int rows, int cols) {
        Matrices.checkShape(a.length, rows, cols);
        int k = Math.min(rows, cols);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = offHeapCopy(arena, a);
            MemorySegment c = arena.allocate(JAVA_FLOAT, (long) k * k);
            long t0 = System.nanoTime();
            gemmGram(JAVA_FLOAT, seg, rows, cols, c);
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private void gemmGram(ValueLayout type, MemorySegment seg, int rows, int cols, MemorySegment c) {
        int k = Math.min(rows, cols);
        boolean inner = cols <= rows;
        int depth = inner ? rows : cols;
        int ta = inner ? TRANS : NO_TRANS;
        int tb = inner ? NO_TRANS : TRANS;
        lib.enter(threadsFor(k));
        try {
            if (type == JAVA_FLOAT) {
                lib.sgemm.invokeExact(ROW_MAJOR, ta, tb, k, k, depth, 1f, seg, cols, seg, cols, 0f, c, k);
            } else {
                lib.dgemm.invokeExact(ROW_MAJOR, ta, tb, k, k, depth, 1.0, seg, cols, seg, cols, 0.0, c, k);
            }
        } catch (Throwable e) {
            throw rethrow(e);
        } finally {
            lib.exit();
        }
    }

    private MemorySegment gramEigenvalues(ValueLayout type, MemorySegment a, int rows, int cols, Arena arena, Runnable gramDone) {
        int k = Math.min(rows, cols);
        MemorySegment c = arena.allocate(type, (long) k * k);
        syrk(type, a, rows, cols, c);
        checkFinite(type, c);
        gramDone.run();
        // Row-major upper triangle = column-major lower triangle: LAPACK reads it in place, no fill.
        return eigenvalues(type, c, k, 'L', arena);
    }

    private MemorySegment eigenvalues(ValueLayout type, MemorySegment sym, int n, Arena arena) {
        return eigenvalues(type, sym, n, 'U', arena);
    }

    private void syrk(ValueLayout type, MemorySegment a, int rows, int cols, MemorySegment c) {
        boolean inner = cols <= rows; // AᵀA (cols x cols) else AAᵀ (rows x rows)
        int k = Math.min(rows, cols);
        int depth = inner ? rows : cols;
        int trans = inner ? TRANS : NO_TRANS;
        lib.enter(threadsFor(k));
        try {
            if (type == JAVA_FLOAT) {
                lib.ssyrk.invokeExact(ROW_MAJOR, UPPER, trans, k, depth, 1f, a, cols, 0f, c, k);
            } else {
                lib.dsyrk.invokeExact(ROW_MAJOR, UPPER, trans, k, depth, 1.0, a, cols, 0.0, c, k);
            }
        } catch (Throwable e) {
            throw rethrow(e);
        } finally {
            lib.exit();
        }
    }

    private int threadsFor(int order) {
        int cap = maxThreads > 0 ? maxThreads : Math.max(1, lib.threads());
        return bySize ? BlasThreads.forOrder(order, cap) : cap;
    }

    /** Column-major call (the matrix is symmetric, so no LAPACKE transpose copy); {@code sym} is destroyed. */
    private MemorySegment eigenvalues(ValueLayout type, MemorySegment sym, int n, char uplo, Arena arena) {
        boolean single = type == JAVA_FLOAT;
        EigenDriver driver = single ? this.driver : driver64;
        MemorySegment w = arena.allocate(type, n);
        byte jobz = 'N';
        byte up = (byte) uplo;
        int info;
        lib.enter(threadsFor(n));
        try {
            if (driver == EigenDriver.SYEVD) {
                info = single ? (int) lib.ssyevd.invokeExact(COL_MAJOR, jobz, up, n, sym, n, w)
                        : (int) lib.dsyevd.invokeExact(COL_MAJOR, jobz, up, n, sym, n, w);
            } else if (driver == EigenDriver.SYEVD_2STAGE) {
                info = single ? (int) lib.ssyevd2.invokeExact(COL_MAJOR, jobz, up, n, sym, n, w)
                        : (int) lib.dsyevd2.invokeExact(COL_MAJOR, jobz, up, n, sym, n, w);
            } else {
                MemorySegment m = arena.allocate(JAVA_INT);
                MemorySegment isuppz = arena.allocate(JAVA_INT, 2L * n);
                MemorySegment z = arena.allocate(type, 1); // not referenced with jobz='N'; ldz must be >= 1
                byte all = 'A';
                info = single
                        ? (int) lib.ssyevr.invokeExact(COL_MAJOR, jobz, all, up, n, sym, n, 0f, 0f, 0, 0, 0f, m, w, z, 1, isuppz)
                        : (int) lib.dsyevr.invokeExact(COL_MAJOR, jobz, all, up, n, sym, n, 0.0, 0.0, 0, 0, 0.0, m, w, z, 1, isuppz);
            }
        } catch (Throwable e) {
            throw rethrow(e);
        } finally {
            lib.exit();
        }
        checkInfo(info, n);
        return w;
    }

    private void checkInfo(int info, int n) {
        if (info > 0) {
            throw new ArithmeticException("LAPACK " + driver + " did not converge (info=" + info + ", n=" + n + ")");
        }
        if (info < 0) {
            throw new IllegalStateException("LAPACK " + driver + " rejected argument " + (-info) + " (a bug in Loupe)");
        }
    }

    private static void checkFinite(ValueLayout type, MemorySegment m) {
        long count = m.byteSize() / type.byteSize();
        for (long i = 0; i < count; i++) {
            double v = type == JAVA_FLOAT ? m.getAtIndex(JAVA_FLOAT, i) : m.getAtIndex(JAVA_DOUBLE, i);
            if (!Double.isFinite(v)) {
                throw new ArithmeticException("Gram matrix holds " + v + " (NaN/Inf or overflow in the weights)");
            }
        }
    }

    private static void checkType(ValueLayout type) {
        if (type != JAVA_DOUBLE && type != JAVA_FLOAT) {
            throw new IllegalArgumentException("type must be JAVA_DOUBLE or JAVA_FLOAT, got " + type);
        }
    }

    private static MemorySegment offHeapCopy(Arena arena, double[] a) {
        MemorySegment s = arena.allocate(JAVA_DOUBLE, a.length);
        MemorySegment.copy(a, 0, s, JAVA_DOUBLE, 0, a.length);
        return s;
    }

    private static MemorySegment offHeapCopy(Arena arena, float[] a) {
        MemorySegment s = arena.allocate(JAVA_FLOAT, a.length);
        MemorySegment.copy(a, 0, s, JAVA_FLOAT, 0, a.length);
        return s;
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(e);
    }
}
