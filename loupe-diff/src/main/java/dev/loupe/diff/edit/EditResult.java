package dev.loupe.diff.edit;

import java.util.List;

/**
 * A spectral edit of a checkpoint.
 *
 * @param source  the input checkpoint
 * @param target  the written checkpoint
 * @param kind    smooth or sharpen
 * @param rule    how many directions, in words (e.g. "keep 80% of each layer's components")
 * @param layers  the edited layers, in model order
 * @param skipped layers selected but left unchanged, with the reason
 * @param seconds wall time of the edit (without writing)
 */
public record EditResult(String source, String target, EditKind kind, String rule, List<EditedLayer> layers,
                         List<String> skipped, double seconds) {
    public EditResult {
        layers = List.copyOf(layers);
        skipped = List.copyOf(skipped);
    }
}
