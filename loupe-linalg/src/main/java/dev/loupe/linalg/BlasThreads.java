package dev.loupe.linalg;

import java.lang.management.ManagementFactory;

/**
 * How many native BLAS threads one call gets, by the order of its matrix and the machine's load.
 * LAPACK's tridiagonal reduction is a long chain of BLAS-2 calls, each a fork/join of OpenBLAS's
 * spinning workers: when the cores are busy with other processes a worker that is descheduled holds
 * every join up. Measured on the shared 2-core machine (load average 27, OpenBLAS 0.3.30, ssyevd,
 * 1 vs 2 threads, same run): 512² 0.07 s vs 1.6 s, 1024² 0.33 s vs 4.1 s, 2048² 2.2 s vs 20.6 s
 * (issue 19 saw 100× on 512²). So: small matrices always run on one thread, larger ones use more
 * only while the load average leaves cores idle.
 */
public final class BlasThreads {
    /** Orders below this run single-threaded. */
    public static final int MIN_ORDER_FOR_THREADS = 2048;

    private BlasThreads() {
    }

    /**
     * @param order the order of the symmetric matrix (the Gram's side)
     * @param cap   the most threads the caller allows (≥ 1)
     */
    public static int forOrder(int order, int cap) {
        return forOrder(order, cap, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param loadAverage the one-minute load average (negative when unknown: then the cap is used)
     * @param cores       the processors available
     */
    public static int forOrder(int order, int cap, double loadAverage, int cores) {
        if (cap < 1) {
            throw new IllegalArgumentException("thread cap must be >= 1, got " + cap);
        }
        if (order < MIN_ORDER_FOR_THREADS || cap == 1) {
            return 1;
        }
        if (loadAverage < 0) {
            return cap;
        }
        // the calling thread is part of the load and its own core is the call's first thread
        int free = (int) Math.floor(cores - loadAverage) + 1;
        return Math.max(1, Math.min(cap, free));
    }
}
