package dev.loupe.cli;

import dev.loupe.core.data.Fixtures;
import dev.loupe.core.format.gguf.GgufCheckpoint;
import dev.loupe.core.format.gguf.GgufReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code loupe compress ... --out x.gguf}: the allocated mixture within the recipe's bytes; hostile inputs refused. */
class TestCompressGguf {
    @TempDir
    Path dir;

    @Test
    void allocatedMixtureWithinQ4KMBytes() throws java.io.IOException {
        Path out = dir.resolve("llama.gguf");
        CliRun r = CliRun.of("compress", Fixtures.dir().resolve("lm/llama").toString(), "--out", out.toString(), "--calibration",
                Fixtures.dir().resolve("lm/calibration.txt").toString(), "--calibration-samples", "4", "--allocate", "knapsack");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("importances (imatrix) of 14 linear layers"), r.out());
        assertTrue(r.out().contains("budget (what Q4_K_M spends on these tensors)"), r.out());
        try (GgufCheckpoint c = new GgufReader().open(out)) {
            assertEquals(22, c.tensors().size());
            assertEquals(15L, c.ggufMetadata().integer("general.file_type").orElseThrow());
        }
        try (var files = java.nio.file.Files.list(dir)) {
            assertEquals(1, files.count(), "the temporary F32 GGUF is gone");
        }
    }

    /** GPTQ on the allocated types' fixed grids (the 64-wide fixture: Q4_K/Q6_K fall back to Q5_0/Q5_1/Q8_0). */
    @Test
    void gptqOnTheAllocatedMixture() throws java.io.IOException {
        Path out = dir.resolve("llama.gguf");
        CliRun r = CliRun.of("compress", Fixtures.dir().resolve("lm/llama").toString(), "--out", out.toString(), "--calibration",
                Fixtures.dir().resolve("lm/calibration.txt").toString(), "--calibration-samples", "4", "--allocate", "knapsack",
                "--method", "gptq");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("GPTQ on each tensor's ggml grid (scales and mins from ggml's quantizer): 14 tensors"), r.out());
        try (GgufCheckpoint c = new GgufReader().open(out)) {
            assertEquals(22, c.tensors().size());
            assertEquals(15L, c.ggufMetadata().integer("general.file_type").orElseThrow());
        }
        Path none = dir.resolve("none.gguf");
        CliRun bad = CliRun.of("compress", Fixtures.dir().resolve("lm/llama").toString(), "--out", none.toString(), "--method", "gptq");
        assertEquals(2, bad.exit(), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertTrue(bad.err().contains("--calibration"), bad.err());
        try (var files = java.nio.file.Files.list(dir)) {
            assertEquals(1, files.count(), "the GPTQ file only: no temporary, nothing for the refused run");
        }
    }

    @Test
    void anOnnxClassifierToGgufIsOneLineExit2NothingWritten() throws java.io.IOException {
        Path out = dir.resolve("x.gguf");
        CliRun r = CliRun.of("compress", Fixtures.dir().resolve("models/cnn.onnx").toString(), "--out", out.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("not a supported GGUF architecture"), r.err());
        assertFalse(Files.exists(out));
        try (var files = java.nio.file.Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void gptqWidthsWithoutAGgufBlockAreOneLineExit2() throws java.io.IOException {
        Path out = dir.resolve("x.gguf");
        for (String[] bad : new String[][] {{"--bits", "3"}, {"--bits", "4", "--group", "48"}, {"--bits", "4", "--gguf-type", "Q8_0"}}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("compress", Fixtures.dir().resolve("lm/llama").toString(),
                    "--out", out.toString(), "--method", "gptq", "--calibration", Fixtures.dir().resolve("lm/calibration.txt").toString()));
            args.addAll(java.util.List.of(bad));
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(2, r.exit(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        try (var files = java.nio.file.Files.list(dir)) {
            assertEquals(0, files.count(), "nothing written, no temporary left");
        }
    }

    @Test
    void aGarbageSentencePieceModelIsOneLineExit2() throws java.io.IOException {
        Path folder = dir.resolve("spm");
        Files.createDirectories(folder);
        for (String f : java.util.List.of("config.json", "tokenizer_config.json", "model.safetensors")) {
            Files.copy(Fixtures.dir().resolve("lm/llama-spm/" + f), folder.resolve(f));
        }
        byte[] garbage = new byte[2000];
        new java.util.Random(3).nextBytes(garbage);
        Files.write(folder.resolve("tokenizer.model"), garbage);
        Path out = dir.resolve("x.gguf");
        for (String cmd : new String[] {"convert", "compress"}) {
            CliRun r = CliRun.of(cmd, folder.toString(), "--out", out.toString());
            assertEquals(2, r.exit(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("not a valid SentencePiece model file"), r.err());
            assertFalse(Files.exists(out));
        }
        try (var files = java.nio.file.Files.list(dir)) {
            assertEquals(1, files.count(), "only the input folder");
        }
    }

    /** SparseGPT's zeros need a type that stores 0 exactly; N:M needs M to divide its 128-column blocks. */
    @Test
    void sparseGptIntoAKQuantOrABadNmIsOneLineExit2() {
        Path out = dir.resolve("x.gguf");
        String cal = Fixtures.dir().resolve("lm/calibration.txt").toString();
        for (String[] bad : new String[][] {{"--sparsity", "0.5"}, {"--nm", "2:3", "--gguf-type", "F16"}, {"--gguf-type", "F16"}}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("compress", Fixtures.dir().resolve("lm/llama").toString(),
                    "--out", out.toString(), "--method", "sparsegpt", "--calibration", cal));
            args.addAll(java.util.List.of(bad));
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(2, r.exit(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(Files.exists(out));
        }
    }

    @Test
    void bitsDoNotApplyToGguf() {
        Path out = dir.resolve("x.gguf");
        CliRun r = CliRun.of("compress", Fixtures.dir().resolve("lm/llama").toString(), "--out", out.toString(), "--bits", "4");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--gguf-type"), r.err());
        assertFalse(Files.exists(out));
    }

    /**
     * {@code --one-shot} reaches GPTQ into GGUF: block 0 (whose inputs no quantized block precedes) is the same bytes
     * as the default block-by-block file, block 1's are not; without a second-order method it is refused.
     */
    @Test
    void oneShotGptqIntoGgufDiffersFromSequentialFromBlockOne() throws java.io.IOException {
        String calibration = Fixtures.dir().resolve("lm/calibration.txt").toString();
        Path seq = dir.resolve("seq.gguf");
        Path one = dir.resolve("one.gguf");
        for (Path out : new Path[] {seq, one}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("compress", Fixtures.dir().resolve("lm/llama").toString(),
                    "--out", out.toString(), "--method", "gptq", "--calibration", calibration, "--calibration-samples", "4", "--quiet"));
            if (out == one) {
                args.add("--one-shot");
            }
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, r.exit(), r.err());
        }
        try (GgufCheckpoint a = new GgufReader().open(seq); GgufCheckpoint b = new GgufReader().open(one)) {
            for (String name : new String[] {"blk.0.ffn_down.weight", "blk.1.ffn_down.weight"}) {
                boolean same = java.util.Arrays.equals(a.tensor(name).orElseThrow().storedBytes().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                        b.tensor(name).orElseThrow().storedBytes().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                assertEquals(name.startsWith("blk.0."), same, name);
            }
        }
        Path none = dir.resolve("none.gguf");
        CliRun bad = CliRun.of("compress", Fixtures.dir().resolve("lm/llama").toString(), "--out", none.toString(), "--calibration",
                calibration, "--one-shot");
        assertEquals(2, bad.exit(), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertFalse(Files.exists(none));
    }
}
