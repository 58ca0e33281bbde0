package dev.loupe.zoo.result;

import java.io.Serializable;
import java.util.List;

/**
 * One checkpoint's rows, ready for the catalog: a {@link ZooSchema#MODELS} row and its
 * {@link ZooSchema#LAYERS} rows (none for a failed file). Values are String, Long, Double or null.
 * Serializable because Spark ships it from executors to the writer.
 */
public record ModelOutcome(List<Object> model, List<List<Object>> layers) implements Serializable {
    public ModelOutcome {
        model = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(model));
        layers = layers.stream().map(r -> java.util.Collections.unmodifiableList(new java.util.ArrayList<>(r))).toList();
    }

    public Object get(String column) {
        return model.get(ZooSchema.index(ZooSchema.MODELS, column));
    }

    public boolean ok() {
        return "ok".equals(get("status"));
    }
}
