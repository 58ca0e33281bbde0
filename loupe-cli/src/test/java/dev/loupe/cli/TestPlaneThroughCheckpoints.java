package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Planes that other checkpoints define (Li et al.): through three checkpoints, saved and reloaded directions. */
class TestPlaneThroughCheckpoints {
    private static final Path FIX = Path.of("../fixtures").toAbsolutePath().normalize();
    private static final String DATA = FIX.resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz").toString();
    private static final String LABELS = FIX.resolve("data/fashion-mnist-test-2000-labels-idx1-ubyte.gz").toString();

    private static String model(String name) {
        return FIX.resolve("models").resolve(name).toString();
    }

    /** torch's mean cross-entropy of a fixture on the 2,000 test images (fixtures/manifest.json). */
    private static double torchLoss(String file) throws Exception {
        for (JsonNode m : new ObjectMapper().readTree(FIX.resolve("manifest.json").toFile()).get("models")) {
            if (m.get("file").asText().equals("models/" + file)) {
                return m.get("mean_cross_entropy").asDouble();
            }
        }
        throw new AssertionError(file + " not in the manifest");
    }

    @Test
    void thePlanePassesThroughEachCheckpoint(@TempDir Path dir) throws Exception {
        Path dirs = dir.resolve("d.npy");
        CliRun r = CliRun.of("landscape", "plane", model("cnn_epoch05.onnx"), "--data", DATA, "--labels", LABELS,
                "--samples", "2000", "--through", model("cnn_epoch02.onnx"), model("cnn.onnx"), "--grid", "3",
                "--range", "0:1", "--save-directions", dirs.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode plane = new ObjectMapper().readTree(r.out()).get("plane");
        String[] files = {"cnn_epoch05.onnx", "cnn_epoch02.onnx", "cnn.onnx"};
        double[][] at = {{0, 0}, {1, 0}, {0, 1}};
        for (int i = 0; i < 3; i++) {
            JsonNode q = plane.get("path").get(i);
            assertEquals(files[i], q.get("label").asText());
            assertEquals(at[i][0], q.get("x").asDouble(), 0.0);
            assertEquals(at[i][1], q.get("y").asDouble(), 0.0);
            assertEquals(torchLoss(files[i]), q.get("loss").asDouble(), 1e-4, files[i]);
            // the grid point at the same place gives the same loss
            int xi = (int) at[i][0] * 2;
            int yj = (int) at[i][1] * 2;
            assertEquals(q.get("loss").asDouble(), plane.get("loss").get(yj).get(xi).asDouble(), 1e-6);
        }
        assertTrue(Files.size(dirs) > 2 * 4 * 100_000, "two float32 directions over the CNN's weights");
        // reloading the saved directions around the same model redraws the same grid
        CliRun again = CliRun.of("landscape", "plane", model("cnn_epoch05.onnx"), "--data", DATA, "--labels", LABELS,
                "--samples", "2000", "--directions", dirs.toString(), "--grid", "3", "--range", "0:1", "--json");
        assertEquals(0, again.exit(), again.err());
        JsonNode same = new ObjectMapper().readTree(again.out()).get("plane").get("loss");
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < 3; i++) {
                assertEquals(plane.get("loss").get(j).get(i).asDouble(), same.get(j).get(i).asDouble(), 1e-9);
            }
        }
    }

    @Test
    void misuseIsOneLine() {
        CliRun r = CliRun.of("landscape", "plane", model("cnn.onnx"), "--data", DATA, "--labels", LABELS, "--directions", "pca");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--trajectory"), r.err());
        Path mlp = FIX.resolve("models/mlp.onnx");
        r = CliRun.of("landscape", "plane", model("cnn.onnx"), "--data", DATA, "--labels", LABELS, "--directions", "pca",
                "--trajectory", model("cnn_epoch00.onnx"), mlp.toString(), "--grid", "2");
        r.assertUserError(mlp);
        r = CliRun.of("landscape", "plane", model("cnn.onnx"), "--data", DATA, "--labels", LABELS, "--directions",
                FIX.resolve("data/fashion-mnist-test-2000-labels-idx1-ubyte.gz").toString(), "--grid", "2");
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }
}
