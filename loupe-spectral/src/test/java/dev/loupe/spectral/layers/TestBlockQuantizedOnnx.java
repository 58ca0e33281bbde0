package dev.loupe.spectral.layers;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.onnx.OnnxWriter;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;
import dev.loupe.spectral.result.LayerKind;
import dev.loupe.spectral.result.SkippedTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * com.microsoft MatMulNBits / GatherBlockQuantized weights are analyzed as the matrices the operators compute with.
 * The model is quantized_tiny.onnx plus nodes whose packed bytes are written out below (ORT 1.23 layouts: codes low
 * nibble first, zero points packed per row of blocks, default 2^(bits−1)); the expected W are worked by hand.
 */
class TestBlockQuantizedOnnx {
    @TempDir
    Path dir;

    private static MemorySegment bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return MemorySegment.ofArray(b);
    }

    private static MemorySegment floats(float... v) {
        MemorySegment s = MemorySegment.ofArray(new byte[4 * v.length]);
        for (int i = 0; i < v.length; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), i, v[i]);
        }
        return s;
    }

    private static Node nbits(String name, List<String> in, String out, long k, long n, long bits, long block) {
        return new Node(name, "MatMulNBits", "com.microsoft", in, List.of(out),
                Map.of("K", k, "N", n, "bits", bits, "block_size", block, "accuracy_level", 0L));
    }

    private Path model() throws Exception {
        Path src = Path.of(TestBlockQuantizedOnnx.class.getResource("/quant/quantized_tiny.onnx").toURI());
        Path out = dir.resolve("nbits.onnx");
        OnnxWriter w = OnnxWriter.edit(src).requireOpset("com.microsoft", 1);
        // "fc": N = 2, K = 18, blocks of 16, 4 bits. Row 0: block 0 codes 0..15, block 1 codes 3, 9 then padding 7;
        // row 1: block 0 all 15, block 1 codes 1, 2 then padding 0
        w.add("fc.weight_quantized", DType.U8, new long[] {2, 2, 8}, bytes(
                0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE, 0x93, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77,
                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00));
        w.add("fc.weight_scale", DType.F32, new long[] {4}, floats(0.5f, 0.25f, 2f, -1f));
        w.add("fc.weight_zero_point", DType.U8, new long[] {2}, bytes(0x75, 0x3A)); // row 0: 5, 7; row 1: 10, 3
        w.add("fc.bias", DType.F32, new long[] {2}, floats(1f, 2f));
        w.addNode(nbits("/fc/MatMul", List.of("x", "fc.weight_quantized", "fc.weight_scale", "fc.weight_zero_point",
                "", "fc.bias"), "fc_y", 18, 2, 4, 16));
        // an exporter's anonymous initializer at 8 bits, no zero points (128): N = 2, K = 3, one block of 16
        w.add("onnx::MatMul_77_quantized", DType.U8, new long[] {2, 1, 16}, bytes(
                0, 128, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 130, 126, 128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        w.add("onnx::MatMul_77_scale", DType.F32, new long[] {2, 1}, floats(0.5f, 4f));
        w.addNode(nbits("/enc/layer.0/out/MatMul", List.of("x", "onnx::MatMul_77_quantized", "onnx::MatMul_77_scale"),
                "out_y", 3, 2, 8, 16));
        // a lookup table V = 2, H = 6, blocks of 4, zero points [V, 1]: row 0 codes 0..5, row 1 codes 15, 15, 0, 0, 15, 8
        w.add("tab.weight_quantized", DType.U8, new long[] {2, 3}, bytes(0x10, 0x32, 0x54, 0xFF, 0x00, 0x8F));
        w.add("tab.weight_scale", DType.F32, new long[] {2, 2}, floats(1f, 2f, 0.5f, 0.25f));
        w.add("tab.weight_zero_point", DType.U8, new long[] {2, 1}, bytes(0x21, 0x08)); // row 0: 1, 2; row 1: 8, 0
        w.addNode(new Node("/tab/Gather", "GatherBlockQuantized", "com.microsoft",
                List.of("tab.weight_quantized", "ids", "tab.weight_scale", "tab.weight_zero_point"), List.of("tab_y"),
                Map.of("gather_axis", 0L, "quantize_axis", 1L, "block_size", 4L, "bits", 4L)));
        // B of 2 blocks where K = 40 needs 3: not the layout the node declares, so not read as its weight
        w.add("bad_quantized", DType.U8, new long[] {2, 2, 8}, bytes(new int[32]));
        w.add("bad_scale", DType.F32, new long[] {6}, floats(1, 1, 1, 1, 1, 1));
        w.addNode(nbits("/bad/MatMul", List.of("x", "bad_quantized", "bad_scale"), "bad_y", 40, 2, 4, 16));
        w.write(out);
        return out;
    }

    @Test
    void packedWeightsAreAnalyzedDequantizedWithTheOperatorsOrientation() throws Exception {
        try (Checkpoint cp = Checkpoints.open(model())) {
            Discovery d = LayerDiscovery.discover(cp, ConvMode.SLICES);
            Map<String, WeightMatrix> by = d.matrices().stream()
                    .collect(Collectors.toMap(WeightMatrix::name, Function.identity()));
            assertEquals(List.of("dense", "emb", "enc/layer.0/out", "fc", "proj", "tab"), by.keySet().stream().sorted().toList());

            // Y = A·Wᵀ: W is [N out, K in] = 2 × 18, the padding past K dropped
            WeightMatrix fc = by.get("fc");
            assertEquals("out,in", fc.orientation());
            assertEquals("MatMulNBits", fc.consumer());
            assertEquals(LayerKind.DENSE, fc.kind());
            assertEquals(2, fc.rows());
            assertEquals(18, fc.cols());
            assertArrayEquals(new long[] {2, 18}, fc.shapeAnalyzed());
            float[] want = new float[36];
            for (int c = 0; c < 16; c++) {
                want[c] = (c - 5) * 0.5f;
                want[18 + c] = (15 - 10) * 2f;
            }
            want[16] = -1f; // (3 − 7)·0.25
            want[17] = 0.5f; // (9 − 7)·0.25
            want[34] = 2f; // (1 − 3)·−1
            want[35] = 1f; // (2 − 3)·−1
            assertArrayEquals(want, fc.toFloats());
            String note = fc.notes().get(0);
            assertTrue(note.startsWith("dequantized 4-bit codes via com.microsoft::MatMulNBits"), note);
            assertTrue(note.contains("blocks of 16") && note.contains("zero point per block"), note);

            WeightMatrix out = by.get("enc/layer.0/out");
            assertArrayEquals(new float[] {-64f, 0f, 63.5f, 8f, -8f, 0f}, out.toFloats()); // (q − 128)·{0.5, 4}
            assertTrue(out.notes().get(0).contains("8-bit") && out.notes().get(0).contains("zero point 128"), out.notes().toString());

            WeightMatrix tab = by.get("tab");
            assertEquals(LayerKind.EMBEDDING, tab.kind());
            assertEquals("vocab,hidden", tab.orientation());
            assertArrayEquals(new float[] {-1, 0, 1, 2, 4, 6, 3.5f, 3.5f, -4, -4, 3.75f, 2}, tab.toFloats());

            Map<String, String> skipped = d.skipped().stream()
                    .collect(Collectors.toMap(SkippedTensor::tensor, SkippedTensor::reason));
            for (String p : List.of("fc.weight_scale", "fc.weight_zero_point")) {
                assertEquals("quantization parameter of 'fc.weight_quantized'", skipped.get(p), p);
            }
            assertEquals("quantization parameter of 'onnx::MatMul_77_quantized'", skipped.get("onnx::MatMul_77_scale"));
            // a rank-2 float tensor, but the table's block scales, not a weight
            assertEquals("quantization parameter of 'tab.weight_quantized'", skipped.get("tab.weight_scale"));
            assertEquals("quantization parameter of 'tab.weight_quantized'", skipped.get("tab.weight_zero_point"));
            assertEquals("1-D (bias or norm)", skipped.get("fc.bias"));
            assertTrue(skipped.get("bad_quantized").startsWith("integer tensor with no dequantization"), skipped.get("bad_quantized"));
            assertTrue(skipped.containsKey("bad_scale"), Arrays.toString(skipped.keySet().toArray()));
        }
    }
}
