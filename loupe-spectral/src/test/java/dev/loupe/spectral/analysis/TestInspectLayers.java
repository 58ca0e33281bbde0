package dev.loupe.spectral.analysis;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.MetricColumns;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link Inspector#inspectLayers}: a checkpoint analyzed in layer ranges must give, range by range, the
 * layers of the whole-checkpoint {@link Inspector#inspect} (same ids, same values), and the summary of
 * the concatenated parts must equal inspect's summary. Uses a 3-layer MLP of the generated zoo.
 */
class TestInspectLayers {
    private static final Path MLP = Path.of("../fixtures/zoo/mlp_00.safetensors").toAbsolutePath().normalize();

    @Test
    void partsReassembleIntoTheWholeResult() {
        Inspector in = new Inspector(Backends.best(), InspectOptions.defaults());
        try (Checkpoint cp = Checkpoints.open(MLP)) {
            InspectResult whole = in.inspect(cp, Progress.NONE, "test", false);
            assertEquals(3, in.layerCount(cp));
            List<LayerMetrics> parts = new ArrayList<>();
            parts.addAll(in.inspectLayers(cp, 0, 1, Progress.NONE, "test").layers());
            parts.addAll(in.inspectLayers(cp, 1, 3, Progress.NONE, "test").layers());
            assertEquals(List.of(), in.inspectLayers(cp, 3, 7, Progress.NONE, "test").layers());
            assertEquals(whole.layers().size(), parts.size());
            for (int i = 0; i < parts.size(); i++) {
                assertEquals(i, parts.get(i).layer().index());
                for (MetricColumns.Column c : MetricColumns.ALL) {
                    if (!c.name().equals("seconds")) { // wall time differs between runs
                        assertEquals(String.valueOf(c.value().apply(whole.layers().get(i))),
                                String.valueOf(c.value().apply(parts.get(i))), c.name());
                    }
                }
            }
            assertEquals(whole.summary(), Summaries.of(parts));
            assertThrows(IllegalArgumentException.class, () -> in.inspectLayers(cp, 2, 1, Progress.NONE, "test"));
        }
    }
}
