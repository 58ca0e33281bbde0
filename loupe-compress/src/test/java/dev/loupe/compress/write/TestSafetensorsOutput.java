package dev.loupe.compress.write;

import dev.loupe.core.format.safetensors.LoupeQuantized;
import dev.loupe.core.tensor.Encode;
import dev.loupe.compress.allocate.AllocationMethod;
import dev.loupe.compress.Method;
import dev.loupe.compress.engine.CompressRequest;
import dev.loupe.compress.engine.Allocations;
import dev.loupe.compress.engine.Compressor;
import dev.loupe.compress.engine.QuantOptions;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.layers.LayerFinder;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestSafetensorsOutput {
    @TempDir
    Path dir;

    /** A tiny model: fc1 [64, 96] F32, fc1.bias, fc2 [10, 64] BF16, an embedding and a norm (both left alone). */
    private Path model() {
        Random rnd = new Random(17);
        Path p = dir.resolve("m.safetensors");
        SafetensorsWriter.write(p, List.of(
                t("fc1.weight", DType.F32, rnd, 64, 96), t("fc1.bias", DType.F32, rnd, 64),
                t("fc2.weight", DType.BF16, rnd, 10, 64), t("embed_tokens.weight", DType.F32, rnd, 50, 8),
                t("final_norm.weight", DType.F32, rnd, 8, 8)), Map.of("origin", "test"));
        return p;
    }

    private static Tensor t(String name, DType dtype, Random rnd, long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return Tensor.contiguous(name, dtype, shape, Encode.floats(v, dtype), null);
    }

    @Test
    void prunedCopyKeepsEverythingElse() {
        Path src = model();
        Path out = dir.resolve("pruned.safetensors");
        try (Checkpoint cp = Checkpoints.open(src)) {
            List<Layer> layers = LayerFinder.find(cp);
            assertEquals(List.of("fc1.weight", "fc2.weight"), layers.stream().map(Layer::name).toList());
            CompressRequest.Prune o = new CompressRequest.Prune(0.5, Method.MAGNITUDE, AllocationMethod.UNIFORM, 2, 4, 0.3, false);
            var outcome = Compressor.prune(layers, Allocations.allocateSparsity(layers, o, null), o, Map.of());
            SafetensorsOutput.write(cp, outcome.edits(), Map.of("loupe.compress", "test"), out);
        }
        try (Checkpoint a = Checkpoints.open(src); Checkpoint b = Checkpoints.open(out)) {
            assertEquals("test", b.metadata().get("origin"));
            assertEquals(a.tensors().size(), b.tensors().size());
            for (Tensor t : a.tensors()) {
                Tensor u = b.tensor(t.name()).orElseThrow();
                assertEquals(t.dtype(), u.dtype());
                assertArrayEquals(t.shape(), u.shape());
                float[] x = t.toFloats();
                float[] y = u.toFloats();
                if (t.name().endsWith("1.weight") || t.name().equals("fc2.weight")) {
                    int zeros = 0;
                    for (int i = 0; i < x.length; i++) {
                        if (y[i] == 0) {
                            zeros++;
                        } else {
                            assertEquals(x[i], y[i]); // survivors are bit-exact
                        }
                    }
                    assertEquals(Math.round(0.5 * x.length), zeros);
                } else {
                    assertArrayEquals(x, y);
                }
            }
        }
    }

    @Test
    void quantizedCopyDequantizesToTheKernelsValues() {
        Path src = model();
        for (int group : new int[] {0, 32}) {
            for (boolean sym : new boolean[] {true, false}) {
                for (double outliers : new double[] {0, 0.01}) {
                    Path out = dir.resolve("q" + group + sym + outliers + ".safetensors");
                    QuantOptions o = new QuantOptions(4, AllocationMethod.UNIFORM, group, sym, outliers, 2, 8, 0);
                    Compressor.Outcome outcome;
                    try (Checkpoint cp = Checkpoints.open(src)) {
                        List<Layer> layers = LayerFinder.find(cp);
                        outcome = Compressor.quantize(layers, Allocations.allocateBits(layers, o), o);
                        SafetensorsOutput.write(cp, outcome.edits(), Map.of(), out);
                    }
                    try (Checkpoint b = Checkpoints.open(out)) {
                        assertTrue(LoupeQuantized.isQuantized(b));
                        assertFalse(b.tensor("fc1.weight").isPresent());
                        // 4-bit codes: two per byte
                        assertArrayEquals(new long[] {64, 48}, b.tensor("fc1.weight.qweight").orElseThrow().shape());
                        for (LayerEdit e : outcome.edits()) {
                            LayerEdit.Quantized q = (LayerEdit.Quantized) e;
                            float[] expect = q.layer().toStored(q.q().dequantize());
                            assertArrayEquals(expect, LoupeQuantized.dequantize(b, e.layer().name()));
                        }
                        assertTrue(b.tensor("fc1.bias").isPresent());
                    }
                }
            }
        }
    }

    @Test
    void lowRankFactorsAreStoredAndReadBack() {
        Path src = model();
        Path out = dir.resolve("lr.safetensors");
        QuantOptions plain = new QuantOptions(3, AllocationMethod.UNIFORM, 0, true, 0, 2, 8, 0);
        QuantOptions lr = new QuantOptions(3, AllocationMethod.UNIFORM, 0, true, 0, 2, 8, 4);
        Compressor.Outcome a;
        Compressor.Outcome b;
        try (Checkpoint cp = Checkpoints.open(src)) {
            List<Layer> layers = LayerFinder.find(cp);
            a = Compressor.quantize(layers, Allocations.allocateBits(layers, plain), plain);
            b = Compressor.quantize(layers, Allocations.allocateBits(layers, lr), lr);
            SafetensorsOutput.write(cp, b.edits(), Map.of(), out);
        }
        for (int i = 0; i < a.layers().size(); i++) {
            assertTrue(b.layers().get(i).relativeError() < a.layers().get(i).relativeError());
        }
        try (Checkpoint c = Checkpoints.open(out)) {
            assertArrayEquals(new long[] {64, 4}, c.tensor("fc1.weight.lowrank_a").orElseThrow().shape());
            assertArrayEquals(new long[] {4, 96}, c.tensor("fc1.weight.lowrank_b").orElseThrow().shape());
            for (LayerEdit e : b.edits()) {
                LayerEdit.Quantized q = (LayerEdit.Quantized) e;
                assertArrayEquals(q.layer().toStored(q.reconstructed()), LoupeQuantized.dequantize(c, e.layer().name()));
            }
        }
    }

    @Test
    void packRoundTrips() {
        for (int bits : new int[] {2, 3, 4, 5, 8}) {
            Random rnd = new Random(bits);
            var spec = new dev.loupe.compress.quantize.QuantSpec(bits, false, 0);
            float[] w = new float[7 * 13];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) rnd.nextGaussian();
            }
            var q = dev.loupe.compress.quantize.RoundToNearest.quantize(w, 7, 13, spec);
            assertArrayEquals(q.codes(), LoupeQuantized.unpack(QuantizedLayout.pack(q), 7, 13, bits));
        }
    }

    @Test
    void quantizedFileIsSmaller() throws Exception {
        Path src = model();
        Path out = dir.resolve("q4.safetensors");
        QuantOptions o = new QuantOptions(4, AllocationMethod.UNIFORM, 32, true, 0, 2, 8, 0);
        try (Checkpoint cp = Checkpoints.open(src)) {
            List<Layer> layers = LayerFinder.find(cp);
            SafetensorsOutput.write(cp, Compressor.quantize(layers, Allocations.allocateBits(layers, o), o).edits(), Map.of(), out);
        }
        // fc1: 6144 F32 = 24576 bytes -> 3072 packed + 64·3 groups·(4 + 1) = 3072 + 960
        try (Checkpoint b = Checkpoints.open(out)) {
            long fc1 = b.tensors().stream().filter(t -> t.name().startsWith("fc1.weight.")).mapToLong(Tensor::byteSize).sum();
            assertEquals(3072 + 960, fc1);
        }
        assertTrue(Files.size(out) < Files.size(src));
    }
}
