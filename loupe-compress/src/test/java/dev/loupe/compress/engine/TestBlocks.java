package dev.loupe.compress.engine;

import dev.loupe.compress.layers.Layer;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TestBlocks {
    private static Layer layer(String name, String node) {
        Tensor t = Tensor.contiguous(name, DType.F32, new long[] {2, 2}, MemorySegment.ofArray(new byte[16]), null);
        return new Layer(t, 2, 2, false, "", node);
    }

    @Test
    void blockNumbersFromCommonNamings() {
        assertEquals("block 3", Blocks.of(layer("onnx::MatMul_1", "/encoder/layer.3/attention/self/query/MatMul")));
        assertEquals("block 12", Blocks.of(layer("model.layers.12.mlp.down_proj.weight", "")));
        assertEquals("block 7", Blocks.of(layer("transformer.h.7.attn.c_attn.weight", "")));
        assertEquals("block 5", Blocks.of(layer("blk.5.ffn_up.weight", "")));
        assertEquals("layer fc1.weight", Blocks.of(layer("fc1.weight", ""))); // no block: its own
        assertEquals("layer head.weight", Blocks.of(layer("head.weight", "/head/MatMul")));
    }

    @Test
    void blockWiseIsTheDefaultOnlyWhenEveryLayerIsInATransformerBlock() {
        java.util.List<Layer> blocks = java.util.List.of(layer("model.layers.0.q.weight", ""), layer("model.layers.1.q.weight", ""));
        java.util.List<Layer> mixed = java.util.List.of(layer("model.layers.0.q.weight", ""), layer("lm_head.weight", ""));
        for (Boolean asked : new Boolean[] {null, true, false}) {
            var o = new CompressRequest.Prune(0.5, dev.loupe.compress.Method.MAGNITUDE,
                    dev.loupe.compress.allocate.AllocationMethod.ALPHA, 0, 0, 0.3, asked);
            assertEquals(asked == null || asked, Allocations.blockWise(o, blocks, names(blocks)), "asked " + asked);
            assertEquals(asked != null && asked, Allocations.blockWise(o, mixed, names(mixed)), "asked " + asked);
        }
    }

    private static java.util.Map<String, String> names(java.util.List<Layer> layers) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        layers.forEach(l -> m.put(l.name(), Blocks.of(l)));
        return m;
    }
}
