package dev.loupe.zoo;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.analysis.InspectOptions;
import dev.loupe.spectral.analysis.Inspector;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.layers.ConvMode;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.result.MetricColumns;
import dev.loupe.zoo.job.ZooTask;
import dev.loupe.zoo.result.ColumnType;
import dev.loupe.zoo.result.ZooColumn;
import dev.loupe.zoo.result.ZooSchema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The layers table declares a type for every column of inspect's CSV; with every optional part on
 * (MP fit, randomized ESD) each value must convert without narrowing, so a column added to
 * {@link MetricColumns} with a new kind of value fails here instead of in a user's run.
 */
class TestZooSchema {
    @Test
    void everyInspectColumnHasTheRightType() {
        InspectResult r;
        try (Checkpoint cp = Checkpoints.open(ZooFixtures.ZOO.resolve("mlp_07.safetensors"))) {
            r = new Inspector(Backends.best(), new InspectOptions(Precision.FP64, ConvMode.SLICES, true, true, true, 3, 1))
                    .inspect(cp, Progress.NONE, "x", false);
        }
        List<ZooColumn> cols = ZooSchema.LAYERS;
        assertEquals(ZooSchema.LAYER_KEYS.size() + MetricColumns.ALL.size(), cols.size());
        List<Object> row = ZooTask.layerRow("/p", "run", r.layers().getFirst());
        for (int i = 0; i < cols.size(); i++) {
            Object v = row.get(i);
            if (v == null) {
                continue;
            }
            Class<?> want = switch (cols.get(i).type()) {
                case STRING -> String.class;
                case LONG -> Long.class;
                case DOUBLE -> Double.class;
            };
            assertInstanceOf(want, v, cols.get(i).name());
        }
        // With --randomize every randomized column is filled in (none silently null).
        assertInstanceOf(Long.class, row.get(ZooSchema.index(cols, "rand_num_spikes")));
        assertInstanceOf(Double.class, row.get(ZooSchema.index(cols, "rand_distance")));
    }

    @Test
    void coercionRefusesToNarrow() {
        assertThrows(IllegalStateException.class, () -> ColumnType.LONG.coerce("layer_id", 1.5));
        assertThrows(IllegalStateException.class, () -> ColumnType.DOUBLE.coerce("alpha", "2.0"));
        assertEquals(7L, ColumnType.LONG.coerce("N", 7));
        assertEquals(3.0, ColumnType.DOUBLE.coerce("alpha", 3));
    }
}
