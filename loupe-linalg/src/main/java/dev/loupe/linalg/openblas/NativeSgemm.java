package dev.loupe.linalg.openblas;

import java.lang.foreign.MemorySegment;

import static dev.loupe.linalg.openblas.OpenBlasLibrary.NO_TRANS;
import static dev.loupe.linalg.openblas.OpenBlasLibrary.ROW_MAJOR;
import static dev.loupe.linalg.openblas.OpenBlasLibrary.TRANS;

/**
 * Row-major single-precision GEMM, {@code C = alpha·op(A)·op(B) + beta·C}, straight to OpenBLAS's
 * {@code cblas_sgemm}. Operands may be heap segments ({@code MemorySegment.ofArray(float[])}, also sliced) or
 * native ones (a memory-mapped F32 weight): the downcall is "critical", so heap arrays are pinned for the call
 * instead of copied. That is right for the LM forward pass, whose calls last milliseconds and whose operands are
 * large; {@link OpenBlasBackend}'s multi-second Gram calls copy off-heap instead so as not to hold up the GC.
 */
public final class NativeSgemm {
    private final OpenBlasLibrary lib;

    private NativeSgemm(OpenBlasLibrary lib) {
        this.lib = lib;
    }

    /**
     * The bundled library (threads left as they are: {@link OpenBlasBackend#load} sets them to the cores).
     *
     * @throws IllegalStateException or {@link LinkageError} when there is no usable native library here
     */
    public static NativeSgemm load() {
        return new NativeSgemm(dev.loupe.linalg.Backends.openBlas().library());
    }

    /**
     * {@code C[m,n] = alpha·op(A)[m,k]·op(B)[k,n] + beta·C}; {@code lda/ldb/ldc} are the row strides (elements) of
     * A, B and C as stored. Not modified: a, b. Modified: c.
     */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda,
                      MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        // OpenBLAS's thread count is process-wide and NativeDense lowers it for its calls (BlasThreads) without
        // restoring it: a forward pass after one such call (the calibration's ssyrk) ran on 1 thread, 20.7 -> 37.3 s
        // per 7B-shaped block in `bench compress --model --blocks 1 --jobs GPTQ4`. So each call asks for the cap.
        lib.enter(lib.threads());
        try {
            lib.sgemmHeap.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha,
                    a, lda, b, ldb, beta, c, ldc);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        } finally {
            lib.exit();
        }
    }

    /** OpenBLAS's process-wide thread count. */
    public int threads() {
        return lib.threads();
    }

    /** Sets OpenBLAS's process-wide thread count. */
    public void setThreads(int n) {
        lib.setThreads(n);
    }

    /** "openblas 0.3.30 ..." as the library reports itself. */
    public String name() {
        return "openblas " + lib.config.replaceFirst("^OpenBLAS ", "");
    }
}
