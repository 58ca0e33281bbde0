package dev.loupe.spectral.analysis;

import dev.loupe.spectral.esd.EsdCalculator;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.esd.Slices;
import dev.loupe.spectral.esd.Spectrum;
import dev.loupe.spectral.fit.HillEstimator;
import dev.loupe.spectral.fit.JensenShannon;
import dev.loupe.spectral.fit.MarchenkoPastur;
import dev.loupe.spectral.fit.NormMetrics;
import dev.loupe.spectral.fit.PowerLawFitter;
import dev.loupe.spectral.layers.WeightMatrix;
import dev.loupe.spectral.result.Histogram;
import dev.loupe.spectral.result.LayerInfo;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.LayerSpectrum;
import dev.loupe.spectral.result.MpFit;
import dev.loupe.spectral.result.PowerLawFit;
import dev.loupe.spectral.result.RandomizedMetrics;
import dev.loupe.spectral.result.SpectralNorms;
import dev.loupe.spectral.result.WeightStats;
import dev.loupe.spectral.result.Warning;
import dev.loupe.spectral.vectors.VectorLocalization;
import dev.loupe.spectral.weights.WeightStatistics;

import java.util.concurrent.FutureTask;
import java.util.function.DoubleConsumer;

/** Analyzes one layer: decode, ESD, every fit, weight statistics. Thread-safe (no shared state). */
public final class LayerAnalyzer {
    /** A layer's results: the metrics row and what its plots need. */
    public record Outcome(LayerMetrics metrics, LayerSpectrum spectrum) {
    }

    private final EsdCalculator esd;
    /** The double-precision calculator a layer falls back to under {@link Precision#AUTO}. */
    private final EsdCalculator esd64;
    private final InspectOptions options;

    public LayerAnalyzer(EsdCalculator esd, InspectOptions options) {
        this.esd = esd;
        this.esd64 = esd.precision() == Precision.FP64 ? esd : new EsdCalculator(esd.backend(), Precision.FP64);
        this.options = options;
    }

    /** What a layer's weights give without its ESD: their statistics and histogram (the same in any precision). */
    record WeightPart(WeightStats stats, Histogram histogram) {
        static WeightPart of(Slices s) {
            // rows of the raw tensor = dim 0 (output channels in PyTorch layouts; for ONNX MatMul's (in, out)
            // the "channels" of the per-channel quantization error are then input rows, as stored)
            return new WeightPart(WeightStatistics.of(s.raw(), s.rows(), s.raw().length / s.rows()),
                    Spectra.weightHistogram(s.raw()));
        }
    }

    public Outcome analyze(int index, WeightMatrix m) {
        return analyze(index, m, null);
    }

    /** @param sketchReason why this layer gets a partial (top-k) ESD, or null for the exact one */
    public Outcome analyze(int index, WeightMatrix m, String sketchReason) {
        return analyze(index, m, sketchReason, null, f -> { });
    }

    /**
     * @param side         where the weight statistics are offered to idle workers while the ESD runs (null: computed
     *                     here after it)
     * @param fractionDone told how much of the ESD is done after each Gram and each eigensolve (0 to 1; a layer
     *                     recomputed in fp64 reports its second ESD again from 0)
     */
    Outcome analyze(int index, WeightMatrix m, String sketchReason, SideWork side, DoubleConsumer fractionDone) {
        long t0 = System.nanoTime();
        if (sketchReason != null) {
            return new SketchAnalyzer(esd, options).analyze(index, m, sketchReason, t0);
        }
        Slices s = Slices.of(m);
        FutureTask<WeightPart> offered = side == null ? null : side.offer(() -> WeightPart.of(s));
        Spectrum sp = esd.spectrum(s, fractionDone);
        WeightPart w = side == null ? WeightPart.of(s) : side.await(offered);
        double[] ev = sp.eigenvalues();
        LayerInfo info = new LayerInfo(index, m.name(), m.tensor().name(), m.tensor().dtype().name(), m.shapeAnalyzed(),
                m.kind(), m.layerType(), m.N(), m.M(), m.rf(), (double) m.N() / m.M(), ev.length, m.orientation(),
                m.consumer(), m.notes());
        if (esd.precision() != Precision.AUTO) {
            return analyze(info, s, sp, esd, w, t0);
        }
        // Small eigenvalues below the resolution matter to no fit, only to the rank counts: say so, keep fp32
        LayerInfo info32 = !SinglePrecisionCheck.hasUnresolvedSmallEigenvalues(ev) ? info
                : withNote(info, String.format(java.util.Locale.ROOT, "fp32 ESD: eigenvalues below single precision's "
                        + "absolute error (%.0f·ε₃₂·λmax = %.2g) are rounding noise, so matrix_rank, rank_loss and sv_min "
                        + "are exact only with --precision fp64", SinglePrecisionCheck.ABSOLUTE,
                        SinglePrecisionCheck.resolution(ev[ev.length - 1])));
        Outcome single = analyze(info32, s, sp, esd, w, t0);
        LayerMetrics lm = single.metrics();
        String why = SinglePrecisionCheck.unresolved(ev, m.N(), lm.fit(), lm.plAlphaHill(), lm.mp());
        if (why == null) {
            return single;
        }
        return analyze(withNote(info, "recomputed in fp64: " + why), s, esd64.spectrum(s, fractionDone), esd64, w, t0);
    }

    private static LayerInfo withNote(LayerInfo i, String note) {
        java.util.List<String> notes = new java.util.ArrayList<>(i.notes());
        notes.add(note);
        return new LayerInfo(i.index(), i.name(), i.tensor(), i.dtype(), i.shape(), i.kind(), i.layerType(), i.N(), i.M(),
                i.rf(), i.Q(), i.numEvals(), i.orientation(), i.consumer(), notes);
    }

    /** The part after decoding, also used by tests on given eigenvalues and weights. */
    Outcome analyze(LayerInfo info, Slices s, Spectrum sp, long t0) {
        return analyze(info, s, sp, esd, WeightPart.of(s), t0);
    }

    private Outcome analyze(LayerInfo info, Slices s, Spectrum sp, EsdCalculator esd, WeightPart w, long t0) {
        double[] ev = sp.eigenvalues();
        PowerLawFit fit = PowerLawFitter.fit(ev, options.fixFingers());
        SpectralNorms norms = NormMetrics.compute(ev, fit.alpha(), info.N(), sp.rankLoss(), sp.svMin());
        double hill = HillEstimator.plAlphaHill(ev);
        MpFit mp = options.mpFit() && ev.length > 1 ? MarchenkoPastur.fit(ev, info.Q(), info.M()) : null;
        RandomizedMetrics rand = null;
        double[] randEv = null;
        if (options.randomize()) {
            long seed = options.seed() * 1_000_003L + info.index();
            // WeightWatcher pools 5 shuffles when the layer has fewer than 100 components
            int replicas = info.M() < 100 ? 5 : 1;
            randEv = esd.randomizedEigenvalues(s.slices(), s.rows(), s.cols(), replicas, seed);
            double[] one = replicas == 1 ? randEv
                    : esd.randomizedEigenvalues(s.slices(), s.rows(), s.cols(), 1, seed + 1);
            MpFit rmp = MarchenkoPastur.fit(randEv, info.Q(), info.M());
            double maxRand = randEv[randEv.length - 1];
            rand = new RandomizedMetrics(seed, JensenShannon.distance(ev, one), maxRand, rmp.bulkMax(),
                    rmp.numSpikes(), rmp.mpSoftrank(), one[one.length - 1] / ev[ev.length - 1],
                    ev[ev.length - 1] - one[one.length - 1], rmp.sigmaMp(), rmp.wScale(), rmp.bulkMin());
        }
        WeightStats ws = w.stats();
        Warning warning = Warning.of(fit, ev.length);
        var tpl = options.tailFit() == dev.loupe.spectral.fit.TailFit.PL ? null
                : dev.loupe.spectral.fit.TruncatedPowerLawFitter.fit(ev, options.tailFit() == dev.loupe.spectral.fit.TailFit.E_TPL);
        // tail = the fit's num_pl_spikes vectors; a failed fit puts every vector in the tail, as WeightWatcher's xmin = -1
        var vectors = !options.vectors() ? null : VectorLocalization.of(esd.backend(), s.slices(), s.rows(), s.cols(),
                !"in,out".equals(info.orientation()), fit.ok() ? fit.numPlSpikes() : ev.length);
        LayerMetrics lm = new LayerMetrics(info, fit, norms, hill, mp, rand, ws, warning,
                (System.nanoTime() - t0) / 1e9, null, tpl, vectors);
        LayerSpectrum spec = Spectra.of(info, ev, fit, mp, randEv, w.histogram(), ws);
        return new Outcome(lm, spec);
    }

}
