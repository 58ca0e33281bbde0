package dev.loupe.compress.write;

import dev.loupe.compress.allocate.AllocationMethod;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.loupe.compress.engine.Allocations;
import dev.loupe.compress.engine.Compressor;
import dev.loupe.compress.engine.QuantOptions;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.layers.LayerFinder;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.onnx.OnnxWriter;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MatMulNBits outputs must compute in ONNX Runtime what the same model computes with the dequantized floats
 * written in place of the weights: if the packing, block, scale or zero-point layout were off by anything,
 * the two would differ by far more than rounding. The fixture (make_nbits_onnx.py next to it) has a 3-D
 * MatMul with K = 100, Gemm with transB = 1 and a bias, Gemm with transB = 0, one weight read by two
 * MatMuls, and a Gemm with alpha = 0.5 that must stay on DequantizeLinear.
 */
class TestNBitsOutput {
    @TempDir
    Path dir;

    private Path fixture(String name) throws Exception {
        Path p = dir.resolve(name);
        try (var in = getClass().getResourceAsStream("/dev/loupe/compress/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    private static float[][] run(Path model, float[][][] x) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model.toString(), so);
                 OnnxTensor t = OnnxTensor.createTensor(env, x);
                 OrtSession.Result r = s.run(Map.of("x", t))) {
                return (float[][]) r.get(0).getValue();
            }
        }
    }

    @Test
    void everyBitsGroupAndSymmetryMatchesTheDequantizedFloats() throws Exception {
        Path src = fixture("nbits-opset13.onnx");
        Random rnd = new Random(11);
        float[][][] x = new float[2][3][100];
        for (float[][] a : x) {
            for (float[] row : a) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = (float) rnd.nextGaussian();
                }
            }
        }
        int cases = 0;
        for (int bits : new int[] {2, 3, 4, 5, 8}) {
            for (boolean sym : new boolean[] {true, false}) {
                for (int group : new int[] {QuantSpec.PER_CHANNEL, QuantSpec.PER_TENSOR, 16, 32, 48}) {
                    String tag = bits + "-" + sym + "-" + group;
                    QuantOptions o = new QuantOptions(bits, AllocationMethod.UNIFORM, group, sym, 0, 2, 8, 0);
                    List<LayerEdit> edits;
                    int expectNBits = 0;
                    try (Checkpoint cp = Checkpoints.open(src)) {
                        List<Layer> layers = new ArrayList<>(LayerFinder.find(cp));
                        assertEquals(List.of("w1", "w2", "w3", "w4", "w5"), layers.stream().map(Layer::name).toList());
                        QuantSpec spec = new QuantSpec(bits, sym, group);
                        assertFalse(NBitsRewrite.fits(cp, layers.getLast(), spec), "alpha = 0.5");
                        if (group > 0) {
                            layers.removeLast(); // group-wise has no DequantizeLinear form: as with --skip
                        }
                        for (Layer l : layers) {
                            if (OnnxOutput.usesNBits(cp, l, spec)) {
                                expectNBits += cp.graph().orElseThrow().consumersOf(l.name()).size();
                            }
                        }
                        edits = Compressor.quantize(layers, Allocations.allocateBits(layers, o), o).edits();
                    }
                    // at most 4 bits: every MatMul/Gemm but the alpha one (5 nodes: w4 has two readers); 5..8 bits only
                    // where the group is shorter than the row (K = 100, 24, 20, 18 for w1..w4)
                    int groupWise = group == 16 ? 5 : group > 16 ? 1 : 0;
                    assertEquals(bits <= 4 ? 5 : groupWise, expectNBits, tag);
                    Path q = dir.resolve("q" + tag + ".onnx");
                    OnnxOutput.write(src, 13, edits, q);
                    List<LayerEdit> floats = new ArrayList<>();
                    for (LayerEdit e : edits) {
                        floats.add(new LayerEdit.Dense(e.layer(), ((LayerEdit.Quantized) e).q().dequantize()));
                    }
                    Path d = dir.resolve("d" + tag + ".onnx");
                    OnnxOutput.write(src, 13, floats, d);
                    try (Checkpoint cp = Checkpoints.open(q)) {
                        List<String> ops = cp.graph().orElseThrow().nodes().stream().map(Node::opType).toList();
                        assertEquals(expectNBits, ops.stream().filter("MatMulNBits"::equals).count(), tag);
                        if (expectNBits > 0) {
                            assertTrue(cp.metadata().get("opset_import").contains("com.microsoft:1"), tag);
                            assertTrue(cp.metadata().get("opset_import").contains("ai.onnx:13"), tag);
                        }
                    }
                    float[][] yq = run(q, x);
                    float[][] yd = run(d, x);
                    double scale = 0;
                    for (float[] row : yd) {
                        for (float v : row) {
                            scale = Math.max(scale, Math.abs(v));
                        }
                    }
                    for (int n = 0; n < yq.length; n++) {
                        for (int k = 0; k < yq[n].length; k++) {
                            assertEquals(yd[n][k], yq[n][k], 1e-4 * scale, tag + " [" + n + "," + k + "]");
                        }
                    }
                    cases++;
                }
            }
        }
        assertEquals(50, cases);
    }

    @Test
    void perChannelFourBitsPicksTheSmallestBlocksAndShrinksTheFile() throws Exception {
        Path src = fixture("nbits-opset13.onnx");
        long[] size = new long[9];
        for (int bits : new int[] {4, 8}) {
            QuantOptions o = new QuantOptions(bits, AllocationMethod.UNIFORM, QuantSpec.PER_CHANNEL, true, 0, 2, 8, 0);
            Path q = dir.resolve("s" + bits + ".onnx");
            try (Checkpoint cp = Checkpoints.open(src)) {
                List<Layer> layers = LayerFinder.find(cp);
                OnnxOutput.write(src, 13, Compressor.quantize(layers, Allocations.allocateBits(layers, o), o).edits(), q);
            }
            size[bits] = Files.size(q);
            if (bits == 4) {
                try (Checkpoint cp = Checkpoints.open(q)) {
                    // bytes per row = blocks·(block/2 + 4): K = 100 → 1 block of 128 (68 B; 64 → 2·36 = 72);
                    // K = 24, 20, 18 → 1 block of 32 (20 B; 16 → 2·12 = 24)
                    assertEquals(List.of(24L, 1L, 64L), shape(cp, "w1_quantized"));
                    assertEquals(List.of(24L), shape(cp, "w1_scale")); // [N·k_blocks], flat
                    assertEquals(List.of(20L, 1L, 16L), shape(cp, "w2_quantized"));
                    assertEquals(List.of(18L, 1L, 16L), shape(cp, "w3_quantized"));
                    assertEquals(List.of(18L, 1L, 16L), shape(cp, "w4_quantized"));
                    assertTrue(cp.tensor("w1_zero_point").isEmpty(), "symmetric: the operator's default zero point");
                }
            }
        }
        // int8: w1..w4 codes 2400 + 480 + 360 + 324 = 3564 B, + (1 + 4)·(24 + 20 + 18 + 18) = 400 B scales and zeros;
        // 4-bit: codes 24·64 + 3·(20 + 18 + 18)... = 1536 + 56·16 = 2432 B, scales 4·80 = 320 B: 1212 B fewer,
        // less the longer node records (MatMulNBits attributes vs DequantizeLinear's)
        long saved = size[8] - size[4];
        assertTrue(saved > 1212 - 400 && saved <= 1212, "saved " + saved);
    }

    private static List<Long> shape(Checkpoint cp, String name) {
        return java.util.Arrays.stream(cp.tensor(name).orElseThrow().shape()).boxed().toList();
    }

    @Test
    void lowRankCorrectionMatchesTheReconstructedFloatsAndBeatsPlainCodes() throws Exception {
        Path src = fixture("nbits-opset13.onnx");
        float[][][] x = new float[2][3][100];
        Random rnd = new Random(12);
        for (float[][] a : x) {
            for (float[] row : a) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = (float) rnd.nextGaussian();
                }
            }
        }
        float[][] original = run(src, x);
        for (int bits : new int[] {2, 4, 8}) {
            for (boolean sym : new boolean[] {true, false}) {
                String tag = bits + "-" + sym;
                QuantOptions o = new QuantOptions(bits, AllocationMethod.UNIFORM, 16, sym, 0, 2, 8, 3);
                List<LayerEdit> edits;
                try (Checkpoint cp = Checkpoints.open(src)) {
                    List<Layer> layers = new ArrayList<>(LayerFinder.find(cp));
                    layers.removeLast(); // the alpha = 0.5 Gemm has no MatMulNBits form
                    edits = Compressor.quantize(layers, Allocations.allocateBits(layers, o), o).edits();
                }
                Path q = dir.resolve("lr" + tag + ".onnx");
                OnnxOutput.write(src, 13, edits, q);
                List<LayerEdit> recon = new ArrayList<>();
                List<LayerEdit> plain = new ArrayList<>();
                for (LayerEdit e : edits) {
                    LayerEdit.Quantized qe = (LayerEdit.Quantized) e;
                    recon.add(new LayerEdit.Dense(e.layer(), qe.reconstructed()));
                    plain.add(new LayerEdit.Dense(e.layer(), qe.q().dequantize()));
                }
                Path d = dir.resolve("lrd" + tag + ".onnx");
                OnnxOutput.write(src, 13, recon, d);
                Path p = dir.resolve("lrp" + tag + ".onnx");
                OnnxOutput.write(src, 13, plain, p);
                try (Checkpoint cp = Checkpoints.open(q)) {
                    List<String> ops = cp.graph().orElseThrow().nodes().stream().map(Node::opType).toList();
                    // 5 readers of w1..w4, each: MatMulNBits, two MatMuls, an Add
                    assertEquals(5, ops.stream().filter("MatMulNBits"::equals).count(), tag);
                    assertEquals(10, ops.stream().filter("MatMul"::equals).count(), tag);
                    assertEquals(List.of(100L, 3L), shape(cp, "w1_lowrank_b"));
                    assertEquals(List.of(3L, 24L), shape(cp, "w1_lowrank_a"));
                }
                float[][] yq = run(q, x);
                float[][] yd = run(d, x);
                float[][] yp = run(p, x);
                double scale = 0;
                double errLowRank = 0;
                double errPlain = 0;
                for (int n = 0; n < yd.length; n++) {
                    for (int k = 0; k < yd[n].length; k++) {
                        scale = Math.max(scale, Math.abs(yd[n][k]));
                        errLowRank += Math.pow(yq[n][k] - original[n][k], 2);
                        errPlain += Math.pow(yp[n][k] - original[n][k], 2);
                    }
                }
                for (int n = 0; n < yq.length; n++) {
                    for (int k = 0; k < yq[n].length; k++) {
                        assertEquals(yd[n][k], yq[n][k], 1e-4 * scale, tag + " [" + n + "," + k + "]");
                    }
                }
                assertTrue(errLowRank < errPlain, tag + ": " + errLowRank + " vs " + errPlain);
            }
        }
    }

    @Test
    void lowRankOnALayerWithoutTheNBitsFormIsRefused() throws Exception {
        Path src = fixture("nbits-opset13.onnx");
        QuantOptions o = new QuantOptions(4, AllocationMethod.UNIFORM, QuantSpec.PER_CHANNEL, true, 0, 2, 8, 2);
        try (Checkpoint cp = Checkpoints.open(src)) {
            List<Layer> layers = LayerFinder.find(cp);
            List<LayerEdit> edits = Compressor.quantize(layers, Allocations.allocateBits(layers, o), o).edits();
            LoupeException e = assertThrows(LoupeException.class, () -> OnnxOutput.write(src, 13, edits, dir.resolve("x.onnx")));
            assertTrue(e.getMessage().contains("'w5'") && e.getMessage().contains("--lowrank"), e.getMessage());
        }
        assertFalse(Files.exists(dir.resolve("x.onnx")));
    }

    @Test
    void ortOneTwentyThreeRefusesTwoBitMatMulNBitsWhichIsWhy2And3BitCodesUseTheFourBitContainer() throws Exception {
        // a well-formed bits = 2 node for w1 (K = 100, N = 24, one block of 128: 32 bytes per row). If this starts to
        // run, ONNX Runtime has gained 2-bit kernels and 2-bit codes could be packed four to a byte.
        Path src = fixture("nbits-opset13.onnx");
        Path out = dir.resolve("two-bit.onnx");
        OnnxWriter.edit(src).remove("w1")
                .add("w1_quantized", DType.U8, new long[] {24, 1, 32}, MemorySegment.ofArray(new byte[24 * 32]))
                .add("w1_scale", DType.F32, new long[] {24}, MemorySegment.ofArray(new float[24]))
                .requireOpset("com.microsoft", 1)
                .replaceNode("h1", List.of(new Node("mm1", "MatMulNBits", "com.microsoft", List.of("x", "w1_quantized", "w1_scale"),
                        List.of("h1"), Map.of("K", 100L, "N", 24L, "bits", 2L, "block_size", 128L))))
                .write(out);
        OrtException e = assertThrows(OrtException.class, () -> run(out, new float[1][3][100]));
        assertTrue(e.getMessage().contains("4b and 8b"), e.getMessage());
    }

    @Test
    void groupWiseOnALayerThatCannotTakeItIsRefused() throws Exception {
        Path src = fixture("nbits-opset13.onnx");
        QuantOptions o = new QuantOptions(4, AllocationMethod.UNIFORM, 16, true, 0, 2, 8, 0);
        try (Checkpoint cp = Checkpoints.open(src)) {
            List<Layer> layers = LayerFinder.find(cp);
            QuantSpec spec = new QuantSpec(4, true, 16);
            LoupeException e = assertThrows(LoupeException.class, () -> OnnxOutput.requireForm(cp, layers.getLast(), spec));
            assertTrue(e.getMessage().contains("'w5'"), e.getMessage());
            List<LayerEdit> edits = Compressor.quantize(layers, Allocations.allocateBits(layers, o), o).edits();
            assertThrows(LoupeException.class, () -> OnnxOutput.write(src, 13, edits, dir.resolve("x.onnx")));
        }
        assertFalse(Files.exists(dir.resolve("x.onnx")));
    }
}
