package dev.loupe.ensemble.predict;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TestPredictionWriter {
    /** Two members, three samples, two classes; member b is wrong on sample 2. */
    private static Predictions sample() {
        float[][] p = {{0.9f, 0.1f, 0.2f, 0.8f, 0.3f, 0.7f}, {0.6f, 0.4f, 0.45f, 0.55f, 0.75f, 0.25f}};
        return Predictions.fromProbabilities(List.of("a", "b"), p, new int[] {0, 1, 1}, 2);
    }

    @Test
    void writesWhatThePredictionReaderReadsBack(@TempDir Path dir) throws IOException {
        Predictions in = sample();
        Predictions rotated = Predictions.fromProbabilities(List.of("a", "b"), in.probabilities(), in.truth(), 2);
        Map<String, Predictions> shifted = Map.of("rotation 30.0°", rotated);
        PredictionWriter.write(dir, in, shifted);
        Path truth = Files.writeString(dir.resolve("truth.csv"), "0\n1\n1\n");
        assertEquals(List.of(dir.resolve("in-distribution/a.csv"), dir.resolve("in-distribution/a.npy"),
                dir.resolve("in-distribution/b.csv"), dir.resolve("in-distribution/b.npy"),
                dir.resolve("rotation-30.0/a.csv"), dir.resolve("rotation-30.0/a.npy"),
                dir.resolve("rotation-30.0/b.csv"), dir.resolve("rotation-30.0/b.npy")), PredictionWriter.files(dir, in, shifted));
        assertEquals("0\n1\n0\n", Files.readString(dir.resolve("in-distribution/b.csv")));
        Predictions fromNpy = PredictionFiles.load(List.of(dir.resolve("in-distribution/a.npy"), dir.resolve("in-distribution/b.npy")), truth, 0);
        assertArrayEquals(in.probabilities()[1], fromNpy.probabilities()[1]);
        assertArrayEquals(new int[] {0, 1, 0}, fromNpy.labels()[1]);
        Predictions fromCsv = PredictionFiles.load(List.of(dir.resolve("rotation-30.0/a.csv"), dir.resolve("rotation-30.0/b.csv")), truth, 2);
        assertArrayEquals(in.labels()[0], fromCsv.labels()[0]);
        assertArrayEquals(in.labels()[1], fromCsv.labels()[1]);
    }
}
