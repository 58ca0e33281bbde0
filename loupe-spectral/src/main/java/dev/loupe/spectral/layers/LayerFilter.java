package dev.loupe.spectral.layers;

import dev.loupe.spectral.result.LayerKind;
import dev.loupe.spectral.result.SkippedTensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which discovered layers an inspection analyzes. WeightWatcher 0.7.5.5 (weightwatcher.py, layer_supported and
 * apply_filters) skips a layer whose pooled eigenvalue count M·rf is below min_evals (default 10) or above max_evals
 * (15000), or whose N exceeds max_N (50000), and can keep only given layer names or types; {@link #ww()} is that
 * default selection, so summary means can be compared with WeightWatcher's. Loupe's own default analyzes every
 * layer ({@link #NONE}) and says which it cannot fit.
 *
 * @param names    keep layers whose name contains a match (null: all)
 * @param kinds    keep layers of these kinds (empty: all)
 * @param minEvals skip layers with fewer pooled eigenvalues (0: no limit)
 * @param maxEvals skip layers with more pooled eigenvalues (0: no limit)
 * @param maxN     skip layers whose larger side exceeds this (0: no limit)
 */
public record LayerFilter(Pattern names, Set<LayerKind> kinds, int minEvals, int maxEvals, int maxN) {
    public static final LayerFilter NONE = new LayerFilter(null, Set.of(), 0, 0, 0);

    public LayerFilter {
        kinds = Set.copyOf(kinds);
        if (minEvals < 0 || maxEvals < 0 || maxN < 0) {
            throw new IllegalArgumentException("layer limits must be >= 0");
        }
    }

    /** WeightWatcher's analyze() defaults: min_evals 10, max_evals 15000, max_N 50000, every layer type it knows. */
    public static LayerFilter ww() {
        return new LayerFilter(null, Set.of(), 10, 15000, 50000);
    }

    public LayerFilter withNames(Pattern p) {
        return new LayerFilter(p, kinds, minEvals, maxEvals, maxN);
    }

    public LayerFilter withKinds(Set<LayerKind> k) {
        return new LayerFilter(names, k, minEvals, maxEvals, maxN);
    }

    public LayerFilter withLimits(Integer min, Integer max, Integer n) {
        return new LayerFilter(names, kinds, min == null ? minEvals : min, max == null ? maxEvals : max,
                n == null ? maxN : n);
    }

    public boolean isNone() {
        return equals(NONE);
    }

    /** Why {@code m} is left out, or null when it is analyzed. */
    public String reason(WeightMatrix m) {
        if (names != null && !names.matcher(m.name()).find()) {
            return "filtered out: name does not match --layers " + names.pattern();
        }
        if (!kinds.isEmpty() && !kinds.contains(m.kind())) {
            return "filtered out: type " + m.kind().name().toLowerCase(Locale.ROOT) + " not in --types";
        }
        if (minEvals > 0 && m.numEvals() < minEvals) {
            return "filtered out: " + m.numEvals() + " eigenvalues < min_evals " + minEvals;
        }
        if (maxEvals > 0 && m.numEvals() > maxEvals) {
            return "filtered out: " + m.numEvals() + " eigenvalues > max_evals " + maxEvals;
        }
        if (maxN > 0 && m.N() > maxN) {
            return "filtered out: N " + m.N() + " > max_N " + maxN;
        }
        return null;
    }

    /** The discovery with filtered layers moved to the skipped list, each with its reason. */
    public Discovery apply(Discovery d) {
        if (isNone()) {
            return d;
        }
        List<WeightMatrix> kept = new ArrayList<>();
        List<SkippedTensor> skipped = new ArrayList<>(d.skipped());
        for (WeightMatrix m : d.matrices()) {
            String why = reason(m);
            if (why == null) {
                kept.add(m);
            } else {
                skipped.add(new SkippedTensor(m.tensor().name(), m.tensor().dtype().name(), m.shapeAnalyzed(), why));
            }
        }
        return new Discovery(kept, skipped);
    }

    /** For provenance. */
    public String describe() {
        List<String> p = new ArrayList<>();
        if (names != null) {
            p.add("layers=" + names.pattern());
        }
        if (!kinds.isEmpty()) {
            p.add("types=" + kinds.stream().map(k -> k.name().toLowerCase(Locale.ROOT)).sorted().toList());
        }
        if (minEvals > 0) {
            p.add("min_evals=" + minEvals);
        }
        if (maxEvals > 0) {
            p.add("max_evals=" + maxEvals);
        }
        if (maxN > 0) {
            p.add("max_N=" + maxN);
        }
        return String.join(",", p);
    }
}
