package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code loupe edit} as a user runs it. */
class TestEditCommand {
    private static final Path FIX = Path.of("../fixtures").toAbsolutePath().normalize();
    private static final Path CNN = FIX.resolve("models/cnn.onnx");
    private static final String DATA = FIX.resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz").toString();
    private static final String LABELS = FIX.resolve("data/fashion-mnist-test-2000-labels-idx1-ubyte.gz").toString();

    @Test
    void smoothingAnOnnxClassifierReportsAccuracyBeforeAndAfter(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("cnn-smooth.onnx");
        CliRun r = CliRun.of("edit", CNN.toString(), "--smooth", "0.5", "--out", out.toString(), "--data", DATA,
                "--labels", LABELS, "--json", "--quiet");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        // before: the manifest's accuracy of the reference CNN, computed by torch
        JsonNode manifest = new ObjectMapper().readTree(FIX.resolve("manifest.json").toFile());
        double torchAcc = manifest.findValues("accuracy").stream().mapToDouble(JsonNode::asDouble)
                .filter(a -> Math.abs(a - j.get("before").get("accuracy").asDouble()) < 1e-12).findFirst().orElse(-1);
        assertEquals(0.8795, torchAcc, 1e-12);
        assertEquals(4, j.get("edit").get("layers").size());
        assertTrue(j.get("after").get("accuracy").asDouble() < 0.8795, "a rank-halved CNN loses accuracy");
        assertTrue(Files.size(out) > 100_000);
    }

    @Test
    void userErrorsLeaveNothingBehind(@TempDir Path dir) {
        Path out = dir.resolve("x.onnx");
        CliRun.of("edit", CNN.toString(), "--smooth", "2.5", "--out", out.toString()).assertUserError(Path.of("--smooth"));
        assertFalse(Files.exists(out));
        Path st = dir.resolve("x.safetensors");
        CliRun r = CliRun.of("edit", CNN.toString(), "--sharpen", "--out", st.toString());
        r.assertUserError(st);
        assertFalse(Files.exists(st));
        r = CliRun.of("edit", CNN.toString(), "--sharpen", "--out", CNN.toString());
        assertEquals(2, r.exit());
    }
}
