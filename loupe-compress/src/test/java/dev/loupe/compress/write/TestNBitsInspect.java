package dev.loupe.compress.write;

import dev.loupe.compress.allocate.AllocationMethod;
import dev.loupe.compress.engine.Allocations;
import dev.loupe.compress.engine.Compressor;
import dev.loupe.compress.engine.QuantOptions;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.layers.LayerFinder;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.analysis.InspectOptions;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.analysis.Inspector;
import dev.loupe.spectral.layers.ConvMode;
import dev.loupe.spectral.layers.LayerDiscovery;
import dev.loupe.spectral.layers.WeightMatrix;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.result.LayerMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What `loupe compress` packs into MatMulNBits / GatherBlockQuantized, `loupe inspect` reads back as the matrices
 * compress quantized: the decoded weights equal {@code QuantizedMatrix.dequantize()} (compress's own floats,
 * independent of the packing and of the decoder) exactly, and their spectra equal those of a copy of the model
 * with the same floats written as plain fp32 weights.
 */
class TestNBitsInspect {
    @TempDir
    Path dir;

    private Path resource(String name) throws Exception {
        Path p = dir.resolve(name);
        try (var in = getClass().getResourceAsStream("/dev/loupe/compress/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    /** Writes {@code src} with {@code layers} quantized (as packed codes) and as their dequantized floats. */
    private static List<LayerEdit> write(Path src, List<Layer> layers, QuantOptions o, Path q, Path d) {
        List<LayerEdit> edits = Compressor.quantize(layers, Allocations.allocateBits(layers, o), o).edits();
        OnnxOutput.write(src, 13, edits, q);
        OnnxOutput.write(src, 13, edits.stream().<LayerEdit>map(e -> new LayerEdit.Dense(e.layer(),
                ((LayerEdit.Quantized) e).q().dequantize())).toList(), d);
        return edits;
    }

    /** Every edit written as {@code op}: its analyzed matrix equals compress's dequantized [out, in] floats. */
    private static void assertDecodedAsQuantized(Path q, List<LayerEdit> edits, String op, String tag) {
        try (Checkpoint cp = Checkpoints.open(q)) {
            Map<String, WeightMatrix> by = LayerDiscovery.discover(cp, ConvMode.SLICES).matrices().stream()
                    .collect(Collectors.toMap(m -> m.tensor().name(), Function.identity()));
            for (LayerEdit e : edits) {
                Layer l = e.layer();
                WeightMatrix m = by.get(l.name() + "_quantized");
                assertEquals(op, m.consumer(), tag + " " + l.name());
                assertEquals(l.rows(), m.rows(), tag);
                assertEquals(l.cols(), m.cols(), tag);
                assertTrue(m.notes().getFirst().startsWith("dequantized 4-bit codes via com.microsoft::" + op), m.notes().toString());
                assertArrayEquals(((LayerEdit.Quantized) e).q().dequantize(), m.toFloats(), tag + " " + l.name());
            }
        }
    }

    private static Map<String, LayerMetrics> inspect(Path file) {
        try (Checkpoint cp = Checkpoints.open(file)) {
            // fp64: the stored (in, out) and the analyzed (out, in) orientation give Grams of different sides, equal
            // to ~1e-15 in double (the 1e-9 below) but only to ~1e-7 in the default single precision
            InspectOptions fp64 = new InspectOptions(Precision.FP64, ConvMode.SLICES, false, true, false, 0, 1);
            InspectResult r = new Inspector(Backends.pureJava(), fp64).inspect(cp, Progress.NONE, "test", false);
            return r.layers().stream().collect(Collectors.toMap(m -> m.layer().name(), Function.identity()));
        }
    }

    @Test
    void mlpAtFourBitsInspectsAsTheMatricesCompressQuantized() throws Exception {
        Path src = Path.of("../fixtures/models/mlp.onnx").toAbsolutePath().normalize();
        Path q = dir.resolve("mlp-q4.onnx");
        Path d = dir.resolve("mlp-q4-floats.onnx");
        List<LayerEdit> edits;
        try (Checkpoint cp = Checkpoints.open(src)) {
            List<Layer> layers = LayerFinder.find(cp);
            edits = write(src, layers, new QuantOptions(4, AllocationMethod.UNIFORM, 32, false, 0, 2, 8, 0), q, d);
        }
        assertDecodedAsQuantized(q, edits, "MatMulNBits", "mlp");
        Map<String, LayerMetrics> packed = inspect(q);
        Map<String, LayerMetrics> floats = inspect(d);
        assertEquals(List.of("fc1", "fc2", "fc3"), packed.keySet().stream().sorted().toList());
        for (String k : floats.keySet()) {
            LayerMetrics a = packed.get(k);
            LayerMetrics b = floats.get(k);
            assertEquals("out,in", a.layer().orientation());
            assertArrayEquals(b.layer().shape(), a.layer().shape(), k);
            assertTrue(Double.isFinite(b.fit().alpha()), k);
            assertEquals(b.fit().alpha(), a.fit().alpha(), 1e-9, k);
            assertEquals(b.norms().logNorm(), a.norms().logNorm(), 1e-9, k);
            assertEquals(b.norms().logSpectralNorm(), a.norms().logSpectralNorm(), 1e-9, k);
        }
    }

    @Test
    void storedInOutWeightsAndPaddedRowsAreReadOutIn() throws Exception {
        // MatMul (stored [in, out]) with K = 100 (padding in the last block), Gemm transB = 1 with a bias,
        // Gemm transB = 0, one weight read by two MatMuls: make_nbits_onnx.py
        Path src = resource("nbits-opset13.onnx");
        for (int bits : new int[] {2, 3, 4}) {
            for (boolean sym : new boolean[] {true, false}) {
                for (int group : new int[] {QuantSpec.PER_CHANNEL, 16, 32}) {
                    String tag = bits + "-" + sym + "-" + group;
                    Path q = dir.resolve("q" + tag + ".onnx");
                    Path d = dir.resolve("d" + tag + ".onnx");
                    List<LayerEdit> edits;
                    try (Checkpoint cp = Checkpoints.open(src)) {
                        List<Layer> layers = new ArrayList<>(LayerFinder.find(cp));
                        layers.removeLast(); // w5: Gemm alpha = 0.5, no MatMulNBits form
                        edits = write(src, layers, new QuantOptions(bits, AllocationMethod.UNIFORM, group, sym, 0, 2, 8, 0), q, d);
                    }
                    assertDecodedAsQuantized(q, edits, "MatMulNBits", tag);
                    if (bits == 4 && !sym && group == 16) {
                        Map<String, LayerMetrics> packed = inspect(q);
                        Map<String, LayerMetrics> floats = inspect(d);
                        for (String k : List.of("w1", "w2", "w3", "w4")) {
                            assertTrue(Double.isFinite(floats.get(k).fit().alpha()), k);
                            assertEquals(floats.get(k).fit().alpha(), packed.get(k).fit().alpha(), 1e-9, k);
                            assertEquals(floats.get(k).norms().logNorm(), packed.get(k).norms().logNorm(), 1e-9, k);
                        }
                    }
                }
            }
        }
    }

    @Test
    void lookupTablesInspectAsTheTablesCompressQuantized() throws Exception {
        Path src = resource("gather-opset13.onnx");
        for (boolean sym : new boolean[] {true, false}) {
            Path q = dir.resolve("g" + sym + ".onnx");
            Path d = dir.resolve("gd" + sym + ".onnx");
            List<LayerEdit> edits;
            try (Checkpoint cp = Checkpoints.open(src)) {
                List<Layer> t1 = LayerFinder.lookupTables(cp).subList(0, 1); // t2 has 9 columns: not packable
                edits = write(src, t1, new QuantOptions(4, AllocationMethod.UNIFORM, QuantSpec.PER_CHANNEL, sym, 0, 2, 8, 0), q, d);
            }
            assertDecodedAsQuantized(q, edits, "GatherBlockQuantized", "gather " + sym);
        }
    }
}
