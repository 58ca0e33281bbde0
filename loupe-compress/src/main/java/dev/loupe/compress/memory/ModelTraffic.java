package dev.loupe.compress.memory;

import dev.loupe.compress.layers.Layer;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.Tensor;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@link Workload} of one inference of a checkpoint: its linear layers at the given stored sizes, plus
 * every other tensor read once, except lookup tables (ONNX Gather inputs, or embedding-named tensors without
 * a graph), of which only {@code positions} rows are read.
 */
public final class ModelTraffic {
    private static final Pattern EMBEDDING = Pattern.compile("(^|[._/])(embed\\w*|wte|wpe|tok_embeddings)([._/]|$)");

    private ModelTraffic() {
    }

    /**
     * @param layerBytes stored bytes of each layer after compression (layer name → bytes); layers not in
     *                   the map count at their current size
     */
    public static Workload of(Checkpoint cp, List<Layer> layers, Map<String, Double> layerBytes, long positions) {
        Set<String> lookups = new HashSet<>();
        cp.graph().ifPresent(g -> {
            for (Node n : g.allNodes()) {
                if (n.opType().equals("Gather") && !n.inputs().isEmpty()) {
                    lookups.add(n.inputs().get(0));
                }
            }
        });
        Map<String, Layer> linear = new LinkedHashMap<>();
        for (Layer l : layers) {
            if (!isLookup(cp, lookups, l.tensor())) {
                linear.put(l.name(), l);
            }
        }
        long[] rows = new long[linear.size()];
        long[] cols = new long[linear.size()];
        double[] bytes = new double[linear.size()];
        int i = 0;
        for (Layer l : linear.values()) {
            rows[i] = l.rows();
            cols[i] = l.cols();
            bytes[i++] = layerBytes.getOrDefault(l.name(), (double) l.tensor().byteSize());
        }
        double other = 0;
        for (Tensor t : cp.tensors()) {
            if (linear.containsKey(t.name())) {
                continue;
            }
            double stored = layerBytes.getOrDefault(t.name(), (double) t.byteSize());
            other += isLookup(cp, lookups, t) && t.dim(0) > 0 ? stored / t.dim(0) * Math.min(positions, t.dim(0)) : stored;
        }
        return Workload.linear(rows, cols, bytes, positions).plusWeights(other);
    }

    private static boolean isLookup(Checkpoint cp, Set<String> gathered, Tensor t) {
        return t.rank() >= 1 && (gathered.contains(t.name())
                || (cp.graph().isEmpty() && t.rank() == 2 && EMBEDDING.matcher(t.name()).find()));
    }
}
