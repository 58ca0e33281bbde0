package dev.loupe.spectral.esd;

import dev.loupe.linalg.DenseBackend;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleConsumer;

/**
 * Eigenvalues of WᵀW on the smaller side via {@code smallerGramEigenvalues} (Gram + symmetric eigensolver in one backend call)
 * (no SVD: the Gram is a syrk, several times cheaper). The Gram leaves an absolute error of order
 * ε·λ_max on each eigenvalue; relative accuracy of the large ones (the tail that is fitted) is ε.
 */
public final class EsdCalculator {
    private static final double EPS64 = Math.ulp(1.0);
    private final DenseBackend backend;
    private final Precision precision;

    public EsdCalculator(DenseBackend backend, Precision precision) {
        this.backend = backend;
        this.precision = precision;
    }

    public DenseBackend backend() {
        return backend;
    }

    public Precision precision() {
        return precision;
    }

    /**
     * The work of one slice's ESD, for progress and scheduling: the Gram's n·m² multiply-adds and the eigensolver's
     * ~m³ (n ≥ m: the larger and smaller side).
     */
    public static long work(long n, long m) {
        return n * m * m + m * m * m;
    }

    /** The pooled ESD of the slices. */
    public Spectrum spectrum(Slices s) {
        return spectrum(s, f -> { });
    }

    /**
     * As {@link #spectrum(Slices)}, telling {@code fractionDone} after each slice's Gram and each slice's eigenvalues
     * how much of the work ({@link #work}) is done, 0 to 1.
     */
    public Spectrum spectrum(Slices s, DoubleConsumer fractionDone) {
        return spectrum(s.slices(), s.rows(), s.cols(), fractionDone);
    }

    public Spectrum spectrum(List<float[]> slices, int rows, int cols) {
        return spectrum(slices, rows, cols, f -> { });
    }

    private Spectrum spectrum(List<float[]> slices, int rows, int cols, DoubleConsumer fractionDone) {
        int m = Math.min(rows, cols);
        int n = Math.max(rows, cols);
        double[] all = new double[m * slices.size()];
        int rankLoss = 0;
        double svMin = Double.NEGATIVE_INFINITY;
        int at = 0;
        double total = (double) work(n, m) * slices.size();
        double gram = (double) n * m * m;
        for (int j = 0; j < slices.size(); j++) {
            double before = (double) work(n, m) * j;
            double[] ev = eigenvalues(slices.get(j), rows, cols, () -> fractionDone.accept((before + gram) / total));
            fractionDone.accept((before + work(n, m)) / total);
            double tol = ev[m - 1] * n * EPS64;
            int rank = 0;
            for (double v : ev) {
                if (v > tol) {
                    rank++;
                }
            }
            rankLoss += m - rank;
            svMin = Math.max(svMin, Math.sqrt(ev[0]));
            System.arraycopy(ev, 0, all, at, m);
            at += m;
        }
        Arrays.sort(all);
        return new Spectrum(all, rankLoss, svMin);
    }

    /** The eigenvalues of one row-major rows×cols matrix, ascending, clamped at 0. */
    public double[] eigenvalues(float[] a, int rows, int cols) {
        return eigenvalues(a, rows, cols, () -> { });
    }

    private double[] eigenvalues(float[] a, int rows, int cols, Runnable gramDone) {
        int k = Math.min(rows, cols);
        double[] ev;
        if (precision.single()) {
            float[] e = backend.smallerGramEigenvalues(a, rows, cols, gramDone);
            ev = new double[k];
            for (int i = 0; i < k; i++) {
                ev[i] = e[i];
            }
        } else {
            double[] d = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                d[i] = a[i];
            }
            ev = backend.smallerGramEigenvalues(d, rows, cols, gramDone);
        }
        for (int i = 0; i < k; i++) {
            if (!(ev[i] > 0)) {
                ev[i] = 0; // rounding makes null directions of the Gram slightly negative
            }
        }
        Arrays.sort(ev);
        return ev;
    }

    /**
     * ESD of the element-shuffled slices (each slice shuffled on its own, as WeightWatcher's
     * random_eigenvalues), {@code replicas} times pooled. Fisher–Yates with a seeded generator.
     */
    public double[] randomizedEigenvalues(List<float[]> slices, int rows, int cols, int replicas, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int m = Math.min(rows, cols);
        double[] all = new double[m * slices.size() * replicas];
        int at = 0;
        for (int r = 0; r < replicas; r++) {
            for (float[] sl : slices) {
                float[] w = sl.clone();
                for (int i = w.length - 1; i > 0; i--) {
                    int j = rnd.nextInt(i + 1);
                    float t = w[i];
                    w[i] = w[j];
                    w[j] = t;
                }
                System.arraycopy(eigenvalues(w, rows, cols), 0, all, at, m);
                at += m;
            }
        }
        Arrays.sort(all);
        return all;
    }
}
