package dev.loupe.diff.edit;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.progress.Progress;
import dev.loupe.diff.delta.UpdateSpectrum;
import dev.loupe.linalg.DenseBackend;
import dev.loupe.spectral.esd.EsdCalculator;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.esd.Slices;
import dev.loupe.spectral.fit.MarchenkoPastur;
import dev.loupe.spectral.fit.PowerLawFitter;
import dev.loupe.spectral.layers.ConvMode;
import dev.loupe.spectral.layers.LayerDiscovery;
import dev.loupe.spectral.layers.WeightMatrix;
import dev.loupe.spectral.result.LayerKind;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes the edited weights of every selected layer, in the stored layout (a transposed (in, out) weight is
 * edited as stored: the SVD does not care). A conv kernel is edited slice by slice, W[:, :, i, j], each keeping or
 * removing ⌈k/rf⌉ directions, as WeightWatcher's apply_svd_smoothing does.
 */
public final class SpectralEditor {
    /** The edit: what was done and the new values of each edited tensor (stored order, by tensor name). */
    public record Edit(EditResult result, Map<String, float[]> values) {
    }

    private final DenseBackend backend;
    private final EsdCalculator esd;

    public SpectralEditor(DenseBackend backend) {
        this.backend = backend;
        this.esd = new EsdCalculator(backend, Precision.FP64);
    }

    public Edit edit(Checkpoint cp, EditSpec spec, Path target, Progress progress) {
        long t0 = System.nanoTime();
        List<WeightMatrix> layers = LayerDiscovery.discover(cp, ConvMode.SLICES).matrices().stream()
                .filter(m -> spec.selects(m.name())).toList();
        if (layers.isEmpty()) {
            throw new LoupeException(cp.source(), spec.layers() == null ? "has no weight matrices to edit"
                    : "no layer name matches --layers '" + spec.layers() + "'");
        }
        List<EditedLayer> rows = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<String, float[]> values = new LinkedHashMap<>();
        progress.start(spec.kind() == EditKind.SMOOTH ? "smoothing layers" : "sharpening layers", layers.size());
        try {
            for (WeightMatrix m : layers) {
                progress.advance(1);
                String why = unsupported(m);
                if (why != null) {
                    skipped.add(m.name() + ": " + why);
                    continue;
                }
                float[] stored = m.toFloats();
                for (float v : stored) {
                    if (!Float.isFinite(v)) {
                        throw new LoupeException(cp.source(), "layer '" + m.name() + "' holds NaN or infinite weights");
                    }
                }
                double[] before = esd.spectrum(Slices.of(stored, m)).eigenvalues();
                int total = directions(m, spec, before, stored);
                int perSlice = (int) Math.ceil((double) total / m.rf());
                float[] edited = apply(m, stored, perSlice, spec.kind() == EditKind.SMOOTH);
                double[] after = esd.spectrum(Slices.of(edited, m)).eigenvalues();
                values.put(m.tensor().name(), edited);
                rows.add(new EditedLayer(m.name(), before.length, Math.min(perSlice, m.M()) * m.rf(),
                        UpdateSpectrum.alphaOf(before), UpdateSpectrum.alphaOf(after), norm(stored), norm(edited)));
            }
        } finally {
            progress.done();
        }
        if (rows.isEmpty()) {
            throw new LoupeException(cp.source(), "none of the selected layers can be edited (" + skipped.getFirst() + ")");
        }
        EditResult r = new EditResult(cp.source().toString(), target.toString(), spec.kind(), describe(spec), rows,
                skipped, (System.nanoTime() - t0) / 1e9);
        return new Edit(r, values);
    }

    /** Why a layer is left as it is, or null. */
    private static String unsupported(WeightMatrix m) {
        if (m.dequant() != null) {
            return "stored quantized (edit the float checkpoint, then quantize)";
        }
        if (m.part() != null) {
            return "a part of a fused tensor";
        }
        return m.tensor().dtype().kind() == dev.loupe.core.tensor.DType.Kind.FLOAT ? null
                : "stored as " + m.tensor().dtype() + " (not a float weight)";
    }

    /** The pooled number of directions to keep (smooth) or remove (sharpen). */
    private int directions(WeightMatrix m, EditSpec spec, double[] ev, float[] stored) {
        if (spec.kind() == EditKind.SHARPEN) {
            // WeightWatcher's apply_svd_sharpness: the MP fit of the element-permuted matrices (each permuted on its
            // own, as its apply_permute_W) counts the spikes; inspect --randomize shuffles the same way
            Slices s = Slices.of(stored, m);
            double[] rev = esd.randomizedEigenvalues(s.slices(), s.rows(), s.cols(), 1,
                    spec.seed() * 1_000_003L + m.name().hashCode());
            return MarchenkoPastur.fit(rev, (double) m.N() / m.M(), m.M()).numSpikes();
        }
        return switch (spec.keep()) {
            case Keep.Count c -> c.k();
            case Keep.Fraction f -> (int) (f.p() * m.M() * m.rf());
            case Keep.MpSpikes ignored -> MarchenkoPastur.fit(ev, (double) m.N() / m.M(), m.M()).numSpikes();
            case Keep.PowerLawTail ignored -> {
                var fit = PowerLawFitter.fit(ev, false);
                yield fit.ok() ? fit.numPlSpikes() : m.M() * m.rf();
            }
        };
    }

    private float[] apply(WeightMatrix m, float[] stored, int k, boolean keep) {
        if (m.kind() != LayerKind.CONV2D) {
            return TopDirections.edit(backend, stored, m.rows(), m.cols(), k, keep);
        }
        int out = m.rows();
        int in = m.cols();
        int rf = m.rf();
        float[] result = new float[stored.length];
        float[] slice = new float[out * in];
        for (int s = 0; s < rf; s++) {
            for (int i = 0; i < out * in; i++) {
                slice[i] = stored[i * rf + s]; // (o, c, kh, kw) row-major: element (o, c) of slice s
            }
            float[] e = TopDirections.edit(backend, slice, out, in, k, keep);
            for (int i = 0; i < out * in; i++) {
                result[i * rf + s] = e[i];
            }
        }
        return result;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    private static String describe(EditSpec spec) {
        if (spec.kind() == EditKind.SHARPEN) {
            return "remove the top singular directions: the Marchenko-Pastur spikes of the element-permuted matrix";
        }
        return switch (spec.keep()) {
            case Keep.Count c -> "keep the top " + c.k() + " singular directions of each layer";
            case Keep.Fraction f -> "keep " + Math.round(f.p() * 100) + "% of each layer's components";
            case Keep.MpSpikes ignored -> "keep the spikes above the Marchenko-Pastur bulk edge";
            case Keep.PowerLawTail ignored -> "keep the power-law tail (eigenvalues >= xmin)";
        };
    }
}
