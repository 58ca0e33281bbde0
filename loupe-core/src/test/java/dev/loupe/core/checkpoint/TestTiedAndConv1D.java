package dev.loupe.core.checkpoint;

import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What real GPT-2 checkpoints exposed: torch.save writes tied lm_head/wte once, and Conv1D weights are
 * [in, out]. The fixture and torch's own account of it (data_ptr ties, unique parameter count) are made by
 * fixtures/realmodels/make_realmodel_fixtures.py.
 */
class TestTiedAndConv1D {
    private static final Path GPT2 = Path.of("../fixtures/realmodels/gpt2_tiny.pt").toAbsolutePath().normalize();
    private static final Path ONNX = Path.of("../fixtures/realmodels/fp16_cast.onnx").toAbsolutePath().normalize();

    @Test
    void tiedNamesAreTheOnesTorchReportsAndCountOnce() {
        try (Checkpoint cp = Checkpoints.open(GPT2)) {
            Map<String, String> tied = TiedTensors.find(cp.tensors());
            // gpt2_tiny.pt.json: {"tied": {"lm_head.weight": "transformer.wte.weight"}, "unique_parameters": 1064}
            assertEquals(Map.of("lm_head.weight", "transformer.wte.weight"), tied);
            long unique = cp.tensors().stream().filter(t -> !tied.containsKey(t.name())).mapToLong(Tensor::numel).sum();
            assertEquals(1064, unique);
            assertEquals(1192, cp.parameterCount());
        }
    }

    @Test
    void viewsOfOneStorageWithDifferentOffsetsAreNotTied() {
        // shared.pt: a = arange(12).view(3, 4), b = arange(12)[4:10].view(2, 3): one storage, different views
        try (Checkpoint cp = Checkpoints.open(Path.of("src/test/resources/pytorch/shared.pt"))) {
            assertTrue(TiedTensors.find(cp.tensors()).isEmpty());
        }
    }

    @Test
    void conv1dWeightsAreRecognizedByTheFusedProjectionShape() {
        try (Checkpoint cp = Checkpoints.open(GPT2)) {
            assertEquals(Set.of("transformer.h.0.attn.c_attn.weight", "transformer.h.0.attn.c_proj.weight",
                    "transformer.h.0.mlp.c_fc.weight", "transformer.h.0.mlp.c_proj.weight"), Conv1DLayout.inOutTensors(cp));
        }
        try (Checkpoint cp = Checkpoints.open(ONNX)) {
            assertTrue(Conv1DLayout.inOutTensors(cp).isEmpty(), "a graph says how weights are read");
        }
    }

    @Test
    void castChainsLeadBackToTheirInitializer() {
        try (Checkpoint cp = Checkpoints.open(ONNX)) {
            Map<String, String> aliases = cp.graph().orElseThrow().castAliases();
            assertEquals(Map.of("emb", "emb_fp16", "w", "w_fp16"), aliases);
            assertFalse(aliases.containsKey("y"));
        }
    }
}
