package dev.loupe.diff.edit;

import java.util.regex.Pattern;

/**
 * What to do to which layers.
 *
 * @param kind   smooth (keep the top directions) or sharpen (remove the top directions)
 * @param keep   for smoothing: how many directions to keep; ignored for sharpening
 * @param layers layer names to edit (regex, found anywhere in the name); null for every layer
 * @param seed   the permutation seed of sharpening's spike count
 */
public record EditSpec(EditKind kind, Keep keep, Pattern layers, long seed) {
    public static EditSpec smooth(String keep, Pattern layers) {
        return new EditSpec(EditKind.SMOOTH, Keep.parse(keep), layers, 0);
    }

    public static EditSpec sharpen(Pattern layers, long seed) {
        return new EditSpec(EditKind.SHARPEN, null, layers, seed);
    }

    boolean selects(String name) {
        return layers == null || layers.matcher(name).find();
    }
}
