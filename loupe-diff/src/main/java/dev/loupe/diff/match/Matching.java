package dev.loupe.diff.match;

import java.util.List;

/**
 * The result of matching: pairs in the base checkpoint's layer order, and the layers left without a partner on
 * either side (names), which the output lists instead of dropping silently.
 */
public record Matching(List<LayerPair> pairs, List<String> onlyInBase, List<String> onlyInOther) {
    public Matching {
        pairs = List.copyOf(pairs);
        onlyInBase = List.copyOf(onlyInBase);
        onlyInOther = List.copyOf(onlyInOther);
    }
}
