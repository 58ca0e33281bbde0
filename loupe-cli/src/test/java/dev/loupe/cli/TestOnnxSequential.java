package dev.loupe.cli;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * SparseGPT on an ONNX model layer by layer (the default) against an independent composition of one-shot runs: fc1,
 * which reads the images either way, must equal the one-shot run's; fc2 must equal fc2 pruned one shot from a model
 * whose fc1 alone was pruned first (so its XᵀX is taken through the pruned fc1, as the papers' sequential calibration
 * does), and differ from fc2 pruned from the uncompressed model's activations.
 */
class TestOnnxSequential {
    @TempDir
    Path dir;

    @Test
    void fc2IsSparseGptOfTheModelWhoseFc1IsPruned() throws Exception {
        Path f = dev.loupe.core.data.Fixtures.dir();
        String mlp = f.resolve("models/mlp.onnx").toString();
        String x = f.resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz").toString();
        String[] common = {"--sparsity", "0.5", "--method", "sparsegpt", "--data", x, "--calibration-samples", "1000"};
        Path seq = dir.resolve("seq.onnx");
        Path shot = dir.resolve("shot.onnx");
        Path fc1Only = dir.resolve("fc1.onnx");
        Path composed = dir.resolve("composed.onnx");
        run(mlp, common, "--out", seq.toString());
        run(mlp, common, "--one-shot", "--out", shot.toString());
        run(mlp, common, "--one-shot", "--skip", "fc2|fc3", "--out", fc1Only.toString());
        run(fc1Only.toString(), common, "--one-shot", "--skip", "fc1|fc3", "--out", composed.toString());
        try (Checkpoint s = Checkpoints.open(seq); Checkpoint o = Checkpoints.open(shot); Checkpoint c = Checkpoints.open(composed)) {
            assertArrayEquals(weights(o, "fc1.weight"), weights(s, "fc1.weight"));
            float[] fc2 = weights(s, "fc2.weight");
            assertArrayEquals(weights(c, "fc2.weight"), fc2);
            assertFalse(Arrays.equals(weights(o, "fc2.weight"), fc2), "fc2 saw other inputs than in the one-shot run");
        }
    }

    private static void run(String model, String[] common, String... rest) {
        String[] args = new String[2 + common.length + rest.length];
        args[0] = "compress";
        args[1] = model;
        System.arraycopy(common, 0, args, 2, common.length);
        System.arraycopy(rest, 0, args, 2 + common.length, rest.length);
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exit(), r.err());
    }

    private static float[] weights(Checkpoint cp, String name) {
        return cp.tensor(name).orElseThrow().toFloats();
    }
}
