package dev.loupe.compress.write;

import dev.loupe.compress.allocate.AllocationMethod;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.loupe.compress.engine.Allocations;
import dev.loupe.compress.engine.Compressor;
import dev.loupe.compress.engine.QuantOptions;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.layers.LayerFinder;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.quantize.QuantizedMatrix;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.quant.OrtBlockQuant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GatherBlockQuantized (4-bit lookup tables): bytes packed by hand from the operator's schema, and ONNX Runtime's
 * output equal to the Gather of the dequantized floats. Fixture: make_gather_onnx.py next to it.
 */
class TestGatherNBits {
    @TempDir
    Path dir;

    @Test
    void asymmetricTwoRowsTwoBlocksByHand() {
        // 2 rows of H = 36 in groups of 32: blocks of 32, the second holds 4 codes (no padding between rows)
        int[] codes = new int[72];
        for (int i = 0; i < 36; i++) {
            codes[i] = i % 16;
            codes[36 + i] = 15 - i % 16;
        }
        QuantizedMatrix q = new QuantizedMatrix(new QuantSpec(4, false, 32), 2, 36, codes,
                new float[] {0.5f, 0.25f, 1f, 2f}, new int[] {3, 12, 0, 1}, null, null);
        MatMulNBitsLayout.Packed p = GatherNBitsRewrite.pack(q);
        assertEquals(32, p.block());
        assertEquals(2, p.kBlocks());
        byte[] row0 = {0x10, 0x32, 0x54, 0x76, (byte) 0x98, (byte) 0xBA, (byte) 0xDC, (byte) 0xFE};
        byte[] row1 = {(byte) 0xEF, (byte) 0xCD, (byte) 0xAB, (byte) 0x89, 0x67, 0x45, 0x23, 0x01};
        byte[] b = new byte[36];
        System.arraycopy(row0, 0, b, 0, 8);
        System.arraycopy(row0, 0, b, 8, 8);
        b[16] = 0x10; // codes 32, 33 = 0, 1
        b[17] = 0x32;
        System.arraycopy(row1, 0, b, 18, 8);
        System.arraycopy(row1, 0, b, 26, 8);
        b[34] = (byte) 0xEF;
        b[35] = (byte) 0xCD;
        assertArrayEquals(b, p.b());
        assertArrayEquals(new float[] {0.5f, 0.25f, 1f, 2f}, p.scales());
        // zero points two per byte, block 0 low: row 0 (3, 12) → 0xC3, row 1 (0, 1) → 0x10
        assertArrayEquals(new byte[] {(byte) 0xC3, 0x10}, p.zeroPoints());
        // the decoder `loupe inspect` reads these with gives back the quantized table
        assertArrayEquals(q.dequantize(), OrtBlockQuant.gatherBlockQuantized(p.b(), p.scales(), p.zeroPoints(), 2, 36, 4, 32));
        // a row scale is one block spanning the row: the next power of two
        assertEquals(64, GatherNBitsRewrite.blockSize(new QuantSpec(4, true, QuantSpec.PER_CHANNEL), 36));
        assertEquals(512, GatherNBitsRewrite.blockSize(new QuantSpec(4, true, QuantSpec.PER_CHANNEL), 384));
        // asymmetric codes need an even number of blocks per row (ORT 1.23 reads zero points as one flat array)
        assertEquals(256, GatherNBitsRewrite.blockSize(new QuantSpec(4, false, QuantSpec.PER_CHANNEL), 384));
        assertEquals(64, GatherNBitsRewrite.blockSize(new QuantSpec(4, false, 128), 384), "128: 3 blocks (odd); 64: 6");
        assertEquals(0, GatherNBitsRewrite.blockSize(new QuantSpec(4, false, QuantSpec.PER_CHANNEL), 16), "one block of 16 at most");
    }

    private static Map<String, float[]> run(Path model, long[][] ids, long[] ids2) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model.toString(), new OrtSession.SessionOptions());
             OnnxTensor a = OnnxTensor.createTensor(env, ids);
             OnnxTensor b = OnnxTensor.createTensor(env, ids2);
             OrtSession.Result r = s.run(Map.of("ids", a, "ids2", b))) {
            float[][][] y1 = (float[][][]) r.get(0).getValue();
            float[][] y2 = (float[][]) r.get(1).getValue();
            List<Float> flat = new ArrayList<>();
            for (float[][] m : y1) {
                for (float[] row : m) {
                    for (float v : row) {
                        flat.add(v);
                    }
                }
            }
            float[] f1 = new float[flat.size()];
            for (int i = 0; i < f1.length; i++) {
                f1[i] = flat.get(i);
            }
            float[] f2 = new float[y2.length * y2[0].length];
            for (int i = 0; i < y2.length; i++) {
                System.arraycopy(y2[i], 0, f2, i * y2[0].length, y2[0].length);
            }
            return Map.of("y1", f1, "y2", f2);
        }
    }

    @Test
    void ortGathersExactlyTheDequantizedRows() throws Exception {
        Path src = dir.resolve("gather.onnx");
        try (var in = getClass().getResourceAsStream("/dev/loupe/compress/gather-opset13.onnx")) {
            Files.copy(in, src);
        }
        long[][] ids = {{0, 9, 3}, {9, 5, 0}};
        long[] ids2 = {5, 0};
        for (int bits : new int[] {2, 3, 4, 8}) {
            for (boolean sym : new boolean[] {true, false}) {
                for (int group : new int[] {QuantSpec.PER_CHANNEL, QuantSpec.PER_TENSOR, 16, 32}) {
                    String tag = bits + "-" + sym + "-" + group;
                    QuantOptions o = new QuantOptions(bits, AllocationMethod.UNIFORM, group, sym, 0, 2, 8, 0);
                    List<LayerEdit> edits;
                    try (Checkpoint cp = Checkpoints.open(src)) {
                        List<Layer> tables = new ArrayList<>(LayerFinder.lookupTables(cp));
                        assertEquals(List.of("t1", "t2"), tables.stream().map(Layer::name).toList());
                        assertFalse(GatherNBitsRewrite.fits(cp, tables.get(1), new QuantSpec(4, sym, QuantSpec.PER_CHANNEL)),
                                "9 columns do not pack into whole bytes");
                        if (group > 0) {
                            tables.removeLast(); // no group-wise form for it: as with --skip
                        }
                        edits = Compressor.quantize(tables, Allocations.allocateBits(tables, o), o).edits();
                    }
                    Path q = dir.resolve("q" + tag + ".onnx");
                    // group-wise tables exist only as 4-bit GatherBlockQuantized; asymmetric ones need an even number of
                    // blocks per row: groups of 16 give ceil(40/16) = 3
                    boolean refused = group > 0 && (bits > 4 || (!sym && group == 16));
                    if (refused) {
                        List<LayerEdit> e = edits;
                        assertThrows(LoupeException.class, () -> OnnxOutput.write(src, 13, e, q), tag);
                        continue;
                    }
                    OnnxOutput.write(src, 13, edits, q);
                    Path d = dir.resolve("d" + tag + ".onnx");
                    OnnxOutput.write(src, 13, edits.stream().<LayerEdit>map(e -> new LayerEdit.Dense(e.layer(),
                            ((LayerEdit.Quantized) e).q().dequantize())).toList(), d);
                    try (Checkpoint cp = Checkpoints.open(q)) {
                        long n = cp.graph().orElseThrow().nodes().stream().map(Node::opType).filter("GatherBlockQuantized"::equals).count();
                        assertEquals(bits <= 4 ? 1 : 0, n, tag);
                    }
                    Map<String, float[]> yq = run(q, ids, ids2);
                    Map<String, float[]> yd = run(d, ids, ids2);
                    // the same float product (code − zero point)·scale on both sides: equal bit for bit
                    assertArrayEquals(yd.get("y1"), yq.get("y1"), tag);
                    assertArrayEquals(yd.get("y2"), yq.get("y2"), tag);
                }
            }
        }
    }

    @Test
    void fourBitTableIsAboutAnEighthOfItsFloats() throws Exception {
        Path src = dir.resolve("gather.onnx");
        try (var in = getClass().getResourceAsStream("/dev/loupe/compress/gather-opset13.onnx")) {
            Files.copy(in, src);
        }
        Path q = dir.resolve("q.onnx");
        QuantOptions o = new QuantOptions(4, AllocationMethod.UNIFORM, QuantSpec.PER_CHANNEL, true, 0, 2, 8, 0);
        try (Checkpoint cp = Checkpoints.open(src)) {
            List<Layer> t1 = LayerFinder.lookupTables(cp).subList(0, 1);
            OnnxOutput.write(src, 13, Compressor.quantize(t1, Allocations.allocateBits(t1, o), o).edits(), q);
        }
        try (Checkpoint cp = Checkpoints.open(q)) {
            // 10 rows: 20 code bytes and one 4-byte scale each
            assertEquals(200, cp.tensor("t1_quantized").orElseThrow().storedBytes().byteSize());
            assertEquals(40, cp.tensor("t1_scale").orElseThrow().storedBytes().byteSize());
            assertTrue(cp.tensor("t1_zero_point").isEmpty());
        }
        // 1,600 float bytes of t1 replaced by 240 (node and names aside)
        long saved = Files.size(src) - Files.size(q);
        assertTrue(saved > 1600 - 240 - 300 && saved <= 1600 - 240, "saved " + saved);
    }
}
