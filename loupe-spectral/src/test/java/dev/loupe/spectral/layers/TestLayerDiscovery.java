package dev.loupe.spectral.layers;

import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.spectral.result.LayerKind;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestLayerDiscovery {
    static Tensor tensor(String name, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        MemorySegment seg = Arena.ofAuto().allocate(4 * n);
        return Tensor.contiguous(name, DType.F32, shape, seg, Path.of("x"));
    }

    @Test
    void rolesShapesAndWeightWatcherNotes() {
        WeightMatrix conv = LayerDiscovery.describe(tensor("conv1.weight", 16, 1, 5, 5), null, ConvMode.SLICES);
        assertEquals("conv1", conv.name());
        assertEquals(LayerKind.CONV2D, conv.kind());
        assertEquals(16, conv.N());
        assertEquals(1, conv.M());
        assertEquals(25, conv.rf());
        assertEquals(25, conv.numEvals());
        assertTrue(conv.notes().isEmpty());

        WeightMatrix small = LayerDiscovery.describe(tensor("c.weight", 16, 1, 3, 3), null, ConvMode.SLICES);
        assertTrue(small.notes().get(0).contains("min_evals"), small.notes().toString());

        WeightMatrix flat = LayerDiscovery.describe(tensor("c.weight", 32, 16, 3, 3), null, ConvMode.FLATTEN);
        assertEquals(LayerKind.CONV_FLAT, flat.kind());
        assertEquals(144, flat.cols());
        assertEquals(1, flat.rf());

        WeightMatrix emb = LayerDiscovery.describe(tensor("model.embed_tokens.weight", 32000, 16), null, ConvMode.SLICES);
        assertEquals(LayerKind.EMBEDDING, emb.kind());
        assertTrue(emb.notes().isEmpty(), "WeightWatcher analyzes 32000x16: " + emb.notes());
        WeightMatrix big = LayerDiscovery.describe(tensor("model.embed_tokens.weight", 50001, 2), null, ConvMode.SLICES);
        assertTrue(big.notes().stream().anyMatch(s -> s.contains("max_N")), big.notes().toString());
        assertEquals(LayerKind.LM_HEAD,
                LayerDiscovery.describe(tensor("lm_head.weight", 32000, 4096), null, ConvMode.SLICES).kind());
    }

    @Test
    void onnxConsumersSetOrientationAndNames() {
        Node mm = new Node("/encoder/layer.0/attention/self/query/MatMul", "MatMul", "", List.of("x", "onnx::MatMul_1"),
                List.of("y"), Map.of());
        WeightMatrix w = LayerDiscovery.describe(tensor("onnx::MatMul_1", 384, 1536), mm, ConvMode.SLICES);
        assertEquals("in,out", w.orientation());
        assertEquals("encoder/layer.0/attention/self/query", w.name());
        Node gemm = new Node("g", "Gemm", "", List.of("x", "W"), List.of("y"), Map.of("transB", 1L));
        assertEquals("out,in", LayerDiscovery.describe(tensor("W", 10, 20), gemm, ConvMode.SLICES).orientation());
        Node gather = new Node("e", "Gather", "", List.of("E", "ids"), List.of("y"), Map.of());
        assertEquals(LayerKind.EMBEDDING, LayerDiscovery.describe(tensor("E", 100, 8), gather, ConvMode.SLICES).kind());
    }
}
