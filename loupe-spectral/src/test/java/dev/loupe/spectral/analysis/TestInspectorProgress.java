package dev.loupe.spectral.analysis;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.Backends;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A large layer moves the bar within itself: when its Gram is done by the Gram's share of the layer's work, when its
 * eigenvalues are, by all but the last unit, so that minutes of one lm_head are not minutes of a still bar; the
 * layer's own {@code advance} then adds the rest and counts the layer, once.
 */
class TestInspectorProgress {
    private static final Path MLP = Path.of("../fixtures/models/mlp.safetensors").toAbsolutePath().normalize();

    private static final class Recording implements Progress {
        final List<String> events = new ArrayList<>();
        long total;

        @Override
        public synchronized void start(String task, long total) {
            this.total = total;
        }

        @Override
        public synchronized void advance(long units) {
            events.add("layer " + units);
        }

        @Override
        public synchronized void advanceWithin(long units) {
            events.add("within " + units);
        }

        @Override
        public void done() {
        }
    }

    @Test
    void theGramsShareIsReportedBeforeTheLayerEnds() {
        Recording p = new Recording();
        try (Checkpoint cp = Checkpoints.open(MLP)) {
            // one thread: the layers run largest first, one after the other
            new Inspector(Backends.best(), InspectOptions.defaults()).inspect(cp, p, "t", false);
        }
        // fc1 [256x784]: Gram 784·256² = 51,380,224 multiply-adds, eigenvalues 256³ = 16,777,216; 68 units of 10^6,
        // the Gram's share 0.7538 of them = 51.3 -> 51; after the eigenvalues all but the last unit, which the end of the
        // layer (the fits) reports with the layer. fc2 [128x256]: 256·128² + 128³ = 6.29e6 -> 6 units, the Gram
        // 2/3 of them; fc3 [10x128]: under 10^6, one unit, nothing within.
        assertEquals(List.of("within 51", "within 16", "layer 1"), p.events.subList(0, 3));
        assertEquals("layer 1", p.events.getLast());
        assertEquals(3, p.events.stream().filter(e -> e.startsWith("layer")).count());
        assertEquals(68 + 6 + 1, p.total);
        assertEquals(p.total, p.events.stream().mapToLong(e -> Long.parseLong(e.split(" ")[1])).sum());
    }
}
