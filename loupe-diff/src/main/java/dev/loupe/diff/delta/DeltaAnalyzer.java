package dev.loupe.diff.delta;

import dev.loupe.core.LoupeException;
import dev.loupe.diff.match.LayerPair;
import dev.loupe.diff.match.MatchRule;
import dev.loupe.spectral.esd.EsdCalculator;
import dev.loupe.spectral.esd.Slices;

import java.nio.file.Path;
import java.util.List;

/** Measures one matched pair of layers: norms, cosine, WeightWatcher's distances and the three ESDs. */
public final class DeltaAnalyzer {
    /** A row and the spectra its plots need. */
    public record Outcome(LayerDelta delta, LayerEsds esds) {
    }

    private final EsdCalculator esd;
    private final boolean cka;

    /** @param cka also compute WeightWatcher's uncentered CKA (O(out · in²) per layer) */
    public DeltaAnalyzer(EsdCalculator esd, boolean cka) {
        this.esd = esd;
        this.cka = cka;
    }

    public Outcome analyze(LayerPair p, Path baseFile, Path otherFile) {
        OutInMatrix a = finite(OutInMatrix.of(p.base()), baseFile);
        OutInMatrix b = finite(OutInMatrix.of(p.other()), otherFile);
        float[] d = new float[a.values().length];
        for (int i = 0; i < d.length; i++) {
            d[i] = b.values()[i] - a.values()[i];
        }
        return compare(p.base().name(), p.other().name(), p.rule(), a, b, a.with(d), 0, 0, null);
    }

    /**
     * The shared measurements. {@code update} is ΔW = b − a; {@code updateEigenvalues}, when given, are its exact
     * nonzero eigenvalues from a factored form (LoRA) and replace the ESD of the materialized ΔW.
     */
    public Outcome compare(String name, String otherName, MatchRule rule, OutInMatrix a, OutInMatrix b, OutInMatrix update,
                    int loraRank, double loraScale, double[] updateEigenvalues) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        double nd = 0;
        float[] x = a.values();
        float[] y = b.values();
        for (int i = 0; i < x.length; i++) {
            dot += (double) x[i] * y[i];
            na += (double) x[i] * x[i];
            nb += (double) y[i] * y[i];
            double e = (double) y[i] - x[i];
            nd += e * e;
        }
        List<float[]> sa = a.slices();
        List<float[]> sb = b.slices();
        double[] evA = esd.spectrum(sa, a.out(), a.in()).eigenvalues();
        double[] evB = esd.spectrum(sb, a.out(), a.in()).eigenvalues();
        double[] evD = updateEigenvalues != null ? updateEigenvalues
                : esd.spectrum(update.slices(), a.out(), a.in()).eigenvalues();
        double wwCka = cka ? Distances.cka(sa, sb, a.out(), a.in()) : Double.NaN; // scale-free
        // distances() takes WeightWatcher's matrices unscaled (conv2d_norm is applied by analyze() only)
        double unscale = a.layer().kind() == dev.loupe.spectral.result.LayerKind.CONV2D
                ? Slices.CONV2D_NORM : 1;
        LayerDelta row = new LayerDelta(name, otherName, rule, a.layer().kind(), a.out(), a.in(), sa.size(),
                Math.sqrt(nd), Math.sqrt(na), Math.sqrt(nd / na), dot / Math.sqrt(na * nb),
                Distances.euclidean(sa, sb) / unscale, wwCka, UpdateSpectrum.alphaOf(evA), UpdateSpectrum.alphaOf(evB),
                loraRank, loraScale, UpdateSpectrum.of(evD));
        return new Outcome(row, new LayerEsds(name, evA, evB, evD));
    }

    static OutInMatrix finite(OutInMatrix m, Path file) {
        for (float v : m.values()) {
            if (!Float.isFinite(v)) {
                throw new LoupeException(file, "layer '" + m.layer().name() + "' holds NaN or infinite weights");
            }
        }
        return m;
    }
}
