package dev.loupe.diff.activations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.LoupeException;
import dev.loupe.core.data.Datasets;
import dev.loupe.core.progress.Progress;
import dev.loupe.diff.CheckpointDiff;
import dev.loupe.diff.Reference;
import dev.loupe.diff.result.DiffResult;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.layers.ConvMode;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static dev.loupe.diff.Reference.assertRel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Layer-output CKA of the CNN vs its fine-tune through ONNX Runtime, against torch + numpy float64
 * (fixtures/diff/activation_cka.json, made by fixtures/make_activation_cka_reference.py).
 */
class TestActivationCka {
    private static final CheckpointDiff.Options WITH_DATA = new CheckpointDiff.Options(false, ConvMode.SLICES,
            Datasets.read(Reference.FIXTURES.resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz"), null), 500);

    @Test
    void matchesTorch() throws IOException {
        DiffResult r = new CheckpointDiff(Backends.best(), WITH_DATA).compare(Reference.model("cnn.onnx"),
                Reference.model("cnn_finetuned.onnx"), Progress.NONE);
        JsonNode ref = new ObjectMapper().readTree(Reference.FIXTURES.resolve("diff/activation_cka.json").toFile());
        assertEquals(500, ref.path("provenance").path("examples").asInt());
        assertEquals(4, r.activations().size());
        for (LayerActivations a : r.activations()) {
            JsonNode t = ref.path("layers").path(a.name());
            assertEquals(t.path("features").asInt(), a.features(), a.name());
            assertEquals(500, a.examples());
            // ORT's and torch's float32 kernels round differently: ~1e-7 per activation
            assertRel(t.path("cka").asDouble(), a.cka(), 1e-5, a.name() + " cka");
        }
    }

    @Test
    void selfComparisonIsOne() {
        DiffResult r = new CheckpointDiff(Backends.best(), WITH_DATA).compare(Reference.model("cnn.onnx"),
                Reference.model("cnn.onnx"), Progress.NONE);
        r.activations().forEach(a -> assertEquals(1.0, a.cka(), 1e-9, a.name()));
    }

    @Test
    void needsTwoOnnxModels() {
        assertThrows(LoupeException.class, () -> new CheckpointDiff(Backends.best(), WITH_DATA)
                .compare(Reference.model("cnn.safetensors"), Reference.model("cnn_finetuned.onnx"), Progress.NONE));
    }
}
