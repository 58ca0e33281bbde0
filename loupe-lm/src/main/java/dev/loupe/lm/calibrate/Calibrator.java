package dev.loupe.lm.calibrate;

import dev.loupe.core.LoupeException;
import dev.loupe.core.progress.Progress;
import dev.loupe.lm.LanguageModel;
import dev.loupe.lm.forward.LinearObserver;
import dev.loupe.lm.weights.Linear;
import dev.loupe.linalg.Matrices;
import dev.loupe.linalg.openblas.NativeDense;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs calibration windows through the LM and accumulates each linear layer's input statistics
 * ({@link LayerInputs}): the per-column sums of squares always, XᵀX for the layers {@link CalibrationOptions#gramFor}
 * names: one native {@code ssyrk} per window (XᵀX is symmetric: its upper triangle, half a gemm's multiply-adds, as
 * loupe-linalg's {@code GramSum} sums ONNX activations; a window's rows arrive at once, so no row buffer is needed),
 * added to a double total, so float rounding spans one window's rows, as the one sgemm per window did before.
 */
public final class Calibrator implements LinearObserver {
    private final CalibrationOptions options;
    private final NativeDense blas;
    private final Map<String, Acc> byLayer = new LinkedHashMap<>();
    private float[] lastInput;
    private Acc lastAcc;
    private float[] gramScratch = new float[0];
    private long accumulateNanos;

    /** Package-private: {@link BlockSequence} accumulates over its own per-block passes. */
    Calibrator(CalibrationOptions options) {
        this.options = options;
        this.blas = NativeDense.load();
    }

    /** The statistics of every linear layer of {@code lm} (by weight name) over the calibration windows of {@code tokens}. */
    public static CalibrationStats collect(LanguageModel lm, int[] tokens, CalibrationOptions options, Progress progress) {
        int[][] windows = windows(lm, tokens, options);
        int ctx = windows[0].length;
        Calibrator c = new Calibrator(options);
        progress.start("calibration", (long) windows.length * ctx);
        try {
            for (int[] w : windows) {
                c.newWindow();
                lm.forward().hidden(w, c);
                progress.advance(ctx);
            }
        } finally {
            progress.done();
        }
        return c.stats(windows.length, ctx);
    }

    /**
     * The calibration windows of {@code tokens}: {@code samples} consecutive, non-overlapping windows of
     * {@code context} tokens from the start (fewer when the text is shorter, one shorter window when it is shorter
     * than one).
     */
    public static int[][] windows(LanguageModel lm, int[] tokens, CalibrationOptions options) {
        if (options.context() > lm.config().maxPositions()) {
            throw new LoupeException(lm.source(), "--context " + options.context() + " is longer than the model's "
                    + lm.config().maxPositions() + " positions");
        }
        if (tokens.length == 0) {
            throw new LoupeException("the calibration text has no tokens");
        }
        int ctx = Math.min(options.context(), tokens.length);
        int n = Math.max(1, Math.min(options.samples(), tokens.length / ctx));
        int[][] out = new int[n][];
        for (int w = 0; w < n; w++) {
            out[w] = Arrays.copyOfRange(tokens, w * ctx, (w + 1) * ctx);
        }
        return out;
    }

    /** Starts a window: the forward pass reuses its buffers, so an input is the same as the last only within one. */
    void newWindow() {
        lastInput = null;
    }

    /** Seconds spent accumulating (column sums of squares and XᵀX), not running the model. */
    double accumulateSeconds() {
        return accumulateNanos / 1e9;
    }

    CalibrationStats stats(int windows, int ctx) {
        Map<String, LayerInputs> out = new LinkedHashMap<>();
        Map<Acc, LayerInputs> done = new java.util.IdentityHashMap<>();
        byLayer.forEach((name, acc) -> out.put(name, done.computeIfAbsent(acc, Acc::result)));
        return new CalibrationStats(out, (long) windows * ctx, windows, ctx);
    }

    @Override
    public void observe(Linear layer, float[] x, int rows) {
        // consecutive calls with the same buffer see the same values (q, k, v; up, gate): accumulate once, share
        Acc acc = x == lastInput ? lastAcc : null;
        if (acc == null || acc.in != layer.in()) {
            acc = byLayer.get(layer.name());
            if (acc == null) {
                acc = new Acc(layer.in());
            }
            long t0 = System.nanoTime();
            accumulate(acc, x, rows, options.gramFor().test(layer.name()));
            accumulateNanos += System.nanoTime() - t0;
        } else if (options.gramFor().test(layer.name()) && acc.gram == null) {
            throw new IllegalStateException("XᵀX asked for '" + layer.name() + "' but not for the layer sharing its input");
        }
        byLayer.putIfAbsent(layer.name(), acc);
        lastInput = x;
        lastAcc = acc;
    }

    private void accumulate(Acc acc, float[] x, int rows, boolean gram) {
        int in = acc.in;
        for (int t = 0; t < rows; t++) {
            int o = t * in;
            for (int j = 0; j < in; j++) {
                acc.sumSquares[j] += (double) x[o + j] * x[o + j];
            }
        }
        acc.rows += rows;
        if (gram) {
            if (acc.gram == null) {
                acc.gram = new double[in * in];
            }
            if (gramScratch.length < in * in) {
                gramScratch = new float[in * in];
            }
            blas.ssyrkUpper(x, rows, in, 0f, gramScratch);
            for (int i = 0; i < in; i++) {
                int row = i * in;
                for (int j = i; j < in; j++) {
                    acc.gram[row + j] += gramScratch[row + j];
                }
            }
        }
    }

    private static final class Acc {
        final int in;
        final double[] sumSquares;
        double[] gram;
        long rows;

        Acc(int in) {
            this.in = in;
            this.sumSquares = new double[in];
        }

        LayerInputs result() {
            if (gram != null) {
                Matrices.mirrorUpper(gram, in); // the lower triangle from the upper one summed
            }
            return new LayerInputs(in, rows, sumSquares, gram);
        }
    }
}
