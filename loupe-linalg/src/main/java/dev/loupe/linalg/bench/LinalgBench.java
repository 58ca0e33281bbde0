package dev.loupe.linalg.bench;

import dev.loupe.core.bench.Stopwatch;
import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.Backends;
import dev.loupe.linalg.DenseBackend;
import dev.loupe.linalg.openblas.OpenBlasBackend;
import dev.loupe.linalg.openblas.OpenBlasBackend.EigenDriver;
import dev.loupe.linalg.sketch.MatrixProducts;
import dev.loupe.linalg.sketch.TopEigenvalues;
import dev.loupe.linalg.sketch.TopSpectrum;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Times the Gram (dsyrk, ssyrk, EJML) against a dgemm-based Gram, and the eigenvalue drivers
 * (ssyevd, dsyevr, ssyevr, EJML) against dsyevd, each group against its own baseline measured in the
 * same run. EJML runs on the small size only (it is tens of times slower). The end-to-end ESD groups
 * time {@link DenseBackend#smallerGramEigenvalues} (Gram + eigenvalues, copies included) against the
 * two-step dgemm + dsyevd path.
 */
public final class LinalgBench {
    /**
     * @param gramShapes  rows x cols pairs for the Gram groups
     * @param eigenSizes  n for the eigenvalue groups
     * @param smallLimit  EJML runs only where every dimension is ≤ this
     * @param esdShape    rows x cols for the end-to-end group (null: skip)
     */
    public record Config(List<int[]> gramShapes, List<Integer> eigenSizes, int smallLimit, int[] esdShape,
                         int threads, int repeats, long seed) {
        /** The shapes: 1024², 4096², 11008x4096; eigen 1024 and 4096; ESD of 11008x4096. */
        public static Config standard(int threads, int repeats) {
            return new Config(List.of(new int[] {1024, 1024}, new int[] {4096, 4096}, new int[] {11008, 4096}),
                    List.of(512, 1024, 2048, 4096), 1024, new int[] {11008, 4096}, threads, repeats, 42);
        }

        /** Small sizes only, for a smoke run. */
        public static Config quick(int threads, int repeats) {
            return new Config(List.of(new int[] {512, 512}, new int[] {1024, 512}), List.of(512), 1024,
                    new int[] {1024, 512}, threads, repeats, 42);
        }
    }

    private final OpenBlasBackend blas;
    private final OpenBlasBackend blasSyevr;
    private final OpenBlasBackend blas2stage;
    private final DenseBackend ejml = Backends.pureJava();
    private final Config cfg;
    private final List<Timing> out = new ArrayList<>();

    private LinalgBench(Config cfg) {
        this.cfg = cfg;
        this.blas = Backends.openBlas().withEigenDriver(EigenDriver.SYEVD); // the one-stage baseline
        this.blasSyevr = blas.withEigenDriver(EigenDriver.SYEVR);
        this.blas2stage = blas.withEigenDriver(EigenDriver.SYEVD_2STAGE);
    }

    /** Runs every group; restores the OpenBLAS thread count afterwards. */
    public static LinalgBenchResult run(Config cfg, Progress progress) {
        LinalgBench b = new LinalgBench(cfg);
        int before = b.blas.threads();
        b.blas.setThreads(cfg.threads());
        try {
            b.warmUp();
            progress.start("bench linalg", cfg.gramShapes().size() + cfg.eigenSizes().size() + 1L);
            for (int[] s : cfg.gramShapes()) {
                b.gramGroup(s[0], s[1]);
                progress.advance(1);
            }
            for (int n : cfg.eigenSizes()) {
                b.eigenGroup(n);
                progress.advance(1);
            }
            if (cfg.esdShape() != null) {
                b.esdGroup(cfg.esdShape()[0], cfg.esdShape()[1]);
                b.topGroup(cfg.esdShape()[0], cfg.esdShape()[1]);
            }
            progress.advance(1);
            return new LinalgBenchResult(b.blas.name(), cfg.threads(), cfg.repeats(), b.out);
        } finally {
            progress.done();
            b.blas.setThreads(before);
        }
    }

    /** Binds and JIT-compiles every path once on a tiny matrix so the first group is not charged for it. */
    private void warmUp() {
        double[] a = random(64 * 48);
        float[] f = toFloat(a);
        blas.smallerGramByGemm(a, 64, 48);
        blas.smallerGramEigenvalues(a, 64, 48);
        blas.smallerGramEigenvalues(f, 64, 48);
        blasSyevr.smallerGramEigenvalues(a, 64, 48);
        blasSyevr.smallerGramEigenvalues(f, 64, 48);
        blas2stage.smallerGramEigenvalues(f, 64, 48);
        ejml.smallerGramEigenvalues(a, 64, 48);
    }

    private void gramGroup(int rows, int cols) {
        String group = "gram " + rows + "x" + cols;
        double[] a = random(rows * cols);
        float[] f = toFloat(a);
        double base = time(() -> blas.smallerGramByGemm(a, rows, cols));
        add(group, "dgemm (baseline)", "dgemm", base, base);
        add(group, "dsyrk", "dgemm", time(() -> blas.smallerGram(a, rows, cols)), base);
        add(group, "ssyrk", "dgemm", time(() -> blas.smallerGram(f, rows, cols)), base);
        if (Math.max(rows, cols) <= cfg.smallLimit()) {
            add(group, "ejml multInner/Outer", "dgemm", time(() -> ejml.smallerGram(a, rows, cols)), base);
        }
    }

    private void eigenGroup(int n) {
        String group = "eigenvalues " + n;
        double[] sym = blas.smallerGram(random(n * n), n, n); // a Gram of a random square matrix: MP-like spectrum
        float[] symF = toFloat(sym);
        double base = time(() -> blas.symmetricEigenvalues(sym, n)); // native copies: sym stays intact
        add(group, "dsyevd (baseline)", "dsyevd", base, base);
        add(group, "ssyevd", "dsyevd", time(() -> blas.symmetricEigenvalues(symF, n)), base);
        add(group, "dsyevr", "dsyevd", time(() -> blasSyevr.symmetricEigenvalues(sym, n)), base);
        add(group, "ssyevr", "dsyevd", time(() -> blasSyevr.symmetricEigenvalues(symF, n)), base);
        add(group, "dsyevd_2stage", "dsyevd", time(() -> blas2stage.symmetricEigenvalues(sym, n)), base);
        add(group, "ssyevd_2stage", "dsyevd", time(() -> blas2stage.symmetricEigenvalues(symF, n)), base);
        if (cfg.threads() > 1) {
            // The size rule (BlasThreads): the same call on exactly 1 and exactly cfg.threads threads
            double one = time(() -> blas.withThreadsPerCall(1).symmetricEigenvalues(symF, n));
            add(group, "ssyevd 1 thread", "dsyevd", one, base);
            add(group, "ssyevd " + cfg.threads() + " threads", "dsyevd",
                    time(() -> blas.withThreadsPerCall(cfg.threads()).symmetricEigenvalues(symF, n)), base);
        }
        if (n <= cfg.smallLimit()) {
            // EJML overwrites its input: time it on fresh copies made outside the clock.
            add(group, "ejml symmetric QR", "dsyevd", timeFresh(() -> sym.clone(), s -> ejml.symmetricEigenvalues(s, n)), base);
        }
    }

    private void esdGroup(int rows, int cols) {
        String group = "ESD " + rows + "x" + cols;
        int k = Math.min(rows, cols);
        double[] a = random(rows * cols);
        float[] f = toFloat(a);
        double base = time(() -> blas.symmetricEigenvalues(blas.smallerGramByGemm(a, rows, cols), k));
        add(group, "dgemm + dsyevd (baseline)", "dgemm + dsyevd", base, base);
        add(group, "fp64: dsyrk + dsyevd", "dgemm + dsyevd", time(() -> blas.smallerGramEigenvalues(a, rows, cols)), base);
        add(group, "fp32: ssyrk + ssyevd", "dgemm + dsyevd", time(() -> blas.smallerGramEigenvalues(f, rows, cols)), base);
        add(group, "fp32: ssyrk + ssyevd_2stage", "dgemm + dsyevd",
                time(() -> blas2stage.smallerGramEigenvalues(f, rows, cols)), base);
    }

    /**
     * Top-10 eigenvalues by matrix-free Lanczos vs the exact ESD (fp64 dsyrk + dsyevd) of the same
     * matrix: the time ratio and the largest error relative to λmax, as the issue asks for sketches.
     */
    private void topGroup(int rows, int cols) {
        String group = "top-10 " + rows + "x" + cols;
        double[] a = random(rows * cols);
        double[][] exact = new double[1][];
        double base = time(() -> exact[0] = blas.smallerGramEigenvalues(a, rows, cols));
        add(group, "exact ESD dsyrk + dsyevd (baseline)", "exact ESD", base, base);
        TopSpectrum[] top = new TopSpectrum[1];
        double t = time(() -> top[0] = TopEigenvalues.of(MatrixProducts.dense(a, rows, cols), 10, 1e-10, 200, cfg.seed()));
        double[] ev = exact[0];
        double lmax = ev[ev.length - 1];
        double err = 0;
        for (int i = 0; i < top[0].eigenvalues().length; i++) {
            err = Math.max(err, Math.abs(top[0].eigenvalues()[i] - ev[ev.length - 1 - i]) / lmax);
        }
        add(group, String.format(java.util.Locale.ROOT, "lanczos (%d steps, max err/λmax %.1e, bound %.1e)",
                top[0].steps(), err, top[0].maxRelativeBound()), "exact ESD", t, base);
    }

    private void add(String group, String kernel, String baseline, double seconds, double base) {
        out.add(new Timing(group, kernel, baseline, seconds, seconds / base));
    }

    private double time(Supplier<?> work) {
        return timeFresh(() -> null, x -> work.get());
    }

    /** Best wall time over the repeats; {@code fresh} prepares each repeat's input outside the clock. */
    private <T> double timeFresh(Supplier<T> fresh, java.util.function.Consumer<T> work) {
        return Stopwatch.best(cfg.repeats(), fresh, work);
    }

    private double[] random(int n) {
        // Uniform rather than Gaussian: timing does not depend on the distribution and this is 5x faster to fill.
        SplittableRandom rnd = new SplittableRandom(cfg.seed() + n);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextDouble(-1, 1);
        }
        return a;
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }
}
