package dev.loupe.spectral.layers;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.spectral.result.LayerKind;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layer discovery on the structures real checkpoints have (fixtures/realmodels, made by its script). */
class TestRealModelLayouts {
    private static Path fixture(String name) {
        return Path.of("../fixtures/realmodels", name).toAbsolutePath().normalize();
    }

    @Test
    void gpt2TiedHeadIsAnalyzedOnceAndConv1DIsInOut() {
        try (Checkpoint cp = Checkpoints.open(fixture("gpt2_tiny.pt"))) {
            Discovery d = LayerDiscovery.discover(cp, ConvMode.SLICES);
            Map<String, WeightMatrix> byTensor = d.matrices().stream()
                    .collect(Collectors.toMap(m -> m.tensor().name(), Function.identity()));
            assertFalse(byTensor.containsKey("lm_head.weight"), "tied to transformer.wte.weight");
            assertTrue(d.skipped().stream().anyMatch(s -> s.tensor().equals("lm_head.weight")
                    && s.reason().contains("transformer.wte.weight")), d.skipped().toString());
            // wte, wpe and the four Conv1D projections; the bool mask attn.bias is not a weight
            assertEquals(6, d.matrices().size(), byTensor.keySet().toString());
            for (String w : List.of("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj")) {
                assertEquals("in,out", byTensor.get("transformer.h.0." + w + ".weight").orientation(), w);
            }
            assertEquals("vocab,hidden", byTensor.get("transformer.wte.weight").orientation());
        }
    }

    @Test
    void fp16WeightsReadThroughCastTakeTheirRoleFromTheOpBehindTheCast() {
        try (Checkpoint cp = Checkpoints.open(fixture("fp16_cast.onnx"))) {
            Map<String, WeightMatrix> byTensor = LayerDiscovery.discover(cp, ConvMode.SLICES).matrices().stream()
                    .collect(Collectors.toMap(m -> m.tensor().name(), Function.identity()));
            WeightMatrix w = byTensor.get("w_fp16");
            assertEquals("MatMul", w.consumer());
            assertEquals("in,out", w.orientation());
            assertEquals(LayerKind.DENSE, w.kind());
            assertEquals(LayerKind.EMBEDDING, byTensor.get("emb_fp16").kind());
        }
    }
}
