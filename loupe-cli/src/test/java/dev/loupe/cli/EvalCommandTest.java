package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.data.Fixtures;
import dev.loupe.core.data.NpyReader;
import dev.loupe.core.data.NumericArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code loupe eval} as a black box: exit code and printed JSON. */
class EvalCommandTest {
    @TempDir
    Path dir;

    /** The MLP and CNN accuracies torch recorded in fixtures/manifest.json, reproduced exactly. */
    @Test
    void reproducesTheManifestAccuracies() throws Exception {
        Path f = Fixtures.dir();
        JsonNode manifest = new ObjectMapper().readTree(f.resolve("manifest.json").toFile());
        for (String name : new String[]{"models/mlp.onnx", "models/cnn.onnx"}) {
            JsonNode expected = null;
            for (JsonNode e : manifest.path("models")) {
                if (e.path("file").asText().equals(name)) {
                    expected = e;
                }
            }
            CliRun r = CliRun.of("eval", f.resolve(name).toString(), "--data", f.resolve(manifest.at("/data/images").asText()).toString(),
                    "--labels", f.resolve(manifest.at("/data/labels").asText()).toString(), "--json", "--batch", "300", "--threads", "2");
            assertEquals(0, r.exit(), r.err());
            JsonNode got = new ObjectMapper().readTree(r.out());
            assertEquals(expected.path("accuracy").asDouble(), got.path("accuracy").asDouble(), 0.0, name);
            assertEquals(expected.path("mean_cross_entropy").asDouble(), got.path("meanCrossEntropy").asDouble(), 1e-5, name);
            assertEquals(2000, got.path("n").asInt());
        }
    }

    @Test
    void writesUnitEmbeddingsForTheFortunes() throws Exception {
        Path out = dir.resolve("e.npy");
        Path text = Files.writeString(dir.resolve("s.txt"), "A day for firm decisions!!!!!  Or is it?\n\nsecond line\n");
        CliRun r = CliRun.of("eval", "minilm", "--text", text.toString(), "--embeddings", out.toString(), "--json", "--threads", "1");
        assertEquals(0, r.exit(), r.err());
        NumericArray a = NpyReader.read(out);
        assertArrayEquals(new long[]{2, 384}, a.shape());
        // First embedding values from fixtures/minilm/reference.json (numpy interpreter, not ONNX Runtime).
        JsonNode ref = new ObjectMapper().readTree(Fixtures.dir().resolve("minilm/reference.json").toFile()).at("/embeddings/0/embedding");
        double dot = 0;
        for (int d = 0; d < 384; d++) {
            dot += a.values()[d] * ref.get(d).asDouble();
        }
        assertTrue(dot >= 0.9999, "cosine " + dot);
        assertEquals(1.0, new ObjectMapper().readTree(r.out()).path("meanNorm").asDouble(), 1e-5);
    }

    @Test
    void userErrorsExitTwoWithOneLine() {
        CliRun r = CliRun.of("eval", dir.resolve("nope.onnx").toString(), "--data", dir.resolve("x.npy").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("nope.onnx: no such file") && r.err().strip().lines().count() == 1, r.err());
    }
}
