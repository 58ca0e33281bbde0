package dev.loupe.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.LoupeException;
import dev.loupe.core.data.Dataset;
import dev.loupe.core.data.Datasets;
import dev.loupe.core.data.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference models against fixtures/manifest.json, whose accuracy and cross-entropy torch computed when
 * fixtures/make_reference_models.py trained them: ONNX Runtime must give the same argmax on every example.
 */
class OnnxModelTest {
    @TempDir
    Path dir;

    static JsonNode manifest() throws IOException {
        return new ObjectMapper().readTree(Fixtures.dir().resolve("manifest.json").toFile());
    }

    static Dataset evalSet(JsonNode manifest) {
        Path f = Fixtures.dir();
        return Datasets.read(f.resolve(manifest.path("data").path("images").asText()), f.resolve(manifest.path("data").path("labels").asText()));
    }

    @Test
    void everyOnnxModelReproducesTheManifest() throws IOException {
        JsonNode m = manifest();
        Dataset data = evalSet(m);
        int checked = 0;
        for (JsonNode e : m.path("models")) {
            if (!e.path("format").asText().equals("onnx")) {
                continue;
            }
            try (OnnxModel model = OnnxModel.open(Fixtures.dir().resolve(e.path("file").asText()), 2)) {
                Evaluation ev = model.evaluate(data, 128);
                assertEquals(2000, ev.n());
                assertEquals(e.path("accuracy").asDouble(), ev.accuracy(), 0.0, e.path("file").asText());
                assertEquals(e.path("mean_cross_entropy").asDouble(), ev.meanCrossEntropy(), 1e-5, e.path("file").asText());
                checked++;
            }
        }
        assertTrue(checked >= 12, "only " + checked + " ONNX models in the manifest");
    }

    @Test
    void resultsDoNotDependOnBatchOrThreads() throws IOException {
        Dataset data = evalSet(manifest());
        try (OnnxModel one = OnnxModel.open(Fixtures.dir().resolve("models/cnn.onnx"), 1);
             OnnxModel two = OnnxModel.open(Fixtures.dir().resolve("models/cnn.onnx"), 2)) {
            float[][] a = one.logits(data, 2000);
            float[][] b = two.logits(data, 7);
            assertEquals(2000, a.length);
            for (int i = 0; i < a.length; i += 97) {
                assertArrayEquals(a[i], b[i], 1e-5f);
            }
        }
    }

    @Test
    void fixturesMatchTheirChecksums() throws Exception {
        JsonNode m = manifest();
        for (JsonNode e : m.path("models")) {
            assertEquals(e.path("sha256").asText(), sha256(Fixtures.dir().resolve(e.path("file").asText())), e.path("file").asText());
        }
        assertEquals(m.path("data").path("images_sha256").asText(), sha256(Fixtures.dir().resolve(m.path("data").path("images").asText())));
        assertEquals(m.path("data").path("labels_sha256").asText(), sha256(Fixtures.dir().resolve(m.path("data").path("labels").asText())));
    }

    @Test
    void badInputsAreOneLineErrorsNamingTheFile() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.onnx"), "this is not a protobuf");
        LoupeException e = assertThrows(LoupeException.class, () -> OnnxModel.open(junk, 1));
        assertTrue(e.getMessage().startsWith(junk.toString()) && e.getMessage().contains("ONNX Runtime"), e.getMessage());
        Path csv = Files.writeString(dir.resolve("x.csv"), "1,2,3\n");
        Path y = Files.writeString(dir.resolve("y.csv"), "0\n");
        try (OnnxModel model = OnnxModel.open(Fixtures.dir().resolve("models/mlp.onnx"), 1)) {
            e = assertThrows(LoupeException.class, () -> model.evaluate(Datasets.read(csv, y), 8));
            assertTrue(e.getMessage().startsWith(csv.toString()) && e.getMessage().contains("takes 784"), e.getMessage());
        }
        assertThrows(LoupeException.class, () -> OnnxModel.open(dir.resolve("missing.onnx"), 1));
    }

    private static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
