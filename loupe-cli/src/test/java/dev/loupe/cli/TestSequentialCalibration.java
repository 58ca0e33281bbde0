package dev.loupe.cli;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.safetensors.LoupeQuantized;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GPTQ and SparseGPT on a decoder LM block by block (the default) against an independent composition of one-shot runs: block 1
 * compressed one shot from a model whose block 0 already holds the sequential run's dequantized weights must come out
 * code for code as in the sequential run; block 0, which sees the same inputs either way, must equal the one-shot run.
 */
class TestSequentialCalibration {
    @TempDir
    Path dir;

    @Test
    void blockOneIsGptqOfTheModelWhoseBlockZeroIsCompressed() throws Exception {
        Path f = dev.loupe.core.data.Fixtures.dir();
        Path llama = f.resolve("lm/llama");
        String cal = f.resolve("lm/calibration.txt").toString();
        Path seq = dir.resolve("seq.safetensors");
        Path shot = dir.resolve("shot.safetensors");
        assertEquals(0, CliRun.of("compress", llama.toString(), "--bits", "3", "--method", "gptq", "--calibration", cal,
                "--out", seq.toString()).exit());
        assertEquals(0, CliRun.of("compress", llama.toString(), "--bits", "3", "--method", "gptq", "--calibration", cal,
                "--one-shot", "--out", shot.toString()).exit());
        // the model with block 0 as the sequential run left it, everything else original
        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        for (String name : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
            Files.copy(llama.resolve(name), mixed.resolve(name));
        }
        try (Checkpoint src = Checkpoints.open(llama); Checkpoint s = LoupeQuantized.dequantized(Checkpoints.open(seq))) {
            List<Tensor> ts = new ArrayList<>();
            for (Tensor t : src.tensors()) {
                ts.add(t.name().startsWith("model.layers.0.") ? s.tensor(t.name()).orElseThrow() : t);
            }
            SafetensorsWriter.write(mixed.resolve("model.safetensors"), ts, Map.of());
        }
        Path composed = dir.resolve("composed.safetensors");
        CliRun r = CliRun.of("compress", mixed.toString(), "--bits", "3", "--method", "gptq", "--calibration", cal, "--one-shot",
                "--skip", "layers\\.0\\.", "--out", composed.toString());
        assertEquals(0, r.exit(), r.err());
        int block0 = 0;
        int block1 = 0;
        boolean block1DiffersFromOneShot = false;
        try (Checkpoint a = Checkpoints.open(seq); Checkpoint b = Checkpoints.open(shot); Checkpoint c = Checkpoints.open(composed)) {
            for (Tensor t : a.tensors()) {
                if (!t.name().endsWith(".qweight") && !t.name().endsWith(".scales")) {
                    continue;
                }
                byte[] mine = bytes(t);
                if (t.name().startsWith("model.layers.0.")) {
                    assertArrayEquals(bytes(b.tensor(t.name()).orElseThrow()), mine, t.name());
                    block0++;
                } else {
                    assertArrayEquals(bytes(c.tensor(t.name()).orElseThrow()), mine, t.name());
                    block1DiffersFromOneShot |= !java.util.Arrays.equals(bytes(b.tensor(t.name()).orElseThrow()), mine);
                    block1++;
                }
            }
        }
        assertEquals(14, block0);
        assertEquals(14, block1);
        assertTrue(block1DiffersFromOneShot, "block 1 saw other inputs than in the one-shot run");
    }

    /**
     * SparseGPT 50 % on GPT-2 (Conv1D weights stored [in, out], pruned weights written dense): block 1 of the sequential
     * run equals, value for value, block 1 of a one-shot run on the model whose block 0 holds the sequential run's
     * pruned weights; and it differs from the plain one-shot run's.
     */
    @Test
    void gpt2SparseGptBlockOneIsPrunedFromTheModelWhoseBlockZeroIsPruned() throws Exception {
        Path f = dev.loupe.core.data.Fixtures.dir();
        Path gpt2 = f.resolve("lm/gpt2");
        String cal = f.resolve("lm/calibration.txt").toString();
        Path seq = dir.resolve("seq.safetensors");
        Path shot = dir.resolve("shot.safetensors");
        String[] common = {"--sparsity", "0.5", "--method", "sparsegpt", "--calibration", cal, "--calibration-samples", "16"};
        assertEquals(0, CliRun.of(concat(new String[] {"compress", gpt2.toString()}, common, "--out", seq.toString())).exit());
        assertEquals(0, CliRun.of(concat(new String[] {"compress", gpt2.toString()}, common, "--one-shot", "--out", shot.toString())).exit());
        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        for (String name : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
            Files.copy(gpt2.resolve(name), mixed.resolve(name));
        }
        try (Checkpoint src = Checkpoints.open(gpt2); Checkpoint s = Checkpoints.open(seq)) {
            List<Tensor> ts = new ArrayList<>();
            for (Tensor t : src.tensors()) {
                ts.add(t.name().contains("h.0.") ? s.tensor(t.name()).orElseThrow() : t);
            }
            SafetensorsWriter.write(mixed.resolve("model.safetensors"), ts, Map.of());
        }
        Path composed = dir.resolve("composed.safetensors");
        CliRun r = CliRun.of(concat(new String[] {"compress", mixed.toString()}, common, "--one-shot", "--skip", "h\\.0\\.",
                "--out", composed.toString()));
        assertEquals(0, r.exit(), r.err());
        int block1 = 0;
        boolean differs = false;
        try (Checkpoint a = Checkpoints.open(seq); Checkpoint b = Checkpoints.open(shot); Checkpoint c = Checkpoints.open(composed)) {
            for (Tensor t : a.tensors()) {
                if (t.name().contains("h.1.") && t.name().endsWith(".weight") && t.rank() == 2) {
                    assertArrayEquals(bytes(c.tensor(t.name()).orElseThrow()), bytes(t), t.name());
                    differs |= !java.util.Arrays.equals(bytes(b.tensor(t.name()).orElseThrow()), bytes(t));
                    block1++;
                }
            }
        }
        assertEquals(4, block1); // c_attn, c_proj, c_fc, mlp c_proj
        assertTrue(differs, "block 1 saw other inputs than in the one-shot run");
    }

    private static String[] concat(String[] head, String[] mid, String... tail) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(List.of(mid));
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }

    private static byte[] bytes(Tensor t) {
        return t.storedBytes().toArray(ValueLayout.JAVA_BYTE);
    }
}
