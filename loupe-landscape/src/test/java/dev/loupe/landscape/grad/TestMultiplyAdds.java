package dev.loupe.landscape.grad;

import dev.loupe.landscape.TinyMlp;
import dev.loupe.landscape.engine.ParameterizedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Multiply-add counts against hand-worked ones (products per sample × forward products of each layer's tangent). */
class TestMultiplyAdds {
    @TempDir
    Path dir;

    @Test
    void mlpFirstLayerCostsTwoProductsAndHiddenLayerSix() throws Exception {
        try (ParameterizedModel m = ParameterizedModel.open(new TinyMlp(1).write(dir))) {
            MultiplyAdds.Counts c = MultiplyAdds.of(m).orElseThrow();
            // Gemm 4→3 on the data: 12, tangent Ḃ·x and dẎ·xᵀ: 2·12; MatMul 3→2 on a hidden value: 6, tangent 6·6
            assertEquals(12 + 6, c.forward());
            assertEquals(2 * 12 + 6 * 6, c.tangent());
        }
    }

    @Test
    void convolutionsCountOutputsTimesKernelVolume() throws Exception {
        // c_x [1, 2, 5, 6] fixed; conv a: 3×2×3×3, stride 2, pads 1 → [1, 3, 3, 3]; conv b: 4×3×2×2 → [1, 4, 2, 2]
        OpModel om = new OpModel(13, 3).constant("c_x", new float[60], 1, 2, 5, 6).weight("wa", -1, 1, 3, 2, 3, 3)
                .weight("wb", -1, 1, 4, 3, 2, 2)
                .node("Conv", Map.of("strides", new long[]{2, 2}, "pads", new long[]{1, 1, 1, 1}), "a", "c_x", "wa")
                .node("Conv", "h", "a", "wb");
        try (ParameterizedModel m = OpModel.open(om.write(dir, "convs"))) {
            MultiplyAdds.Counts c = MultiplyAdds.of(m).orElseThrow();
            long a = 3 * 3 * 3 * (2 * 3 * 3), b = 4 * 2 * 2 * (3 * 2 * 2);
            assertEquals(a + b, c.forward());
            assertEquals(2 * a + 6 * b, c.tangent());
        }
    }

    @Test
    void firstConvReluPoolChainCostsItsRouteProductsAndTheNextConvFour() throws Exception {
        // c_x [1, 1, 6, 6]; conv a 3×1×3×3 + bias, pads 1 → [1, 3, 6, 6]; Relu; MaxPool 2×2 → [1, 3, 3, 3]; conv b 2×3×3×3,
        // pads 1 → [1, 2, 3, 3]. Route: Q has O·P·J = 3·9·(9 + 1) entries per sample, one product forward, one back
        OpModel om = new OpModel(13, 3).constant("c_x", new float[36], 1, 1, 6, 6).weight("wa", -1, 1, 3, 1, 3, 3)
                .weight("ba", -1, 1, 3).weight("wb", -1, 1, 2, 3, 3, 3)
                .node("Conv", Map.of("pads", new long[]{1, 1, 1, 1}), "a", "c_x", "wa", "ba").node("Relu", "r", "a")
                .node("MaxPool", Map.of("kernel_shape", new long[]{2, 2}, "strides", new long[]{2, 2}), "p", "r")
                .node("Conv", Map.of("pads", new long[]{1, 1, 1, 1}), "h", "p", "wb");
        try (ParameterizedModel m = OpModel.open(om.write(dir, "route"))) {
            MultiplyAdds.Counts c = MultiplyAdds.of(m).orElseThrow();
            long a = 3 * 36 * 9, b = 2 * 9 * 27;
            assertEquals(a + b, c.forward());
            assertEquals(2 * 3 * 9 * 10 + 4 * b, c.tangent());
        }
    }

    @Test
    void pooledLayersTakeTheirRoutesFromTwiceTheDirectionsTheirMatricesHold() throws Exception {
        // c_x [1, 1, 8, 8]; conv a 4×1×3×3 + bias, pads 1 → [1, 4, 8, 8]; Relu; MaxPool 2×2 → [1, 4, 4, 4]; conv b 8×4×3×3 + bias,
        // pads 1 → [1, 8, 4, 4]; Relu; MaxPool 2×2 → [1, 8, 2, 2]. Second chain's Q: O·P/(H·W) = 8·4/16 = 2 im2col matrices,
        // so from 4 directions on; M [O₁·J₁ = 40, O₂·P₂ = 32] (40 ≤ 2·J₂ = 74)
        OpModel om = new OpModel(13, 3).constant("c_x", new float[64], 1, 1, 8, 8).weight("wa", -1, 1, 4, 1, 3, 3)
                .weight("ba", -1, 1, 4).weight("wb", -1, 1, 8, 4, 3, 3).weight("bb", -1, 1, 8)
                .node("Conv", Map.of("pads", new long[]{1, 1, 1, 1}), "a", "c_x", "wa", "ba").node("Relu", "r", "a")
                .node("MaxPool", Map.of("kernel_shape", new long[]{2, 2}, "strides", new long[]{2, 2}), "p", "r")
                .node("Conv", Map.of("pads", new long[]{1, 1, 1, 1}), "b", "p", "wb", "bb").node("Relu", "r2", "b")
                .node("MaxPool", Map.of("kernel_shape", new long[]{2, 2}, "strides", new long[]{2, 2}), "h", "r2");
        try (ParameterizedModel m = OpModel.open(om.write(dir, "pair"))) {
            long a = 4 * 64 * 9, b = 8 * 16 * 36;
            long single = 2 * 4 * 16 * 10 + 4 * b; // the first route's Q₁ products; the second conv: 6 products, 2 precontracted
            assertEquals(single, MultiplyAdds.of(m, 3).orElseThrow().tangent());
            long kernels = 2 * 8 * 4 * 37; // the second chain's Q: cols·Ẇ and dẎ·cols at pooled resolution
            long through = 2 * 40 * 8 * 4; // M forward and back, instead of Q₁'s two and the second conv's two input terms
            assertEquals(a + b, MultiplyAdds.of(m, 4).orElseThrow().forward());
            assertEquals(single - 2 * b + kernels - 2 * 4 * 16 * 10 - 2 * b + through, MultiplyAdds.of(m, 4).orElseThrow().tangent());
        }
    }
}
