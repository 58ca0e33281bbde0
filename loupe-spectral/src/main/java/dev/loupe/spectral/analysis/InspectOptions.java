package dev.loupe.spectral.analysis;

import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.fit.FixFingers;
import dev.loupe.spectral.fit.TailFit;
import dev.loupe.spectral.layers.ConvMode;
import dev.loupe.spectral.layers.FusedSplit;
import dev.loupe.spectral.layers.LayerFilter;

import java.util.ArrayList;
import java.util.List;

/**
 * What to compute.
 *
 * @param precision  Gram/eigensolver precision
 * @param conv       how conv kernels become matrices
 * @param fixFingers WeightWatcher's fix_fingers (clip_xmax, xmin_peak)
 * @param mpFit      Marchenko–Pastur fit (num_spikes, mp_softrank)
 * @param randomize  ESD of the element-shuffled matrix (rand_distance, correlation traps)
 * @param seed       seed of the shuffles (and of the Lanczos start vectors)
 * @param threads    layers analyzed at once
 * @param splits     fused tensors analyzed as their parts ({@code --split-fused})
 * @param sketchTopK when &gt; 0, layers with more eigenvalues than this get only their top k by Lanczos
 * @param sketchCheck also compute the exact ESD of sketched layers and record the sketch's error
 * @param tailFit    also fit WeightWatcher's TPL or E_TPL (truncated power law)
 * @param filter     which layers to analyze
 * @param vectors    also the eigenvector metrics (WeightWatcher's vectors=True)
 */
public record InspectOptions(Precision precision, ConvMode conv, FixFingers fixFingers, boolean mpFit,
                             boolean randomize, long seed, int threads, List<FusedSplit> splits, int sketchTopK,
                             boolean sketchCheck, TailFit tailFit, LayerFilter filter, boolean vectors) {
    public static InspectOptions defaults() {
        return new InspectOptions(Precision.AUTO, ConvMode.SLICES, false, true, false, 0, 1);
    }

    public InspectOptions(Precision precision, ConvMode conv, boolean clipXmax, boolean mpFit, boolean randomize,
                          long seed, int threads) {
        this(precision, conv, clipXmax ? FixFingers.CLIP_XMAX : FixFingers.NONE, mpFit, randomize, seed, threads,
                List.of(), 0, false, TailFit.PL, LayerFilter.NONE, false);
    }

    public InspectOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (sketchTopK < 0) {
            throw new IllegalArgumentException("sketch k must be >= 0, got " + sketchTopK);
        }
        splits = List.copyOf(splits);
        filter = filter == null ? LayerFilter.NONE : filter;
        fixFingers = fixFingers == null ? FixFingers.NONE : fixFingers;
        tailFit = tailFit == null ? TailFit.PL : tailFit;
    }

    public InspectOptions withSplits(List<FusedSplit> s) {
        return new InspectOptions(precision, conv, fixFingers, mpFit, randomize, seed, threads, s, sketchTopK, sketchCheck, tailFit, filter, vectors);
    }

    public InspectOptions withSketch(int k, boolean check) {
        return new InspectOptions(precision, conv, fixFingers, mpFit, randomize, seed, threads, splits, k, check, tailFit, filter, vectors);
    }

    /** Also fit WeightWatcher's TPL or E_TPL ({@link TailFit#PL}: no). */
    public InspectOptions withTailFit(TailFit f) {
        return new InspectOptions(precision, conv, fixFingers, mpFit, randomize, seed, threads, splits, sketchTopK, sketchCheck, f, filter, vectors);
    }

    /** Analyze only the layers {@code f} keeps (WeightWatcher's layer selection with {@link LayerFilter#ww()}). */
    public InspectOptions withFilter(LayerFilter f) {
        return new InspectOptions(precision, conv, fixFingers, mpFit, randomize, seed, threads, splits, sketchTopK, sketchCheck, tailFit, f, vectors);
    }

    /** With WeightWatcher's fix_fingers {@code ff}. */
    public InspectOptions withFixFingers(FixFingers ff) {
        return new InspectOptions(precision, conv, ff, mpFit, randomize, seed, threads, splits, sketchTopK, sketchCheck, tailFit, filter, vectors);
    }

    /** Also (or not) the eigenvector metrics of each layer. */
    public InspectOptions withVectors(boolean on) {
        return new InspectOptions(precision, conv, fixFingers, mpFit, randomize, seed, threads, splits, sketchTopK, sketchCheck, tailFit, filter, on);
    }

    /** Whether fix_fingers is clip_xmax. */
    public boolean clipXmax() {
        return fixFingers == FixFingers.CLIP_XMAX;
    }

    /** As "key=value" strings for provenance. */
    public List<String> describe() {
        List<String> d = new ArrayList<>(List.of("precision=" + precision.label(),
                "conv=" + conv.name().toLowerCase(java.util.Locale.ROOT),
                "fix_fingers=" + fixFingers, "mp_fit=" + mpFit, "randomize=" + randomize,
                "seed=" + seed, "threads=" + threads));
        for (FusedSplit s : splits) {
            d.add("split_fused=" + s.pattern() + "=" + String.join(",", s.labels()));
        }
        if (sketchTopK > 0) {
            d.add("sketch=top-" + sketchTopK + (sketchCheck ? " (checked against exact)" : ""));
        }
        if (tailFit != TailFit.PL) {
            d.add("fit=" + tailFit);
        }
        if (vectors) {
            d.add("vectors=true");
        }
        if (!filter.isNone()) {
            d.add("filter=" + filter.describe());
        }
        return d;
    }
}
