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
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.graph.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quantized graph (int8 initializer + DequantizeLinear, or Cast/Sub/Mul, or MatMulNBits at 4 bits) must compute in ONNX Runtime what
 * the same model computes with the dequantized floats written in place of the weights: two different graphs,
 * one answer. The fixture has the three weight layouts (Conv [out,in,kh,kw], Gemm transB=1, MatMul [in,out]);
 * made by make_tiny_onnx.py next to it.
 */
class TestOnnxOutputLayouts {
    @TempDir
    Path dir;

    private Path fixture() throws Exception {
        Path p = dir.resolve("tiny.onnx");
        try (var in = getClass().getResourceAsStream("/dev/loupe/compress/tiny-opset13.onnx")) {
            Files.copy(in, p);
        }
        return p;
    }

    private static float[][] run(Path model, float[][][][] x) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model.toString(), new OrtSession.SessionOptions());
             OnnxTensor t = OnnxTensor.createTensor(env, x);
             OrtSession.Result r = s.run(Map.of("x", t))) {
            return (float[][]) r.get(0).getValue();
        }
    }

    @Test
    void everyLayoutAndPathMatchesTheDequantizedFloats() throws Exception {
        Path src = fixture();
        Random rnd = new Random(4);
        float[][][][] x = new float[3][1][6][6];
        for (float[][][] a : x) {
            for (float[] row : a[0]) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = (float) rnd.nextGaussian();
                }
            }
        }
        float[][] original = run(src, x);
        double scale = 0;
        for (float[] row : original) {
            for (float v : row) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (long opset : new long[] {13, 11}) { // 11: take the Cast/Mul path (valid in a 13 model too)
            for (int group : new int[] {QuantSpec.PER_CHANNEL, QuantSpec.PER_TENSOR}) {
                for (boolean sym : new boolean[] {true, false}) {
                    for (int bits : new int[] {8, 4}) {
                        QuantOptions o = new QuantOptions(bits, AllocationMethod.UNIFORM, group, sym, 0, 2, 8, 0);
                        List<LayerEdit> edits;
                        try (Checkpoint cp = Checkpoints.open(src)) {
                            List<Layer> layers = LayerFinder.find(cp);
                            assertEquals(List.of("Conv", "Gemm", "MatMul"), layers.stream().map(Layer::consumer).toList());
                            edits = Compressor.quantize(layers, Allocations.allocateBits(layers, o), o).edits();
                        }
                        String tag = opset + "-" + group + "-" + sym + "-" + bits;
                        Path q = dir.resolve("q" + tag + ".onnx");
                        OnnxOutput.write(src, opset, edits, q);
                        List<LayerEdit> floats = new ArrayList<>();
                        for (LayerEdit e : edits) {
                            floats.add(new LayerEdit.Dense(e.layer(), ((LayerEdit.Quantized) e).q().dequantize()));
                        }
                        Path d = dir.resolve("d" + tag + ".onnx");
                        OnnxOutput.write(src, opset, floats, d);
                        try (Checkpoint cp = Checkpoints.open(q)) {
                            List<String> ops = cp.graph().orElseThrow().nodes().stream().map(Node::opType).toList();
                            boolean dq = group == QuantSpec.PER_TENSOR || opset >= 13;
                            // at 4 bits the Gemm and MatMul weights go to MatMulNBits (TestNBitsOutput); the Conv stays
                            int nbits = bits <= 4 ? 2 : 0;
                            assertEquals(3 - nbits, ops.stream().filter(dq ? "DequantizeLinear"::equals : "Cast"::equals).count(), tag);
                            assertEquals(nbits, ops.stream().filter("MatMulNBits"::equals).count(), tag);
                        }
                        float[][] yq = run(q, x);
                        float[][] yd = run(d, x);
                        for (int n = 0; n < yq.length; n++) {
                            for (int k = 0; k < yq[n].length; k++) {
                                assertEquals(yd[n][k], yq[n][k], 1e-4 * (1 + Math.abs(yd[n][k])), tag);
                                // and near the original at 8 bits per channel (weights within half a step: ~1% of the outputs' range)
                                if (bits == 8 && group == QuantSpec.PER_CHANNEL) {
                                    assertEquals(original[n][k], yq[n][k], 0.02 * scale, tag);
                                }
                            }
                        }
                        assertTrue(Files.size(q) < Files.size(src), tag);
                    }
                }
            }
        }
    }
}
