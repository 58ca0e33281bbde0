package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.bundled.BundledModels;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Black-box runs of {@code loupe compress}. */
class TestCompressCommand {
    @TempDir
    Path dir;

    private Path model() {
        Random rnd = new Random(23);
        Path p = dir.resolve("mlp.safetensors");
        SafetensorsWriter.write(p, List.of(f32("fc1.weight", rnd, 32, 40), f32("fc1.bias", rnd, 32), f32("fc2.weight", rnd, 10, 32)),
                Map.of());
        return p;
    }

    private static Tensor f32(String name, Random rnd, long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat((float) rnd.nextGaussian());
        }
        return Tensor.contiguous(name, DType.F32, shape, MemorySegment.ofArray(b.array()), null);
    }

    private static void assertOneLineError(CliRun r, String fragment) {
        assertEquals(2, r.exit(), r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("loupe: ") && r.err().contains(fragment), r.err());
    }

    @Test
    void shardedOutputSplitsAtMaxShardSizeAndReadsBack() throws Exception {
        Path out = dir.resolve("q").resolve("model.safetensors.index.json");
        // 4-bit fc1 (32x40, groups of 128 -> one per row): 640 B codes + 128 B scales + 32 B zeros; fc2 at 10x32
        CliRun r = CliRun.of("compress", model().toString(), "--bits", "4", "--out", out.toString(), "--max-shard-size", "1KB");
        assertEquals(0, r.exit(), r.err());
        try (var files = Files.list(out.getParent())) {
            assertEquals(List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        try (Checkpoint cp = Checkpoints.open(out)) {
            assertTrue(dev.loupe.core.format.safetensors.LoupeQuantized.isQuantized(cp));
            assertEquals(32 * 40, dev.loupe.core.format.safetensors.LoupeQuantized.dequantize(cp, "fc1.weight").length);
        }
        assertOneLineError(CliRun.of("compress", model().toString(), "--bits", "4", "--out", out.toString(), "--max-shard-size", "5 parsecs"),
                "--max-shard-size': '5 parsecs' is not a size");
        assertOneLineError(CliRun.of("compress", model().toString(), "--bits", "4", "--out", out.toString(), "--max-shard-size", "0.0001KB"),
                "--max-shard-size': '0.0001KB' is not a size");
    }

    @Test
    void nonsenseIsRefusedBeforeAnyWork() {
        String m = model().toString();
        String out = dir.resolve("o.safetensors").toString();
        assertOneLineError(CliRun.of("compress", m, "--out", out), "exactly one of");
        assertOneLineError(CliRun.of("compress", m, "--sparsity", "0.5", "--bits", "4", "--out", out), "exactly one of");
        assertOneLineError(CliRun.of("compress", m, "--sparsity", "1.2", "--out", out), "[0, 1)");
        assertOneLineError(CliRun.of("compress", m, "--bits", "9", "--out", out), "[2, 8]");
        assertOneLineError(CliRun.of("compress", m, "--sparsity", "0.3", "--method", "nm", "--out", out), "contradicts");
        assertOneLineError(CliRun.of("compress", m, "--sparsity", "0.5", "--method", "nm", "--allocate", "alpha", "--out", out), "nm");
        assertOneLineError(CliRun.of("compress", m, "--sparsity", "0.5", "--method", "wanda", "--out", out), "--norms");
        assertOneLineError(CliRun.of("compress", m, "--sparsity", "0.5", "--group", "64", "--out", out), "quantization options");
        assertOneLineError(CliRun.of("compress", m, "--bits", "4", "--allocate", "alpha", "--out", out), "does not apply");
        assertOneLineError(CliRun.of("compress", m, "--bits", "3.5", "--out", out), "whole");
        assertOneLineError(CliRun.of("compress", m, "--bits", "4", "--method", "wanda", "--out", out), "pruning method");
        assertOneLineError(CliRun.of("compress", m, "--sparsity", "0.5", "--dry-run", "--out", out), "--dry-run");
        assertOneLineError(CliRun.of("compress", m, "--sparsity", "0.5"), "--out");
        assertOneLineError(CliRun.of("compress", m, "--sparsity", "0.5", "--out", dir.resolve("o.onnx").toString()), ".safetensors");
        assertOneLineError(CliRun.of("compress", m, "--sparsity", "0.5", "--out", m), "overwrite the input");
        assertOneLineError(CliRun.of("compress", m, "--sparsity", "0.5", "--nm", "x", "--out", out), "--nm");
        assertOneLineError(CliRun.of("compress", m, "--sparsity", "0.5", "--out", out, "--report", m), ".html");
        assertOneLineError(CliRun.of("compress", dir.resolve("missing.safetensors").toString(), "--sparsity", "0.5", "--out", out),
                "no such file");
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void evalAndCalibrationCombinationsAreRefused() {
        String m = model().toString();
        String onnx = dev.loupe.core.data.Fixtures.dir().resolve("models/mlp.onnx").toString();
        String x = dev.loupe.core.data.Fixtures.dir().resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz").toString();
        String out = dir.resolve("o.onnx").toString();
        assertOneLineError(CliRun.of("compress", onnx, "--sparsity", "0.5", "--eval", "--out", out), "--eval needs data");
        assertOneLineError(CliRun.of("compress", m, "--sparsity", "0.5", "--eval", "--data", x, "--out",
                dir.resolve("o.safetensors").toString()), "needs an .onnx model");
        assertOneLineError(CliRun.of("compress", onnx, "--sparsity", "0.5", "--data", x, "--out", out), "used by --eval");
        assertOneLineError(CliRun.of("compress", m, "--sparsity", "0.5", "--allocate", "owl", "--out",
                dir.resolve("o.safetensors").toString()), "--allocate owl needs");
        assertOneLineError(CliRun.of("compress", onnx, "--sparsity", "0.5", "--eval", "--data", x, "--text", x, "--out", out), "not both");
        assertOneLineError(CliRun.of("compress", onnx, "--sparsity", "0.5", "--eval", "--data", x, "--dry-run"), "--dry-run");
        assertOneLineError(CliRun.of("compress", m, "--sparsity", "0.5", "--method", "wanda", "--data", x, "--out",
                dir.resolve("o.safetensors").toString()), "--norms");
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void secondOrderMethodsRefuseWhatTheyCannotDo() {
        Path f = dev.loupe.core.data.Fixtures.dir();
        String onnx = f.resolve("models/mlp.onnx").toString();
        String x = f.resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz").toString();
        String out = dir.resolve("o.onnx").toString();
        // fc1 has 784 inputs: 128 images cannot estimate its XᵀX
        assertOneLineError(CliRun.of("compress", onnx, "--bits", "4", "--method", "gptq", "--data", x, "--out", out),
                "128 calibration rows for its 784 inputs are too few");
        assertOneLineError(CliRun.of("compress", model().toString(), "--sparsity", "0.5", "--method", "sparsegpt", "--out",
                dir.resolve("o.safetensors").toString()), "needs each layer's XᵀX");
        assertOneLineError(CliRun.of("compress", onnx, "--bits", "4", "--act-order", "--out", out), "--act-order is a GPTQ option");
        assertOneLineError(CliRun.of("compress", onnx, "--bits", "4", "--method", "gptq", "--data", x, "--calibration-samples",
                "1024", "--out", dir.resolve("x.gguf").toString()), "not a supported GGUF architecture");
        assertOneLineError(CliRun.of("compress", onnx, "--sparsity", "0.5", "--method", "wanda", "--nm", "2:4", "--data", x,
                "--out", out), "--nm applies to");
        assertFalse(Files.exists(Path.of(out)));
        assertFalse(Files.exists(dir.resolve("x.gguf")));
    }

    @Test
    void calibrationDataCalibratesWhileDataIsEvaluated() throws Exception {
        Path f = dev.loupe.core.data.Fixtures.dir();
        String onnx = f.resolve("models/mlp.onnx").toString();
        String x = f.resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz").toString();
        // evaluation images that could not calibrate fc1: all black (XᵀX = 0 would be refused), with labels
        Path black = dir.resolve("black-idx3-ubyte.gz");
        Path blackLabels = dir.resolve("black-idx1-ubyte.gz");
        ByteBuffer idx = ByteBuffer.allocate(16 + 100 * 784).order(ByteOrder.BIG_ENDIAN);
        idx.putInt(0x803).putInt(100).putInt(28).putInt(28);
        ByteBuffer lab = ByteBuffer.allocate(8 + 100).order(ByteOrder.BIG_ENDIAN);
        lab.putInt(0x801).putInt(100);
        try (var a = new java.util.zip.GZIPOutputStream(Files.newOutputStream(black));
             var b = new java.util.zip.GZIPOutputStream(Files.newOutputStream(blackLabels))) {
            a.write(idx.array());
            b.write(lab.array());
        }
        Path split = dir.resolve("split.onnx");
        CliRun r = CliRun.of("compress", onnx, "--sparsity", "0.5", "--method", "sparsegpt", "--calibration-data", x,
                "--calibration-samples", "1000", "--eval", "--data", black.toString(), "--labels", blackLabels.toString(),
                "--out", split.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode e = new ObjectMapper().readTree(r.out()).get("eval");
        assertEquals(100, e.get("n").asInt(), e.toString());
        // the same calibration images given as --data (no labels read either way) prune to the same weights
        Path same = dir.resolve("same.onnx");
        assertEquals(0, CliRun.of("compress", onnx, "--sparsity", "0.5", "--method", "sparsegpt", "--data", x,
                "--calibration-samples", "1000", "--out", same.toString()).exit());
        try (Checkpoint a = Checkpoints.open(split); Checkpoint b = Checkpoints.open(same)) {
            for (String w : List.of("fc1.weight", "fc2.weight", "fc3.weight")) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(b.tensor(w).orElseThrow().toFloats(), a.tensor(w).orElseThrow().toFloats(), w);
            }
        }
        String out = dir.resolve("o.onnx").toString();
        assertOneLineError(CliRun.of("compress", onnx, "--sparsity", "0.5", "--calibration-data", x, "--out", out),
                "this run reads no calibration");
        assertOneLineError(CliRun.of("compress", onnx, "--sparsity", "0.5", "--method", "sparsegpt", "--calibration-data", x,
                "--data", x, "--out", out), "--data is only read by --eval");
        assertOneLineError(CliRun.of("compress", onnx, "--sparsity", "0.5", "--method", "sparsegpt", "--calibration-data", x,
                "--text", f.resolve("text/fortunes-min.txt").toString(), "--out", out), "an encoder calibrates on its --text");
        assertOneLineError(CliRun.of("compress", onnx, "--bits", "4", "--allocate", "hessian", "--calibration-data", x, "--eval",
                "--data", x, "--labels", f.resolve("data/fashion-mnist-test-2000-labels-idx1-ubyte.gz").toString(), "--out", out),
                "cannot replace them");
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void sparseGptPrunesTheMlpFromItsCalibration() throws Exception {
        Path f = dev.loupe.core.data.Fixtures.dir();
        Path out = dir.resolve("mlp-sparsegpt.onnx");
        CliRun r = CliRun.of("compress", f.resolve("models/mlp.onnx").toString(), "--sparsity", "0.5", "--method", "sparsegpt",
                "--eval", "--data", f.resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz").toString(),
                "--labels", f.resolve("data/fashion-mnist-test-2000-labels-idx1-ubyte.gz").toString(),
                "--calibration-samples", "1000", "--out", out.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode e = new ObjectMapper().readTree(r.out()).get("eval");
        assertTrue(e.get("accuracyAfter").asDouble() > 0.8, e.toString()); // fp32: 0.8335
        for (JsonNode l : new ObjectMapper().readTree(r.out()).get("layers")) {
            assertEquals(0.5, l.get("sparsity").asDouble(), 0.01, l.toString());
        }
        // dead inputs (pixels 0 in all 1000 calibration images) make XᵀX singular; handled as the references do:
        // fc1's weights on them ([256, 784], transB) are 0
        var d = dev.loupe.core.data.Datasets.read(f.resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz"), null);
        boolean[] dead = new boolean[784];
        java.util.Arrays.fill(dead, true);
        for (int i = 0; i < 1000 * 784; i++) {
            dead[i % 784] &= d.features()[i] == 0;
        }
        int deadCount = 0;
        try (Checkpoint cp = Checkpoints.open(out)) {
            float[] w = cp.tensor("fc1.weight").orElseThrow().toFloats();
            for (int c = 0; c < 784; c++) {
                int nonzero = 0;
                for (int o = 0; o < 256; o++) {
                    nonzero += w[o * 784 + c] != 0 ? 1 : 0;
                }
                if (dead[c]) { // (a rarely active live input may lose its whole column to the 50 % too)
                    assertEquals(0, nonzero, "input " + c);
                    deadCount++;
                }
            }
        }
        assertTrue(deadCount > 0, "the first 1000 images leave some border pixel at 0");
    }

    @Test
    void hostileCalibrationIsOneLineAndWritesNothing() throws Exception {
        Path f = dev.loupe.core.data.Fixtures.dir();
        // a calibration text shorter than the widest layer's inputs (the LLaMA fixture's down_proj reads 160)
        Path text = dir.resolve("short.txt");
        Files.writeString(text, "the cat sat on the mat");
        Path st = dir.resolve("l.safetensors");
        for (String method : List.of("gptq", "sparsegpt")) {
            String[] goal = method.equals("gptq") ? new String[] {"--bits", "4"} : new String[] {"--sparsity", "0.5"};
            List<String> a = new java.util.ArrayList<>(List.of("compress", f.resolve("lm/llama").toString()));
            a.addAll(List.of(goal));
            a.addAll(List.of("--method", method, "--calibration", text.toString(), "--out", st.toString()));
            CliRun r = CliRun.of(a.toArray(String[]::new));
            assertOneLineError(r, "calibration tokens");
            assertTrue(r.err().contains(text.toString()) && r.err().contains("160 inputs"), r.err());
        }
        assertFalse(Files.exists(st));
        // all-black images: every input of fc1 is dead, XᵀX = 0, GPTQ would zero the layer
        Path zeros = dir.resolve("zeros-idx3-ubyte.gz");
        ByteBuffer idx = ByteBuffer.allocate(16 + 1000 * 784).order(ByteOrder.BIG_ENDIAN);
        idx.putInt(0x803).putInt(1000).putInt(28).putInt(28);
        try (var gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(zeros))) {
            gz.write(idx.array());
        }
        Path o = dir.resolve("z.onnx");
        assertOneLineError(CliRun.of("compress", f.resolve("models/mlp.onnx").toString(), "--bits", "4", "--method", "gptq",
                "--data", zeros.toString(), "--calibration-samples", "1000", "--out", o.toString()), "all 784 of its inputs are 0");
        assertFalse(Files.exists(o));
    }

    @Test
    void wandaCalibratesAndEvalReportsBeforeAndAfter() throws Exception {
        Path f = dev.loupe.core.data.Fixtures.dir();
        Path out = dir.resolve("mlp-wanda.onnx");
        CliRun r = CliRun.of("compress", f.resolve("models/mlp.onnx").toString(), "--sparsity", "0.5", "--method", "wanda",
                "--eval", "--data", f.resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz").toString(),
                "--labels", f.resolve("data/fashion-mnist-test-2000-labels-idx1-ubyte.gz").toString(),
                "--calibration-samples", "64", "--out", out.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode e = new ObjectMapper().readTree(r.out()).get("eval");
        assertEquals(2000, e.get("n").asInt());
        // the original's accuracy as fixtures/manifest.json records it (computed by torch)
        JsonNode manifest = new ObjectMapper().readTree(f.resolve("manifest.json").toFile());
        assertEquals(findAccuracy(manifest, "mlp.onnx"), e.get("accuracyBefore").asDouble(), 1e-9);
        assertTrue(e.get("accuracyAfter").asDouble() > 0.5); // a 50 % pruned MLP still classifies
        try (Checkpoint cp = Checkpoints.open(out)) {
            long zeros = 0;
            long n = 0;
            for (String name : List.of("fc1.weight", "fc2.weight", "fc3.weight")) {
                var t = cp.tensor(name);
                if (t.isPresent()) {
                    for (float v : t.get().toFloats()) {
                        zeros += v == 0 ? 1 : 0;
                        n++;
                    }
                }
            }
            assertTrue(n > 0 && Math.abs((double) zeros / n - 0.5) < 0.01, zeros + " of " + n);
        }
    }

    @Test
    void reportWritesOneBarAndOneTableRowPerLayer() throws Exception {
        Path html = dir.resolve("r.html");
        CliRun r = CliRun.of("compress", model().toString(), "--sparsity", "0.5", "--out",
                dir.resolve("o.safetensors").toString(), "--report", html.toString());
        assertEquals(0, r.exit(), r.err());
        String page = Files.readString(html);
        // fc1.weight (32x40) and fc2.weight (10x32): two layers, the 1-D bias is not compressed
        String allocation = page.substring(page.lastIndexOf("<table"), page.lastIndexOf("</table>"));
        assertEquals(2, allocation.split("<tr>", -1).length - 2);
        assertTrue(allocation.contains(">fc1.weight<") && allocation.contains(">fc2.weight<"));
        assertFalse(page.contains("http://") || page.contains("https://"));
    }

    private static double findAccuracy(JsonNode manifest, String file) {
        for (JsonNode m : manifest.get("models")) {
            if (m.get("file").asText().equals("models/" + file)) {
                return m.get("accuracy").asDouble();
            }
        }
        throw new IllegalStateException(file + " is not in fixtures/manifest.json");
    }

    @Test
    void onnxOnlyOptionsAreRefused() {
        String m = BundledModels.miniLm().toString();
        String out = dir.resolve("o.onnx").toString();
        String cnn = dev.loupe.core.data.Fixtures.dir().resolve("models/cnn.onnx").toString();
        // conv2 (32 x 16·3·3) cannot be group-wise in ONNX below opset 21 (conv1's 9 inputs are one group: a row scale)
        assertOneLineError(CliRun.of("compress", cnn, "--bits", "4", "--group", "16", "--out", out), "'conv2.weight'");
        assertOneLineError(CliRun.of("compress", cnn, "--bits", "4", "--lowrank", "2", "--out", out), "--lowrank");
        assertOneLineError(CliRun.of("compress", m, "--bits", "8", "--outliers", "0.01", "--out", out), "safetensors");
        assertOneLineError(CliRun.of("compress", m, "--bits", "4", "--group", "40", "--out", out), "multiples of 16");
        assertOneLineError(CliRun.of("compress", m, "--sparsity", "0.5", "--lowrank", "8", "--out", out), "quantization options");
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void fourBitMlpIsWrittenAsMatMulNBitsSmallerThanEightBitsAndStillClassifies() throws Exception {
        Path f = dev.loupe.core.data.Fixtures.dir();
        Path m = f.resolve("models/mlp.onnx");
        long[] size = new long[9];
        double[] accuracy = new double[9];
        for (int bits : new int[] {4, 8}) {
            Path out = dir.resolve("mlp-" + bits + ".onnx");
            CliRun r = CliRun.of("compress", m.toString(), "--bits", Integer.toString(bits), "--eval",
                    "--data", f.resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz").toString(),
                    "--labels", f.resolve("data/fashion-mnist-test-2000-labels-idx1-ubyte.gz").toString(),
                    "--out", out.toString(), "--json");
            assertEquals(0, r.exit(), r.err());
            JsonNode j = new ObjectMapper().readTree(r.out());
            accuracy[bits] = j.get("eval").get("accuracyAfter").asDouble();
            size[bits] = Files.size(out);
            try (Checkpoint cp = Checkpoints.open(out)) {
                long nbits = cp.graph().orElseThrow().nodes().stream().filter(n -> n.opType().equals("MatMulNBits")).count();
                assertEquals(bits == 4 ? 3 : 0, nbits); // the three Gemm layers (transB = 1, bias)
            }
            if (bits == 4) {
                assertTrue(j.get("notes").toString().contains("MatMulNBits"), j.get("notes").toString());
            }
        }
        // int8 + DequantizeLinear: 234,752 code bytes + (256 + 128 + 10)·(4 + 1) scale and zero-point bytes = 236,722.
        // MatMulNBits per channel, bytes per row = blocks·(block/2 + 4) at the cheapest block: fc1 K = 784 → 13 blocks
        // of 64 = 468 (128: 7·68 = 476), fc2 K = 256 → 2·68 = 136, fc3 K = 128 → 68: 256·468 + 128·136 + 10·68 = 137,896.
        // The node records differ by a few hundred bytes.
        assertEquals(236_722 - 137_896, size[8] - size[4], 600, size[8] + " vs " + size[4]);
        double original = findAccuracy(new ObjectMapper().readTree(f.resolve("manifest.json").toFile()), "mlp.onnx");
        assertTrue(Math.abs(accuracy[8] - original) < 0.01, accuracy[8] + " vs " + original);
        assertTrue(accuracy[4] > original - 0.05, accuracy[4] + " vs " + original);
    }

    @Test
    void prunesToTheTargetAndReports() throws Exception {
        Path m = model();
        Path out = dir.resolve("pruned.safetensors");
        CliRun r = CliRun.of("compress", m.toString(), "--sparsity", "0.5", "--allocate", "alpha", "--out", out.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(0.5, j.get("achieved").asDouble(), 1e-3); // exact up to rounding each layer to whole weights
        assertEquals(2, j.get("layers").size());
        assertEquals(5, j.get("memory").size());
        try (Checkpoint cp = Checkpoints.open(out)) {
            long zeros = 0;
            long n = 0;
            for (String name : List.of("fc1.weight", "fc2.weight")) {
                for (float v : cp.tensor(name).orElseThrow().toFloats()) {
                    zeros += v == 0 ? 1 : 0;
                    n++;
                }
            }
            assertEquals(0.5, (double) zeros / n, 2.0 / n);
            assertEquals(32, cp.tensor("fc1.bias").orElseThrow().numel());
        }
    }

    @Test
    void skipLeavesMatchingLayersAlone() throws Exception {
        Path m = model();
        Path out = dir.resolve("skip.safetensors");
        CliRun r = CliRun.of("compress", m.toString(), "--sparsity", "0.5", "--skip", "fc2", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("--skip): fc2.weight"), r.out());
        try (Checkpoint a = Checkpoints.open(m); Checkpoint b = Checkpoints.open(out)) {
            float[] before = a.tensor("fc2.weight").orElseThrow().toFloats();
            float[] after = b.tensor("fc2.weight").orElseThrow().toFloats();
            org.junit.jupiter.api.Assertions.assertArrayEquals(before, after);
            long zeros = 0;
            for (float v : b.tensor("fc1.weight").orElseThrow().toFloats()) {
                zeros += v == 0 ? 1 : 0;
            }
            assertEquals(640, zeros); // half of 32x40, the whole budget on the one layer left
        }
    }

    @Test
    void forceReplacesTheInputAtomically() throws Exception {
        Path m = model();
        long before = Files.size(m);
        CliRun r = CliRun.of("compress", m.toString(), "--bits", "4", "--group", "8", "--out", m.toString(), "--force");
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.size(m) < before);
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count()); // no temporary left behind
        }
    }

    @Test
    void anAlreadyQuantizedModelIsNamedAsSuchNotAsHavingNoWeights() {
        // all-MiniLM-L6-v2's int8 twin: every matrix is int8 codes read by MatMulInteger (ONNX Runtime dynamic quantization)
        String q = BundledModels.miniLmQuantized().toString();
        CliRun r = CliRun.of("compress", q, "--bits", "4", "--dry-run");
        assertOneLineError(r, "is already quantized");
        assertTrue(r.err().contains("36 MatMulInteger"), r.err());
    }

    @Test
    void aDryRunEstimatesTheFileItWouldWrite() {
        Path out = dir.resolve("mlp8.onnx");
        String mlp = dev.loupe.core.data.Fixtures.dir().resolve("models/mlp.onnx").toString(); // 235k weights, 0.9 MiB
        CliRun dry = CliRun.of("compress", mlp, "--bits", "8", "--dry-run", "--json");
        CliRun real = CliRun.of("compress", mlp, "--bits", "8", "--out", out.toString(), "--json");
        assertEquals(0, dry.exit(), dry.err());
        assertEquals(0, real.exit(), real.err());
        long estimate = parse(dry.out()).path("bytesAfter").asLong();
        long written = parse(real.out()).path("bytesAfter").asLong();
        assertTrue(estimate > 0, dry.out());
        // codes and scales are counted; the graph nodes the writer adds (DequantizeLinear) are not
        assertEquals(written, estimate, 0.02 * written, "estimate " + estimate + " vs written " + written);
    }

    private static com.fasterxml.jackson.databind.JsonNode parse(String json) {
        try {
            return Output.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void dryRunOnMiniLmPrintsTheAllocation() {
        CliRun r = CliRun.of("compress", BundledModels.miniLm().toString(), "--sparsity", "0.5", "--allocate", "alpha", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("/encoder/layer.0/attention/self/query/MatMul"), r.out());
        assertTrue(r.out().contains("achieved 0.5000 over 10,616,832 parameters in 36 layers"), r.out());
        assertTrue(r.out().contains("dry run: nothing written"));
    }
}
