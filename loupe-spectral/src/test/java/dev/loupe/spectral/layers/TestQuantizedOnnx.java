package dev.loupe.spectral.layers;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.spectral.result.LayerKind;
import dev.loupe.spectral.result.SkippedTensor;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Integer ONNX weights are analyzed as the matrices the model multiplies by. The fixture
 * ({@code quant/make_quantized_onnx.py}) holds small hand-picked integers; the expected matrices are
 * W = (q − zp)·scale worked out by hand below.
 */
class TestQuantizedOnnx {
    static Path fixture() throws URISyntaxException {
        return Path.of(TestQuantizedOnnx.class.getResource("/quant/quantized_tiny.onnx").toURI());
    }

    @Test
    void dequantizesEveryPatternExactly() throws Exception {
        try (Checkpoint cp = Checkpoints.open(fixture())) {
            Discovery d = LayerDiscovery.discover(cp, ConvMode.SLICES);
            Map<String, WeightMatrix> by = d.matrices().stream()
                    .collect(Collectors.toMap(WeightMatrix::name, Function.identity()));
            assertEquals(3, by.size(), by.keySet().toString());

            // DequantizeLinear, per column: scale {0.5, 0.25, 2, 1}, zero point {1, 0, -2, 3}
            WeightMatrix dense = by.get("dense");
            assertEquals("in,out", dense.orientation());
            assertEquals("MatMul", dense.consumer());
            assertArrayEquals(new float[]{
                    0, -0.5f, 10, 1,
                    2, 1.5f, -10, 5,
                    -5, 2.5f, 26, -15}, dense.toFloats());
            assertTrue(dense.notes().get(0).startsWith("dequantized I8 weights via DequantizeLinear"), dense.notes().get(0));
            assertTrue(dense.notes().get(0).contains("per-axis (axis 1, 4 scales)"), dense.notes().get(0));

            // MatMulInteger + Mul(activation scale, weight scale {0.125, 3}), zero point {0, 1}
            WeightMatrix proj = by.get("proj");
            assertEquals("MatMulInteger", proj.consumer());
            assertEquals("in,out", proj.orientation());
            assertArrayEquals(new float[]{
                    0.25f, -6,
                    0, 9,
                    0.875f, 6,
                    -0.625f, 15}, proj.toFloats());

            // Gather + DequantizeLinear, per tensor: scale 0.1, zero point 128 (uint8)
            WeightMatrix emb = by.get("emb");
            assertEquals(LayerKind.EMBEDDING, emb.kind());
            float[] q = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 255};
            float[] want = new float[q.length];
            for (int i = 0; i < q.length; i++) {
                want[i] = (q[i] - 128f) * 0.1f; // ONNX: (x − zp)·scale in float32
            }
            assertArrayEquals(want, emb.toFloats());
            assertTrue(emb.notes().get(0).contains("per-tensor"), emb.notes().get(0));

            // the scales and zero points are listed, named after their weight, not silently dropped
            Map<String, SkippedTensor> skipped = d.skipped().stream()
                    .collect(Collectors.toMap(SkippedTensor::tensor, Function.identity()));
            assertEquals(6, skipped.size(), skipped.keySet().toString());
            assertEquals("quantization parameter of 'onnx::MatMul_9_quantized'",
                    skipped.get("onnx::MatMul_9_scale").reason());
        }
    }
}
