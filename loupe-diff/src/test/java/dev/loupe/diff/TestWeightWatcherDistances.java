package dev.loupe.diff;

import dev.loupe.core.progress.Progress;
import dev.loupe.diff.delta.LayerDelta;
import dev.loupe.diff.result.DiffResult;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.layers.ConvMode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static dev.loupe.diff.Reference.assertRel;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** diff's distance columns against WeightWatcher 0.7.5.5's own distances() run (resources ww/README.md). */
class TestWeightWatcherDistances {
    @Test
    void agreeWithWeightWatchersDistances() throws IOException {
        DiffResult r = new CheckpointDiff(Backends.best(), new CheckpointDiff.Options(true, ConvMode.SLICES))
                .compare(Reference.model("cnn.safetensors"), Reference.model("cnn_finetuned.safetensors"), Progress.NONE);
        String csv;
        try (InputStream in = TestWeightWatcherDistances.class.getResourceAsStream("/ww/cnn_finetuned.distances.csv")) {
            csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int rows = 0;
        for (String line : csv.split("\n")) {
            String[] c = line.split(",");
            if (c[0].equals("method")) {
                continue;
            }
            LayerDelta l = r.layers().stream().filter(x -> x.name().equals(c[1])).findFirst().orElseThrow();
            double want = Double.parseDouble(c[2]);
            // WeightWatcher works in float32: its norms carry ~1e-7 relative error, its CKA's products ~5e-6
            switch (c[0]) {
                case "raw" -> assertRel(want, l.deltaNorm(), 1e-6, c[1] + " raw");
                case "euclidean" -> assertRel(want, l.wwEuclidean(), 1e-6, c[1] + " euclidean");
                case "cka" -> assertRel(want, l.wwCka(), 2e-5, c[1] + " cka");
                default -> throw new AssertionError(c[0]);
            }
            rows++;
        }
        assertEquals(9, rows);
    }
}
