package dev.loupe.lm;

import dev.loupe.core.progress.Progress;
import dev.loupe.lm.calibrate.BlockSequence;
import dev.loupe.lm.calibrate.CalibrationOptions;
import dev.loupe.lm.calibrate.CalibrationStats;
import dev.loupe.lm.calibrate.Calibrator;
import dev.loupe.lm.calibrate.LayerInputs;
import dev.loupe.lm.weights.Linear;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The windows carried one block at a time give each block's input statistics as the whole-model forward pass does:
 * block 0 as in the model itself, and block 1, after block 0's weights were replaced by other ones, as the whole
 * forward pass of a second model that stores those other weights gives them (Calibrator.collect, independent of the
 * per-block API); one pass per block ({@code pass}) gives every block's statistics as the whole pass does. LLaMA and GPT-2 (whose Conv1D weights are stored [in, out]).
 */
class TestBlockSequence {
    @TempDir
    Path dir;

    @Test
    void eachBlockSeesWhatTheWholeForwardPassOfTheEditedModelGivesIt() {
        for (boolean gpt2 : new boolean[] {false, true}) {
            TinyLm m = gpt2 ? TinyLm.gpt2(5) : TinyLm.llama(3);
            TinyLm edited = gpt2 ? TinyLm.gpt2(5) : TinyLm.llama(3);
            for (String name : gpt2 ? List.of("l0.qkv", "l0.up") : List.of("l0.q", "l0.v", "l0.down")) {
                double[][] w = edited.w.get(name);
                for (int i = 0; i < w.length; i++) {
                    for (int j = 0; j < w[i].length; j++) {
                        w[i][j] = (i + j) % 3 == 0 ? 0 : (float) (w[i][j] * 0.75); // "pruned" and rescaled, float-exact
                    }
                }
            }
            String tag = gpt2 ? "gpt2" : "llama";
            int[] tokens = new Random(7).ints(27, 0, m.vocab).toArray();
            CalibrationOptions all = new CalibrationOptions(8, 5, n -> true); // 3 windows of 8; 3 tokens left over
            try (LanguageModel lm = LanguageModel.open(m.writeHf(dir.resolve(tag)));
                 LanguageModel other = LanguageModel.open(edited.writeHf(dir.resolve(tag + "-edited")))) {
                CalibrationStats plain = Calibrator.collect(lm, tokens, all, Progress.NONE);
                CalibrationStats whole = Calibrator.collect(other, tokens, all, Progress.NONE);
                BlockSequence seq = BlockSequence.start(lm, tokens, all);
                assertEquals(3, seq.windows());
                assertEquals(8, seq.context());
                CalibrationStats block0 = seq.observe(n -> true);
                assertSame(plain, block0, lm.weights().blocks().get(0).linears(), tag + " block 0");
                List<Linear> mine = lm.weights().blocks().get(0).linears();
                List<Linear> theirs = other.weights().blocks().get(0).linears();
                for (int i = 0; i < mine.size(); i++) {
                    seq.replace(mine.get(i), theirs.get(i).weight().toFloats());
                }
                seq.advance();
                assertEquals(1, seq.next());
                CalibrationStats block1 = seq.observe(n -> n.contains("layers.1.") || n.contains("h.1."));
                List<Linear> second = lm.weights().blocks().get(1).linears();
                assertSame(whole, block1, second, tag + " block 1 after the edit");
                // one pass per block, the windows carried on through the block as it is: every block as the whole pass gives it
                BlockSequence once = BlockSequence.start(lm, tokens, all);
                for (int k = 0; k < m.layers; k++) {
                    assertSame(plain, once.pass(n -> true), lm.weights().blocks().get(k).linears(), tag + " one pass, block " + k);
                }
                LayerInputs before = plain.layers().get(second.getFirst().name());
                assertFalse(java.util.Arrays.equals(before.gram(), block1.layers().get(second.getFirst().name()).gram()),
                        tag + ": the edit changed block 1's inputs");
            }
        }
    }

    private static void assertSame(CalibrationStats expected, CalibrationStats actual, List<Linear> layers, String what) {
        for (Linear l : layers) {
            LayerInputs e = expected.layers().get(l.name());
            LayerInputs a = actual.layers().get(l.name());
            assertEquals(e.rows(), a.rows(), what + " " + l.name());
            double scale = java.util.Arrays.stream(e.gram()).map(Math::abs).max().orElse(1);
            assertArrayEquals(e.sumSquares(), a.sumSquares(), 1e-6 * scale, what + " " + l.name());
            assertArrayEquals(e.gram(), a.gram(), 1e-6 * scale, what + " " + l.name());
        }
    }
}
