package dev.loupe.diff.lora;

import dev.loupe.core.LoupeException;
import dev.loupe.diff.delta.DeltaAnalyzer;
import dev.loupe.diff.delta.LayerDelta;
import dev.loupe.diff.delta.LayerEsds;
import dev.loupe.diff.delta.OutInMatrix;
import dev.loupe.diff.delta.UpdateSpectrum;
import dev.loupe.diff.match.LayerMatcher;
import dev.loupe.diff.match.MatchRule;
import dev.loupe.spectral.layers.WeightMatrix;
import dev.loupe.spectral.result.LayerKind;

import java.nio.file.Path;
import java.util.List;

/**
 * One adapted module: the update's spectrum from its factors ({@link FactoredSpectrum}), and with the base
 * checkpoint the merged W + ΔW measured like any fine-tuned layer. Unlike WeightWatcher's {@code peft=True}
 * (which analyzes B·A unscaled), ΔW carries PEFT's scale, so ‖ΔW‖ is the update the model really applies.
 */
public final class LoraAnalyzer {
    private final DeltaAnalyzer delta;

    public LoraAnalyzer(DeltaAnalyzer delta) {
        this.delta = delta;
    }

    /** @param base the adapted layer of the base checkpoint, or null when analyzing the adapter alone */
    public DeltaAnalyzer.Outcome analyze(LoraModule m, Path adapterFile, WeightMatrix base, Path baseFile) {
        float[] a = m.a().toFloats();
        float[] b = m.b().toFloats();
        checkFinite(a, m, adapterFile, "A");
        checkFinite(b, m, adapterFile, "B");
        double[] ev = FactoredSpectrum.eigenvalues(a, b, m.rank(), m.in(), m.out(), m.scale());
        if (base == null) {
            double norm = 0;
            for (double v : ev) {
                norm += v;
            }
            norm = Math.sqrt(norm);
            LayerDelta row = new LayerDelta(m.module(), m.module(), MatchRule.NAME, LayerKind.DENSE, m.out(), m.in(), 1,
                    norm, Double.NaN, Double.NaN, Double.NaN, norm, Double.NaN, Double.NaN, Double.NaN, m.rank(),
                    m.scale(), UpdateSpectrum.of(ev));
            return new DeltaAnalyzer.Outcome(row, new LayerEsds(m.module(), new double[0], new double[0], ev));
        }
        int[] oi = LayerMatcher.outIn(base);
        if (base.rf() != 1 || oi[0] != m.out() || oi[1] != m.in()) {
            throw new LoupeException(adapterFile, "module '" + m.module() + "' adapts a " + m.out() + "x" + m.in()
                    + " weight but the base layer '" + base.name() + "' is " + oi[0] + "x" + oi[1]);
        }
        OutInMatrix w = OutInMatrix.of(base);
        float[] d = product(a, b, m.rank(), m.in(), m.out(), (float) m.scale());
        float[] merged = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            merged[i] = w.values()[i] + d[i];
        }
        return delta.compare(base.name(), m.module(), MatchRule.NAME, w, w.with(merged), w.with(d), m.rank(),
                m.scale(), ev);
    }

    /** s·B·A, row-major out × in. */
    static float[] product(float[] a, float[] b, int r, int in, int out, float s) {
        float[] d = new float[out * in];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < r; k++) {
                float bk = s * b[o * r + k];
                int ao = k * in;
                int dOff = o * in;
                for (int i = 0; i < in; i++) {
                    d[dOff + i] += bk * a[ao + i];
                }
            }
        }
        return d;
    }

    /** The base layer a module adapts: by tensor name, then by name without wrapper prefixes. */
    public static WeightMatrix find(List<WeightMatrix> layers, LoraModule m) {
        for (WeightMatrix w : layers) {
            if (w.tensor().name().equals(m.baseWeight())) {
                return w;
            }
        }
        String key = LayerMatcher.withoutPrefix(m.baseWeight());
        for (WeightMatrix w : layers) {
            if (LayerMatcher.withoutPrefix(w.tensor().name()).equals(key)) {
                return w;
            }
        }
        return null;
    }

    private static void checkFinite(float[] v, LoraModule m, Path file, String which) {
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new LoupeException(file, "lora_" + which + " of module '" + m.module() + "' holds NaN or infinite values");
            }
        }
    }
}
