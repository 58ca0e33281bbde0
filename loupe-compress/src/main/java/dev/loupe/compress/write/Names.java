package dev.loupe.compress.write;

import dev.loupe.core.graph.Graph;

import java.util.Set;

/**
 * Names for what a rewrite adds to a graph (initializers, nodes, values), unique in it: {@code W_scale} unless the
 * model already uses that name (say, as a node's output), then {@code W_scale_1}, {@code W_scale_2}, ... A clash
 * would give ONNX Runtime two definitions of one value, and it refuses the file.
 */
final class Names {
    private final Set<String> taken;

    Names(Graph g) {
        this.taken = g.names();
    }

    /** {@code base}, or the first of {@code base_1}, {@code base_2}, ... not yet used; reserved from now on. */
    String fresh(String base) {
        String name = base;
        for (int k = 1; !taken.add(name); k++) {
            name = base + "_" + k;
        }
        return name;
    }
}
