package dev.loupe.linalg.openblas;

import dev.loupe.linalg.BlasThreads;

import java.lang.foreign.MemorySegment;

import static dev.loupe.linalg.openblas.OpenBlasLibrary.COL_MAJOR;
import static dev.loupe.linalg.openblas.OpenBlasLibrary.NO_TRANS;
import static dev.loupe.linalg.openblas.OpenBlasLibrary.ROW_MAJOR;
import static dev.loupe.linalg.openblas.OpenBlasLibrary.TRANS;
import static dev.loupe.linalg.openblas.OpenBlasLibrary.UPPER;

/**
 * The dense kernels of second-order compression (GPTQ, SparseGPT) and of calibration XᵀX sums, on heap arrays:
 * Cholesky ({@code LAPACKE_dpotrf}), triangular inverse ({@code LAPACKE_dtrtri}), {@code cblas_dgemm} and
 * {@code cblas_ssyrk}, and {@code LAPACKE_dlauum} (the benchmark's Wishart sample). Row-major matrices; the LAPACK calls are made column-major on the row-major array (the
 * transpose), so LAPACKE makes no transposed copy: a row-major lower triangle L is the column-major upper
 * triangle Lᵀ, and factoring or inverting that gives Lᵀ's factor or inverse in place. Arrays are pinned for the
 * call ("critical" downcalls; G1 pins regions without holding up other threads' collections, JEP 423).
 */
public final class NativeDense {
    private static final byte U = 'U';
    private static final byte N = 'N';

    private final OpenBlasLibrary lib;

    private NativeDense(OpenBlasLibrary lib) {
        this.lib = lib;
    }

    /**
     * The bundled library.
     *
     * @throws IllegalStateException or {@link LinkageError} when there is no usable native library here
     */
    public static NativeDense load() {
        return new NativeDense(dev.loupe.linalg.Backends.openBlas().library());
    }

    /** The bundled library, or null where it does not load (callers then use their pure-Java code). */
    public static NativeDense loadOrNull() {
        try {
            return load();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * Overwrites the lower triangle of row-major symmetric {@code a} (n×n; only the lower triangle is read) with
     * its Cholesky factor L, A = L·Lᵀ; the strict upper triangle is left as it was.
     *
     * @return false when A is not positive definite
     */
    public boolean choleskyLower(double[] a, int n) {
        check(a.length, n);
        int info = call(n, () -> (int) lib.dpotrfHeap.invokeExact(COL_MAJOR, U, n, MemorySegment.ofArray(a), n));
        if (info < 0) {
            throw new IllegalArgumentException("dpotrf: argument " + -info + " is invalid");
        }
        return info == 0;
    }

    /**
     * Overwrites the lower triangle of row-major lower-triangular {@code l} (n×n, nonzero diagonal) with L⁻¹; the
     * strict upper triangle is not read or written.
     */
    public void invertLower(double[] l, int n) {
        check(l.length, n);
        int info = call(n, () -> (int) lib.dtrtriHeap.invokeExact(COL_MAJOR, U, N, n, MemorySegment.ofArray(l), n));
        if (info != 0) {
            throw new ArithmeticException("dtrtri: " + (info < 0 ? "argument " + -info + " is invalid" : "diagonal " + info + " is 0"));
        }
    }

    /**
     * Overwrites the lower triangle of row-major lower-triangular {@code l} (n×n) with that of LᵀL
     * ({@code dlauum} on the column-major upper triangle Lᵀ, which computes Lᵀ·(Lᵀ)ᵀ); the strict upper triangle is
     * not read or written. A third of the flops of a general product.
     */
    public void lowerTransposeTimesLower(double[] l, int n) {
        check(l.length, n);
        int info = call(n, () -> (int) lib.dlauumHeap.invokeExact(COL_MAJOR, U, n, MemorySegment.ofArray(l), n));
        if (info != 0) {
            throw new IllegalArgumentException("dlauum: argument " + -info + " is invalid");
        }
    }

    /**
     * Row-major {@code C[m,n] = alpha·A[m,k]·B[k,n] + beta·C}, each operand at an offset into its array with its
     * row stride ({@code lda/ldb/ldc}, elements). Not modified: a, b.
     */
    public void dgemm(int m, int n, int k, double alpha, double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                      double beta, double[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        call(Math.max(m, n), () -> {
            lib.dgemmHeap.invokeExact(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, alpha, slice(a, aOff), lda, slice(b, bOff), ldb,
                    beta, slice(c, cOff), ldc);
            return 0;
        });
    }

    /**
     * The upper triangle of row-major {@code c} (n×n) becomes {@code XᵀX + beta·C} for the first {@code rows}
     * rows of row-major {@code x} (rows × n); the strict lower triangle is not written.
     */
    public void ssyrkUpper(float[] x, int rows, int n, float beta, float[] c) {
        if ((long) rows * n > x.length || (long) n * n > c.length) {
            throw new IllegalArgumentException("ssyrk: " + x.length + " and " + c.length + " floats for " + rows + "x" + n);
        }
        call(n, () -> {
            lib.ssyrkHeap.invokeExact(ROW_MAJOR, UPPER, TRANS, n, rows, 1f, MemorySegment.ofArray(x), n, beta,
                    MemorySegment.ofArray(c), n);
            return 0;
        });
    }

    /** A downcall that returns LAPACK's info (0 for BLAS). */
    private interface Downcall {
        int run() throws Throwable;
    }

    /** Runs one downcall on the threads its order warrants ({@link BlasThreads#forOrder}). */
    private int call(int order, Downcall d) {
        lib.enter(threads(order));
        try {
            return d.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        } finally {
            lib.exit();
        }
    }

    private int threads(int order) {
        return BlasThreads.forOrder(order, Math.max(1, lib.threads()));
    }

    private static MemorySegment slice(double[] a, int off) {
        MemorySegment s = MemorySegment.ofArray(a);
        return off == 0 ? s : s.asSlice(8L * off);
    }

    private static void check(int length, int n) {
        if ((long) n * n != length) {
            throw new IllegalArgumentException(length + " entries for " + n + "x" + n);
        }
    }
}
