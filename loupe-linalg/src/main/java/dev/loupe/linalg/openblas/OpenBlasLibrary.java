package dev.loupe.linalg.openblas;

import org.bytedeco.javacpp.Loader;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The OpenBLAS shared library shipped inside {@code org.bytedeco:openblas} (no apt step): JavaCPP's
 * {@link Loader} extracts it (with libgfortran) to its cache and loads it; we then bind the few C
 * entry points we need through java.lang.foreign. Why not JavaCPP's generated {@code double[]}
 * overloads: they go through JNI {@code Get<Type>ArrayElements}, which on HotSpot copies the array
 * in and back out on every call; with off-heap segments we control every copy.
 *
 * <p>Integers are 32-bit ({@code blasint = int}: this build is not INTERFACE64).
 */
final class OpenBlasLibrary {
    static final int ROW_MAJOR = 101;
    static final int COL_MAJOR = 102;
    static final int NO_TRANS = 111;
    static final int TRANS = 112;
    static final int UPPER = 121;

    final Path file;
    final String config;
    final MethodHandle dsyrk;
    final MethodHandle ssyrk;
    final MethodHandle dgemm;
    final MethodHandle sgemm;
    /** sgemm bound with {@code critical(true)}: heap float[] segments go to BLAS without a copy (pinned for the call). */
    final MethodHandle sgemmHeap;
    /** ssyrk, dgemm, dpotrf, dtrtri bound with {@code critical(true)} for heap arrays ({@link NativeDense}). */
    final MethodHandle ssyrkHeap;
    final MethodHandle dgemmHeap;
    final MethodHandle dpotrfHeap;
    final MethodHandle dtrtriHeap;
    final MethodHandle dlauumHeap;
    final MethodHandle dsyevd;
    final MethodHandle ssyevd;
    final MethodHandle dsyevr;
    final MethodHandle ssyevr;
    final MethodHandle dsyevd2;
    final MethodHandle ssyevd2;
    private final MethodHandle setThreads;
    /** Native calls running now, and the count last set (guarded by {@code this}). */
    private int inFlight;
    private int current;
    private int cap;
    private final MethodHandle getThreads;

    private OpenBlasLibrary(Path file) throws Throwable {
        this.file = file;
        SymbolLookup lib = SymbolLookup.libraryLookup(file, Arena.global());
        Linker l = Linker.nativeLinker();
        dsyrk = bind(l, lib, "cblas_dsyrk", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_DOUBLE, ADDRESS, JAVA_INT, JAVA_DOUBLE, ADDRESS, JAVA_INT));
        ssyrk = bind(l, lib, "cblas_ssyrk", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_FLOAT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT));
        dgemm = bind(l, lib, "cblas_dgemm", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_DOUBLE, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_DOUBLE, ADDRESS, JAVA_INT));
        sgemm = bind(l, lib, "cblas_sgemm", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT));
        sgemmHeap = l.downcallHandle(lib.find("cblas_sgemm").orElseThrow(() -> new IllegalStateException("symbol cblas_sgemm missing")),
                FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT,
                        ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT), Linker.Option.critical(true));
        ssyrkHeap = critical(l, lib, "cblas_ssyrk", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_FLOAT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT));
        dgemmHeap = critical(l, lib, "cblas_dgemm", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_DOUBLE, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_DOUBLE, ADDRESS, JAVA_INT));
        // lapack_int LAPACKE_dpotrf(int layout, char uplo, lapack_int n, double* a, lapack_int lda)
        dpotrfHeap = critical(l, lib, "LAPACKE_dpotrf", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_BYTE, JAVA_INT, ADDRESS, JAVA_INT));
        // lapack_int LAPACKE_dtrtri(int layout, char uplo, char diag, lapack_int n, double* a, lapack_int lda)
        dtrtriHeap = critical(l, lib, "LAPACKE_dtrtri", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_BYTE, JAVA_BYTE, JAVA_INT,
                ADDRESS, JAVA_INT));
        // lapack_int LAPACKE_dlauum(int layout, char uplo, lapack_int n, double* a, lapack_int lda)
        dlauumHeap = critical(l, lib, "LAPACKE_dlauum", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_BYTE, JAVA_INT, ADDRESS, JAVA_INT));
        // lapack_int LAPACKE_dsyevd(int layout, char jobz, char uplo, lapack_int n, double* a, lapack_int lda, double* w)
        FunctionDescriptor syevd = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_BYTE, JAVA_BYTE, JAVA_INT, ADDRESS,
                JAVA_INT, ADDRESS);
        dsyevd = bind(l, lib, "LAPACKE_dsyevd", syevd);
        ssyevd = bind(l, lib, "LAPACKE_ssyevd", syevd);
        // Two-stage reduction (dense -> band by BLAS-3, band -> tridiagonal by bulge chasing); same signature
        dsyevd2 = bind(l, lib, "LAPACKE_dsyevd_2stage", syevd);
        ssyevd2 = bind(l, lib, "LAPACKE_ssyevd_2stage", syevd);
        // LAPACKE_dsyevr(layout, jobz, range, uplo, n, a, lda, vl, vu, il, iu, abstol, *m, w, z, ldz, isuppz)
        dsyevr = bind(l, lib, "LAPACKE_dsyevr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_BYTE, JAVA_BYTE, JAVA_BYTE,
                JAVA_INT, ADDRESS, JAVA_INT, JAVA_DOUBLE, JAVA_DOUBLE, JAVA_INT, JAVA_INT, JAVA_DOUBLE, ADDRESS,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        ssyevr = bind(l, lib, "LAPACKE_ssyevr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_BYTE, JAVA_BYTE, JAVA_BYTE,
                JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, JAVA_FLOAT, JAVA_INT, JAVA_INT, JAVA_FLOAT, ADDRESS,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        setThreads = bind(l, lib, "openblas_set_num_threads", FunctionDescriptor.ofVoid(JAVA_INT));
        getThreads = bind(l, lib, "openblas_get_num_threads", FunctionDescriptor.of(JAVA_INT));
        MethodHandle getConfig = bind(l, lib, "openblas_get_config", FunctionDescriptor.of(ADDRESS));
        config = ((MemorySegment) getConfig.invokeExact()).reinterpret(4096).getString(0);
        current = (int) getThreads.invokeExact();
        cap = current;
    }

    /**
     * Extracts (first use only) and binds the library. Throws with the reason when this platform has
     * no bundled binary or it does not load, so {@code Backends} can record why it fell back.
     */
    static OpenBlasLibrary load() {
        try {
            String jni = Loader.load(org.bytedeco.openblas.global.openblas.class);
            if (jni == null) {
                throw new IllegalStateException("bytedeco openblas has no native binary for " + Loader.getPlatform());
            }
            Path lib = Path.of(jni).resolveSibling("libopenblas.so.0");
            if (!Files.isRegularFile(lib)) {
                throw new IllegalStateException("libopenblas.so.0 not found next to " + jni);
            }
            return new OpenBlasLibrary(lib);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }

    /**
     * OpenBLAS's thread count is process-wide, not per caller thread (this build's
     * {@code openblas_set_num_threads_local} only sets the global count and returns the old one). An
     * explicit owner's choice (a Spark task, the benchmark): the most threads any call may use from now on.
     */
    synchronized void setThreads(int n) {
        cap = n;
        if (inFlight == 0) {
            set(n);
        }
    }

    /**
     * Starts a native call that wants {@code want} threads. The count changes only while no other native
     * call runs, so it never changes under another caller's call; otherwise this call runs at the count
     * in force (the callers running side by side share it). Pair with {@link #exit()}.
     */
    synchronized void enter(int want) {
        int t = Math.min(want, cap);
        if (inFlight == 0 && t != current) {
            set(t);
        }
        inFlight++;
    }

    synchronized void exit() {
        inFlight--;
    }

    private void set(int n) {
        try {
            setThreads.invokeExact(n);
            current = n;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ceiling set by {@link #setThreads} (calls on small matrices use fewer). */
    synchronized int threads() {
        return cap;
    }

    private static MethodHandle critical(Linker l, SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment sym = lib.find(name).orElseThrow(() -> new IllegalStateException("symbol " + name + " missing"));
        return l.downcallHandle(sym, fd, Linker.Option.critical(true));
    }

    private static MethodHandle bind(Linker l, SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment sym = lib.find(name).orElseThrow(() -> new IllegalStateException("symbol " + name + " missing"));
        return l.downcallHandle(sym, fd);
    }
}
