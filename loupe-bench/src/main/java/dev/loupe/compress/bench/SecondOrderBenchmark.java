package dev.loupe.compress.bench;

import dev.loupe.compress.gptq.Gptq;
import dev.loupe.compress.gptq.GptqSpec;
import dev.loupe.compress.obs.Cholesky;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.quantize.RoundToNearest;
import dev.loupe.compress.sparsegpt.SparseGpt;
import dev.loupe.compress.sparsegpt.SparseGptSpec;
import dev.loupe.core.bench.Stopwatch;
import dev.loupe.linalg.openblas.NativeDense;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * GPTQ and SparseGPT on one layer, against round-to-nearest of the same weights and against one Cholesky
 * factorization of the same XᵀX, all measured in the same run. The weights are N(0, 0.02) F32 [rows, cols];
 * XᵀX is a sample of the Wishart distribution with {@code tokens} degrees of freedom, the distribution of the
 * Gram matrix of {@code tokens} independent N(0, I) input rows (Bartlett decomposition: XᵀX = AAᵀ with A lower
 * triangular, A_ij ~ N(0, 1), A_ii² ~ χ²(tokens − i), drawn by its normal approximation), so 128 × 2048
 * calibration tokens need not be generated and multiplied (3·10¹³ flops) to time what runs after them. GPTQ and
 * SparseGPT time includes their inverse-Hessian factor; their cost does not depend on the values in XᵀX.
 * Every kernel uses all cores (rows and column strips in parallel); the best of {@code runs} counts.
 */
public final class SecondOrderBenchmark {
    /** The figures; seconds are the best of the runs. */
    public record Result(int rows, int cols, long tokens, double setupSeconds, double rtnSeconds, double choleskySeconds,
                         List<Kernel> kernels) {
        public Result {
            kernels = List.copyOf(kernels);
        }
    }

    /** One kernel's best time and its ratios to RTN int4 g128 and to one Cholesky of XᵀX. */
    public record Kernel(String name, double seconds, double vsRtn, double vsCholesky) {
    }

    /** LLaMA-7B's MLP down projection as [out, in], and the calibration set: 128 sequences of 2048 tokens. */
    public static final int ROWS = 4096;
    public static final int COLS = 11008;
    public static final long TOKENS = 128L * 2048;

    private static volatile double sink;

    private SecondOrderBenchmark() {
    }

    public static Result run(int rows, int cols, long tokens, int runs, long seed) {
        warmUp(seed);
        float[] w = CompressBenchmark.matrix(rows, cols, seed);
        long t0 = System.nanoTime();
        double[] xtx = wishart(cols, tokens, seed + 1);
        double setup = (System.nanoTime() - t0) / 1e9;
        QuantSpec int4 = new QuantSpec(4, true, 128);
        double rtn = Stopwatch.best(Math.max(runs, 3), () -> w, m -> sink += RoundToNearest.quantize(m, rows, cols, int4).scales()[0]);
        double chol = Stopwatch.best(runs, xtx::clone, h -> {
            if (!Cholesky.factor(h, cols)) {
                throw new IllegalStateException("a Wishart sample with tokens >= cols is positive definite");
            }
            sink += h[h.length - 1];
        });
        List<Kernel> ks = new java.util.ArrayList<>();
        add(ks, "GPTQ int4 g128", runs, rtn, chol,
                () -> sink += Gptq.quantize(w, rows, cols, xtx, GptqSpec.of(int4, false)).loss());
        add(ks, "GPTQ int4 g128 act-order", runs, rtn, chol,
                () -> sink += Gptq.quantize(w, rows, cols, xtx, GptqSpec.of(int4, true)).loss());
        add(ks, "SparseGPT 50%", runs, rtn, chol,
                () -> sink += SparseGpt.prune(w, rows, cols, xtx, SparseGptSpec.unstructured(0.5)).loss());
        add(ks, "SparseGPT 2:4", runs, rtn, chol,
                () -> sink += SparseGpt.prune(w, rows, cols, xtx, SparseGptSpec.semiStructured(2, 4)).loss());
        return new Result(rows, cols, tokens, setup, rtn, chol, ks);
    }

    /** Every kernel twice on a small layer first, so the timed runs measure compiled code. */
    private static void warmUp(long seed) {
        int rows = 128;
        int cols = 384;
        float[] w = CompressBenchmark.matrix(rows, cols, seed + 2);
        double[] xtx = wishart(cols, 4 * cols, seed + 3);
        for (int i = 0; i < 2; i++) {
            sink += Gptq.quantize(w, rows, cols, xtx, GptqSpec.of(new QuantSpec(4, true, 128), i == 1)).loss();
            sink += SparseGpt.prune(w, rows, cols, xtx, SparseGptSpec.unstructured(0.5)).loss();
            sink += SparseGpt.prune(w, rows, cols, xtx, SparseGptSpec.semiStructured(2, 4)).loss();
        }
    }

    private static void add(List<Kernel> ks, String name, int runs, double rtn, double chol, Runnable kernel) {
        double s = Stopwatch.best(runs, () -> null, x -> kernel.run());
        ks.add(new Kernel(name, s, s / rtn, s / chol));
    }

    /**
     * A Wishart(I, tokens) sample of size n×n by Bartlett's decomposition (see the class comment). Natively as LᵀL
     * with L = J·Aᵀ·J lower triangular (J the reversal, A Bartlett's factor): LᵀL = J·AAᵀ·J, which is Wishart(I)
     * too, and LAPACK's dlauum forms it in a third of a product's flops; else AAᵀ in Java.
     */
    static double[] wishart(int n, long tokens, long seed) {
        if (tokens < n) {
            throw new IllegalArgumentException("need at least as many tokens as inputs for a positive definite XᵀX");
        }
        SplittableRandom r = new SplittableRandom(seed);
        NativeDense blas = Cholesky.NATIVE;
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                a[i * n + j] = r.nextGaussian();
            }
            // χ²(k) for large k: k + √(2k)·z is accurate to O(1/√k) relative; exact sums of k squares would cost O(n·k)
            double k = blas == null ? tokens - i : tokens - (n - 1 - i);
            a[i * n + i] = Math.sqrt(Math.max(1, k + Math.sqrt(2 * k) * r.nextGaussian()));
        }
        if (blas != null) {
            blas.lowerTransposeTimesLower(a, n);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    a[j * n + i] = a[i * n + j];
                }
            }
            return a;
        }
        double[] h = new double[n * n];
        IntStream.range(0, n).parallel().forEach(i -> {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k <= j; k++) {
                    s += a[i * n + k] * a[j * n + k];
                }
                h[i * n + j] = s;
                h[j * n + i] = s;
            }
        });
        return h;
    }
}
