package dev.loupe.compress.write;

import dev.loupe.compress.allocate.AllocationMethod;
import dev.loupe.compress.engine.Allocations;
import dev.loupe.compress.engine.Compressor;
import dev.loupe.compress.engine.QuantOptions;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.layers.LayerFinder;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compression on the layouts real checkpoints have (fixtures/realmodels, made by make_realmodel_fixtures.py):
 * GPT-2's Conv1D weights are [in, out], so "per output channel" means per stored column; its tied lm_head is
 * one storage; fp16 ONNX weights are read through a Cast; PyTorch parameters can be strided views.
 */
class TestRealModelLayouts {
    @TempDir
    Path dir;

    private static Path fixture(String name) {
        return Path.of("../fixtures/realmodels", name).toAbsolutePath().normalize();
    }

    private static Map<String, Layer> byName(List<Layer> layers) {
        return layers.stream().collect(Collectors.toMap(Layer::name, Function.identity()));
    }

    @Test
    void gpt2Conv1DIsQuantizedPerOutputColumnAndTheTiedHeadWrittenOnce() {
        Path out = dir.resolve("gpt2-int8.safetensors");
        QuantOptions o = new QuantOptions(8, AllocationMethod.UNIFORM, 0, true, 0, 2, 8, 0);
        float[] stored;
        Compressor.Outcome outcome;
        try (Checkpoint cp = Checkpoints.open(fixture("gpt2_tiny.pt"))) {
            Map<String, Layer> layers = byName(LayerFinder.find(cp));
            assertEquals(4, layers.size(), layers.keySet().toString());
            Layer qkv = layers.get("transformer.h.0.attn.c_attn.weight");
            assertTrue(qkv.storedInOut());
            assertEquals(24, qkv.rows()); // 3d outputs
            assertEquals(8, qkv.cols());  // d inputs
            stored = qkv.tensor().toFloats();
            List<Layer> all = List.copyOf(layers.values());
            outcome = Compressor.quantize(all, Allocations.allocateBits(all, o), o);
            SafetensorsOutput.write(cp, outcome.edits(), Map.of(), out);
        }
        LayerEdit.Quantized q = outcome.edits().stream().filter(e -> e.layer().name().endsWith("c_attn.weight"))
                .map(LayerEdit.Quantized.class::cast).findFirst().orElseThrow();
        // symmetric int8 per output channel: scale_j = max_i |W[i][j]| / 127 over the stored [8, 24] matrix's column j
        for (int j = 0; j < 24; j++) {
            double max = 0;
            for (int i = 0; i < 8; i++) {
                max = Math.max(max, Math.abs(stored[i * 24 + j]));
            }
            assertEquals(max / 127, q.q().scales()[j], 1e-7 * max, "column " + j);
        }
        try (Checkpoint b = Checkpoints.open(out)) {
            assertFalse(b.tensor("lm_head.weight").isPresent());
            assertEquals("transformer.wte.weight", b.metadata().get(SafetensorsOutput.TIED_KEY_PREFIX + "lm_head.weight"));
            assertTrue(b.tensor("transformer.wte.weight").isPresent());
        }
    }

    @Test
    void fp16WeightsBehindACastAreFoundWithTheMatMulsOrientation() {
        try (Checkpoint cp = Checkpoints.open(fixture("fp16_cast.onnx"))) {
            Layer w = byName(LayerFinder.find(cp)).get("w_fp16");
            assertTrue(w.storedInOut());
            assertEquals(6, w.rows());
            assertEquals(8, w.cols());
            assertEquals("MatMul", w.consumer());
            assertTrue(byName(LayerFinder.lookupTables(cp)).containsKey("emb_fp16"));
        }
    }

    @Test
    void stridedPyTorchViewsAreCompressedToo() {
        // views.pt (loupe-core fixtures): 'transposed' = base.t(), 'every_other' = base[:, ::2], both strided
        try (Checkpoint cp = Checkpoints.open(Path.of("../loupe-core/src/test/resources/pytorch/views.pt"))) {
            Map<String, Layer> layers = byName(LayerFinder.find(cp));
            assertTrue(layers.containsKey("transposed"), layers.keySet().toString());
            assertTrue(layers.containsKey("every_other"), layers.keySet().toString());
        }
    }
}
