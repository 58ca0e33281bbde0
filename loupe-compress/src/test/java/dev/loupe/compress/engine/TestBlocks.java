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
}
