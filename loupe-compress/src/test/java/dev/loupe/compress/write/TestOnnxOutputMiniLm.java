package dev.loupe.compress.write;

import dev.loupe.compress.allocate.AllocationMethod;
import dev.loupe.compress.Method;
import dev.loupe.compress.engine.CompressRequest;
import java.util.Map;
import dev.loupe.compress.engine.Allocations;
import dev.loupe.compress.engine.Compressor;
import dev.loupe.compress.engine.QuantOptions;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.layers.LayerFinder;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.core.LoupeException;
import dev.loupe.core.bundled.BundledModels;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.graph.Node;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compressed MiniLM files must load and run in ONNX Runtime and stay close to the original's embeddings. */
class TestOnnxOutputMiniLm {
    @TempDir
    static Path dir;
    static Path model;
    static float[][] reference;

    @BeforeAll
    static void setUp() throws Exception {
        model = BundledModels.miniLm();
        reference = OrtRunner.embed(model);
    }

    @Test
    void findsTheSixBlocksMatMulWeights() {
        try (Checkpoint cp = Checkpoints.open(model)) {
            List<Layer> layers = LayerFinder.find(cp);
            // 6 blocks x (q, k, v, attention output, intermediate, output)
            assertEquals(36, layers.size());
            assertTrue(layers.stream().allMatch(l -> l.storedInOut() && l.consumer().equals("MatMul")));
            assertEquals(6 * (4 * 384 * 384 + 2 * 384 * 1536), layers.stream().mapToLong(Layer::params).sum());
        }
    }

    @Test
    void int8PerTensorRunsAndIsSmaller() throws Exception {
        Path out = dir.resolve("minilm-int8.onnx");
        QuantOptions o = new QuantOptions(8, AllocationMethod.UNIFORM, QuantSpec.PER_TENSOR, true, 0, 2, 8, 0);
        try (Checkpoint cp = Checkpoints.open(model)) {
            List<Layer> layers = LayerFinder.find(cp);
            OnnxOutput.write(model, 11, Compressor.quantize(layers, Allocations.allocateBits(layers, o), o).edits(), out);
        }
        try (Checkpoint q = Checkpoints.open(out)) {
            long dq = q.graph().orElseThrow().nodes().stream().map(Node::opType).filter("DequantizeLinear"::equals).count();
            assertEquals(36, dq);
        }
        // 36 weights: 10.6M parameters from 4 bytes to 1 byte each
        long saved = Files.size(model) - Files.size(out);
        // less what the new names, scalars and 36 DequantizeLinear nodes take (a few hundred bytes each)
        assertEquals(3L * 6 * (4 * 384 * 384 + 2 * 384 * 1536), saved, 36 * 400);
        float[][] e = OrtRunner.embed(out);
        // one scale for a whole matrix is crude (measured 0.964 on these sentences); per channel is far better
        assertTrue(OrtRunner.meanCosine(reference, e) > 0.95, "cosine " + OrtRunner.meanCosine(reference, e));
    }

    @Test
    void prunedRunsAndDegradesWithSparsity() throws Exception {
        double prev = 1.0;
        for (double s : new double[] {0.3, 0.7}) {
            Path out = dir.resolve("minilm-p" + s + ".onnx");
            CompressRequest.Prune o = new CompressRequest.Prune(s, Method.MAGNITUDE, AllocationMethod.UNIFORM, 2, 4, 0.3, false);
            try (Checkpoint cp = Checkpoints.open(model)) {
                List<Layer> layers = LayerFinder.find(cp);
                OnnxOutput.write(model, 11, Compressor.prune(layers, Allocations.allocateSparsity(layers, o, null), o, Map.of()).edits(), out);
            }
            assertEquals(Files.size(model), Files.size(out)); // same tensors, zeros in place
            double cos = OrtRunner.meanCosine(reference, OrtRunner.embed(out));
            assertTrue(cos < prev && cos > 0.3, "cosine " + cos + " at " + s);
            prev = cos;
        }
    }

    @Test
    void int8PerChannelOnOpset11UsesCastAndMul() throws Exception {
        for (boolean sym : new boolean[] {true, false}) {
            Path out = dir.resolve("minilm-int8-channel-" + sym + ".onnx");
            QuantOptions o = new QuantOptions(8, AllocationMethod.UNIFORM, QuantSpec.PER_CHANNEL, sym, 0, 2, 8, 0);
            try (Checkpoint cp = Checkpoints.open(model)) {
                List<Layer> layers = LayerFinder.find(cp);
                OnnxOutput.write(model, 11, Compressor.quantize(layers, Allocations.allocateBits(layers, o), o).edits(), out);
            }
            try (Checkpoint q = Checkpoints.open(out)) {
                List<String> ops = q.graph().orElseThrow().nodes().stream().map(Node::opType).toList();
                assertEquals(36, ops.stream().filter("Mul"::equals).count() - 26); // MiniLM has 26 Mul of its own
                assertEquals(sym ? 0 : 36, ops.stream().filter("Sub"::equals).count() - 14);
            }
            assertTrue(Files.size(out) < Files.size(model) - 31_000_000L);
            double cos = OrtRunner.meanCosine(reference, OrtRunner.embed(out));
            assertTrue(cos > 0.999, "cosine " + cos);
        }
    }

    @Test
    void int8WithEmbeddingsIsAQuarterOfTheFile() throws Exception {
        Path out = dir.resolve("minilm-int8-all.onnx");
        var goal = new CompressRequest.Quantize(8, Method.RTN, AllocationMethod.UNIFORM, null, false, 0, true, 0);
        var report = dev.loupe.compress.engine.CompressRun.run(new CompressRequest(model, goal, null, null, null,
                CompressRequest.Destination.file(out)), dev.loupe.linalg.Backends.pureJava());
        assertEquals(39, report.layers().size());
        // 22.5M of MiniLM's 22.7M parameters go from 4 bytes to 1
        assertTrue(Files.size(out) < 0.26 * Files.size(model), Files.size(out) + " of " + Files.size(model));
        assertEquals(Files.size(out), report.bytesAfter());
        double cos = OrtRunner.meanCosine(reference, OrtRunner.embed(out));
        assertTrue(cos > 0.999, "cosine " + cos);
    }

    @Test
    void fourBitGroupWiseRunsAsMatMulNBitsAndGatherBlockQuantizedAndEqualsTheDequantizedFloats() throws Exception {
        QuantOptions o = new QuantOptions(4, AllocationMethod.UNIFORM, 32, false, 0, 2, 8, 0);
        Path q = dir.resolve("minilm-q4.onnx");
        Path d = dir.resolve("minilm-q4-floats.onnx");
        try (Checkpoint cp = Checkpoints.open(model)) {
            List<Layer> layers = new java.util.ArrayList<>(LayerFinder.find(cp));
            layers.addAll(LayerFinder.lookupTables(cp)); // word, position and token-type embeddings (--embeddings)
            var edits = Compressor.quantize(layers, Allocations.allocateBits(layers, o), o).edits();
            OnnxOutput.write(model, 11, edits, q);
            OnnxOutput.write(model, 11, edits.stream().<LayerEdit>map(e -> new LayerEdit.Dense(e.layer(),
                    ((LayerEdit.Quantized) e).q().dequantize())).toList(), d);
        }
        try (Checkpoint cp = Checkpoints.open(q)) {
            List<String> ops = cp.graph().orElseThrow().nodes().stream().map(Node::opType).toList();
            assertEquals(36, ops.stream().filter("MatMulNBits"::equals).count());
            assertEquals(3, ops.stream().filter("GatherBlockQuantized"::equals).count());
            assertTrue(cp.metadata().get("opset_import").contains("ai.onnx:11"), "the default opset is not raised");
        }
        // a row of K = 384 in blocks of 32 at 4 bits: 192 code bytes + 12 scales of 4 B + 12 zero points in 6 B = 246 B
        // (K = 1536: 984 B), for MatMulNBits and GatherBlockQuantized alike. Per encoder block: q, k, v, attention
        // output 384 rows of K = 384, intermediate 1536 rows of K = 384, output 384 rows of K = 1536:
        // 4·384·246 + 1536·246 + 384·984 = 1,133,568 B. Tables: (30,522 + 512 + 2) rows of 246 B.
        long matmuls = 6L * (4 * 384 * 384 + 2 * 384 * 1536);
        long tables = 30_522 + 512 + 2;
        long stored = 6L * 1_133_568 + tables * 246;
        long saved = Files.size(model) - Files.size(q);
        // less the new names and 39 nodes (a few hundred bytes each)
        assertEquals((matmuls + tables * 384) * 4 - stored, saved, 39 * 400);
        float[][] eq = OrtRunner.embed(q);
        float[][] ed = OrtRunner.embed(d);
        for (int i = 0; i < eq.length; i++) {
            double max = 0;
            for (float v : ed[i]) {
                max = Math.max(max, Math.abs(v));
            }
            for (int j = 0; j < eq[i].length; j++) {
                assertEquals(ed[i][j], eq[i][j], 1e-4 * max, "sentence " + i + " dim " + j);
            }
        }
        assertTrue(OrtRunner.meanCosine(reference, eq) > 0.9, "cosine " + OrtRunner.meanCosine(reference, eq));
    }

    @Test
    void groupsThatAreNotMultiplesOf16AreRefusedForOnnx() {
        QuantOptions o = new QuantOptions(8, AllocationMethod.UNIFORM, 40, true, 0, 2, 8, 0);
        try (Checkpoint cp = Checkpoints.open(model)) {
            List<Layer> layers = LayerFinder.find(cp).subList(0, 1);
            var edits = Compressor.quantize(layers, Allocations.allocateBits(layers, o), o).edits();
            assertThrows(LoupeException.class, () -> OnnxOutput.write(model, 11, edits, dir.resolve("x.onnx")));
        }
    }
}
