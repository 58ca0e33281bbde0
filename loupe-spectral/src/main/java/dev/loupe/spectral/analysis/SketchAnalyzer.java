package dev.loupe.spectral.analysis;

import dev.loupe.core.LoupeException;
import dev.loupe.linalg.sketch.TopEigenvalues;
import dev.loupe.linalg.sketch.TopSpectrum;
import dev.loupe.spectral.esd.EsdCalculator;
import dev.loupe.spectral.esd.RowProducts;
import dev.loupe.spectral.esd.Slices;
import dev.loupe.spectral.fit.PowerLawFitter;
import dev.loupe.spectral.layers.WeightMatrix;
import dev.loupe.spectral.result.LayerInfo;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.LayerSpectrum;
import dev.loupe.spectral.result.PowerLawFit;
import dev.loupe.spectral.result.SketchInfo;
import dev.loupe.spectral.result.SpectralNorms;
import dev.loupe.spectral.result.WeightStats;
import dev.loupe.spectral.result.Warning;
import dev.loupe.spectral.weights.WeightStatistics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A layer's partial ESD: the top k eigenvalues of its smaller Gram by matrix-free Lanczos
 * ({@link TopEigenvalues}), each with a residual bound. The tail fit sees only those k (so xmin ≥ λ_k);
 * ‖W‖²_F = Σλ is summed from the weights, so log_norm and stable_rank stay exact; metrics that need the
 * whole ESD (entropy, log_alpha_norm, rank, Hill, MP) are NaN/absent and the notes say so.
 */
final class SketchAnalyzer {
    /** The top-k when a layer must be sketched without {@code --sketch}. */
    static final int DEFAULT_K = 256;
    static final double REL_TOL = 1e-10;
    /** Elements of a weight sample for the statistics of a layer too large to decode at once. */
    static final int SAMPLE_ELEMENTS = 1 << 22;

    private final EsdCalculator esd;
    private final InspectOptions options;

    SketchAnalyzer(EsdCalculator esd, InspectOptions options) {
        this.esd = esd;
        this.options = options;
    }

    LayerAnalyzer.Outcome analyze(int index, WeightMatrix m, String reason, long t0) {
        if (m.rf() != 1) {
            throw new LoupeException(m.tensor().file(), "tensor '" + m.tensor().name() + "': sketching pooled conv slices is not supported");
        }
        int rows = m.rows();
        int cols = m.cols();
        long n = (long) rows * cols;
        boolean fits = n <= Integer.MAX_VALUE - 16 && !reason.startsWith("over");
        float[] raw = fits ? m.toFloats() : null;
        if (!fits && (m.dequant() != null || m.part() != null)) {
            throw new LoupeException(m.tensor().file(), "tensor '" + m.tensor().name()
                    + "' is too large to dequantize or split in memory");
        }
        RowProducts p = fits ? RowProducts.of(raw, rows, cols) : RowProducts.streaming(m.tensor(), rows, cols);
        int total = m.M();
        int k = Math.min(total, options.sketchTopK() > 0 ? options.sketchTopK() : DEFAULT_K);
        int maxSteps = (int) Math.min(total, 4L * k + 64);
        TopSpectrum ts = TopEigenvalues.of(p, k, REL_TOL, maxSteps, options.seed() * 1_000_003L + index);
        double[] desc = ts.eigenvalues();
        double[] ev = new double[desc.length];
        for (int i = 0; i < desc.length; i++) {
            ev[desc.length - 1 - i] = Math.max(0, desc[i]);
        }
        PowerLawFit fit = PowerLawFitter.fit(ev, options.fixFingers());
        double frob = p.frobeniusSquared();
        double lmax = ev[ev.length - 1];
        double logSpec = Math.log10(lmax);
        SpectralNorms norms = new SpectralNorms(frob, Math.log10(frob), lmax, logSpec, fit.alpha() * logSpec, Double.NaN,
                frob / lmax, Double.NaN, -1, -1, -1, Math.sqrt(lmax), Double.NaN);

        double maxRelError = Double.NaN;
        double alphaExact = Double.NaN;
        double alphaTopK = Double.NaN;
        boolean checked = options.sketchCheck() && fits;
        if (checked) {
            double[] exact = esd.spectrum(Slices.of(raw, m)).eigenvalues();
            double emax = exact[exact.length - 1];
            maxRelError = 0;
            for (int i = 0; i < ev.length; i++) {
                maxRelError = Math.max(maxRelError, Math.abs(ev[ev.length - 1 - i] - exact[exact.length - 1 - i]) / emax);
            }
            alphaExact = PowerLawFitter.fit(exact, options.fixFingers()).alpha();
            alphaTopK = PowerLawFitter.fit(Arrays.copyOfRange(exact, exact.length - ev.length, exact.length),
                    options.fixFingers()).alpha();
        }
        SketchInfo sk = new SketchInfo(ev.length, (long) total, ts.steps(), ts.maxRelativeBound(), reason, checked,
                maxRelError, alphaExact, alphaTopK);

        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "sketched (%s): top %d of %d eigenvalues by Lanczos (%d steps), each within "
                        + "%.1e·λ_max of an exact eigenvalue; alpha fitted to those %d only; log_norm and stable_rank exact "
                        + "(Σλ = ‖W‖²_F); entropy, log_alpha_norm, rank, PL_Alpha_Hill and MP need the full ESD (NaN)",
                reason, ev.length, total, ts.steps(), ts.maxRelativeBound(), ev.length));
        if (checked) {
            notes.add(String.format(Locale.ROOT, "sketch vs exact ESD: max eigenvalue error %.1e·λ_max; alpha %.4f "
                    + "(sketch) vs %.4f (exact top %d) vs %.4f (exact full ESD)", maxRelError, fit.alpha(), alphaTopK,
                    ev.length, alphaExact));
        }
        notes.addAll(m.notes());
        float[] sample = raw != null ? raw : sampleRows(m, rows, cols);
        int sampleRows = sample.length / cols;
        WeightStats ws = WeightStatistics.of(sample, sampleRows, cols);
        if (raw == null) {
            notes.add("weight statistics from " + sampleRows + " evenly spaced rows of " + rows);
        }
        LayerInfo info = new LayerInfo(index, m.name(), m.tensor().name(), m.tensor().dtype().name(), m.shapeAnalyzed(),
                m.kind(), m.layerType(), m.N(), m.M(), 1, (double) m.N() / m.M(), ev.length, m.orientation(),
                m.consumer(), notes);
        // judged on the full ESD's size: the sketch keeps the top of a spectrum far above the minimum
        Warning warning = Warning.of(fit, (int) Math.min(Integer.MAX_VALUE, total));
        double secs = (System.nanoTime() - t0) / 1e9;
        LayerMetrics lm = new LayerMetrics(info, fit, norms, Double.NaN, null, null, ws, warning, secs, sk,
                options.tailFit() == dev.loupe.spectral.fit.TailFit.PL ? null
                : dev.loupe.spectral.fit.TruncatedPowerLawFitter.fit(ev, options.tailFit() == dev.loupe.spectral.fit.TailFit.E_TPL));
        LayerSpectrum spec = Spectra.of(info, ev, fit, null, null, Spectra.weightHistogram(sample), ws);
        return new LayerAnalyzer.Outcome(lm, spec);
    }

    private static float[] sampleRows(WeightMatrix m, int rows, int cols) {
        int take = (int) Math.max(1, Math.min(rows, SAMPLE_ELEMENTS / Math.max(1, cols)));
        float[] out = new float[take * cols];
        for (int i = 0; i < take; i++) {
            long r = (long) i * rows / take;
            m.tensor().readFloats(r * cols, out, i * cols, cols);
        }
        return out;
    }
}
