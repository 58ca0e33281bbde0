package dev.loupe.compress.engine;

import dev.loupe.compress.layers.Layer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The transformer block a layer belongs to, from its name: the number after "layer", "layers", "h", "block(s)"
 * or "blk" ("/encoder/layer.3/attention/...", "model.layers.12.mlp...", "transformer.h.7...", "blk.5...").
 * Layers outside any block form their own block.
 */
final class Blocks {
    private static final Pattern BLOCK = Pattern.compile("(?:^|[./_])(?:layers?|h|blocks?|blk)[._](\\d+)(?:[./_]|$)");

    private Blocks() {
    }

    static String of(Layer l) {
        String key = l.node().isEmpty() ? l.name() : l.node();
        Matcher m = BLOCK.matcher(key);
        return m.find() ? "block " + m.group(1) : "layer " + l.name();
    }
}
