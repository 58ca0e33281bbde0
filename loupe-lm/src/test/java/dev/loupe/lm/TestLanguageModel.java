package dev.loupe.lm;

import dev.loupe.core.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The forward pass against {@link NaiveDecoder} on tiny random models, in every layout it reads. */
class TestLanguageModel {
    private static final int[] TOKENS = {3, 0, 7, 7, 1, 12, 5, 9, 2, 11, 4};

    @TempDir
    Path dir;

    @Test
    void llamaWithGroupedQueryAttentionMatchesTheNaiveReference() {
        TinyLm m = TinyLm.llama(1);
        try (LanguageModel lm = LanguageModel.open(m.writeHf(dir.resolve("hf")))) {
            assertEquals(2, lm.config().heads() / lm.config().kvHeads());
            assertClose(NaiveDecoder.logits(m, TOKENS), lm.forward().logits(TOKENS), 1e-4);
        }
    }

    @Test
    void qwen2BiasesMatchTheNaiveReference() {
        TinyLm m = new TinyLm(false, 17, 16, 2, 4, 1, 20, 64, true, 5);
        try (LanguageModel lm = LanguageModel.open(m.writeHf(dir.resolve("hf")))) {
            assertClose(NaiveDecoder.logits(m, TOKENS), lm.forward().logits(TOKENS), 1e-4);
        }
        try (LanguageModel lm = LanguageModel.open(m.writeGguf(dir.resolve("q.gguf"), DType.F32))) {
            assertClose(NaiveDecoder.logits(m, TOKENS), lm.forward().logits(TOKENS), 1e-4);
        }
    }

    @Test
    void gpt2Conv1DMatchesTheNaiveReference() {
        TinyLm m = TinyLm.gpt2(2);
        int[] tokens = {18, 0, 4, 4, 9, 1, 2};
        try (LanguageModel lm = LanguageModel.open(m.writeHf(dir.resolve("hf")))) {
            assertClose(NaiveDecoder.logits(m, tokens), lm.forward().logits(tokens), 1e-4);
        }
    }

    /** llama.cpp permutes Q/K rows for its interleaved rope; running them interleaved must give the HF logits. */
    @Test
    void ggufLlamaWithPermutedQueryKeyRowsMatchesTheReference() {
        TinyLm m = TinyLm.llama(3);
        try (LanguageModel lm = LanguageModel.open(m.writeGguf(dir.resolve("m.gguf"), DType.F32))) {
            assertClose(NaiveDecoder.logits(m, TOKENS), lm.forward().logits(TOKENS), 1e-4);
        }
    }

    @Test
    void ggufGpt2TransposedMatchesTheReference() {
        TinyLm m = TinyLm.gpt2(4);
        int[] tokens = {1, 2, 3, 18, 17};
        try (LanguageModel lm = LanguageModel.open(m.writeGguf(dir.resolve("g.gguf"), DType.F16))) {
            // F16 storage rounds each weight by up to 2^-11 relative: compare loosely, and exactly after a decode-free path above
            assertClose(NaiveDecoder.logits(m, tokens), lm.forward().logits(tokens), 5e-2);
        }
    }

    static void assertClose(double[][] expected, float[] actual, double tol) {
        int v = expected[0].length;
        assertEquals(expected.length * v, actual.length);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < v; j++) {
                worst = Math.max(worst, Math.abs(expected[i][j] - actual[i * v + j]));
            }
        }
        assertTrue(worst <= tol, "max |difference| " + worst + " > " + tol);
    }
}
