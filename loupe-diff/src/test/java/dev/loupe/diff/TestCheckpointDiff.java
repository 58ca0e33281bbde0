package dev.loupe.diff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.core.LoupeException;
import dev.loupe.core.progress.Progress;
import dev.loupe.diff.delta.LayerDelta;
import dev.loupe.diff.match.MatchRule;
import dev.loupe.diff.result.DiffKind;
import dev.loupe.diff.result.DiffResult;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.layers.ConvMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.loupe.diff.Reference.assertRel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference CNN against its fine-tuned copy, checked against torch's float64 numbers (reference.json). */
class TestCheckpointDiff {
    private static final CheckpointDiff DIFF = new CheckpointDiff(Backends.best(), new CheckpointDiff.Options(true, ConvMode.SLICES));

    @Test
    void cnnFineTuneMatchesTorch() {
        DiffResult r = DIFF.compare(Reference.model("cnn.safetensors"), Reference.model("cnn_finetuned.safetensors"),
                Progress.NONE);
        assertEquals(DiffKind.CHECKPOINTS, r.kind());
        assertEquals(4, r.layers().size());
        assertTrue(r.onlyInBase().isEmpty() && r.onlyInOther().isEmpty());
        checkAgainstTorch(r);
        r.layers().forEach(l -> assertEquals(MatchRule.NAME, l.match()));
        // the layer that moved most relative to its size, by torch's norms
        JsonNode ref = Reference.json().path("cnn_finetuned").path("layers");
        String most = null;
        double best = -1;
        for (var e : (Iterable<Map.Entry<String, JsonNode>>) ref.properties()::iterator) {
            double rel = e.getValue().get("delta_fro").asDouble() / e.getValue().get("base_fro").asDouble();
            if (rel > best) {
                best = rel;
                most = e.getKey();
            }
        }
        assertEquals(most, r.movedMost(1).getFirst().name());
    }

    @Test
    void onnxAgainstSafetensorsGivesTheSameNumbers() {
        // ONNX keeps Gemm weights with transB=1 and torch's names; a cross-format diff must still pair and subtract
        DiffResult r = DIFF.compare(Reference.model("cnn.safetensors"), Reference.model("cnn_finetuned.onnx"),
                Progress.NONE);
        assertEquals(4, r.layers().size());
        checkAgainstTorch(r);
    }

    @Test
    void aCheckpointAgainstItselfDidNotMove() {
        DiffResult r = DIFF.compare(Reference.model("cnn.safetensors"), Reference.model("cnn.onnx"), Progress.NONE);
        for (LayerDelta l : r.layers()) {
            assertEquals(0.0, l.deltaNorm(), 0.0, l.name());
            assertEquals(1.0, l.cosine(), 1e-12, l.name());
            assertEquals(1.0, l.wwCka(), 1e-9, l.name());
            assertEquals("zero update", l.update().note());
            assertEquals(l.baseAlpha(), l.otherAlpha(), 0.0);
        }
    }

    @Test
    void differentArchitecturesAreOneError() {
        LoupeException e = assertThrows(LoupeException.class, () -> DIFF.compare(Reference.model("cnn.safetensors"),
                Reference.model("mlp.safetensors"), Progress.NONE));
        assertTrue(e.getMessage().contains("mlp.safetensors"), e.getMessage());
    }

    @Test
    void nanWeightsAreOneErrorNamingTheFile(@TempDir Path dir) throws IOException {
        byte[] bytes = Files.readAllBytes(Reference.model("mlp.safetensors"));
        long headerLen = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        int first = (int) (8 + headerLen); // the first tensor's first float
        java.nio.ByteBuffer.wrap(bytes, first, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN);
        Path bad = dir.resolve("nan.safetensors");
        Files.write(bad, bytes);
        LoupeException e = assertThrows(LoupeException.class, () -> DIFF.compare(Reference.model("mlp.safetensors"),
                bad, Progress.NONE));
        assertTrue(e.getMessage().startsWith(bad.toString()) && e.getMessage().contains("NaN"), e.getMessage());
    }

    static void checkAgainstTorch(DiffResult r) {
        JsonNode ref = Reference.json().path("cnn_finetuned").path("layers");
        Map<String, LayerDelta> byName = r.layers().stream().collect(Collectors.toMap(LayerDelta::name, Function.identity()));
        ref.properties().forEach(e -> {
            LayerDelta l = byName.get(e.getKey());
            JsonNode t = e.getValue();
            assertRel(t.get("delta_fro").asDouble(), l.deltaNorm(), 1e-9, e.getKey() + " |dW|");
            assertRel(t.get("base_fro").asDouble(), l.baseNorm(), 1e-9, e.getKey() + " |W|");
            assertRel(t.get("cosine").asDouble(), l.cosine(), 1e-9, e.getKey() + " cosine");
            assertRel(t.get("delta_fro").asDouble() / t.get("base_fro").asDouble(), l.relative(), 1e-9, e.getKey());
            JsonNode sv = t.get("delta_top_sv");
            for (int i = 0; i < l.update().topSingular().length; i++) {
                assertRel(sv.get(i).asDouble(), l.update().topSingular()[i], 1e-7, e.getKey() + " sigma" + (i + 1));
            }
            if (t.has("ww_cka")) {
                assertRel(t.get("ww_cka").asDouble(), l.wwCka(), 1e-9, e.getKey() + " cka");
                assertRel(t.get("ww_raw").asDouble(), l.wwEuclidean(), 1e-9, e.getKey() + " euclidean");
            }
        });
    }
}
