package dev.loupe.lm.perplexity;

import dev.loupe.core.LoupeException;
import dev.loupe.core.progress.Progress;
import dev.loupe.lm.LanguageModel;
import dev.loupe.lm.TinyLmAccess;
import dev.loupe.lm.forward.LinearObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestPerplexity {
    @TempDir
    Path dir;

    /** Worked by hand: 10 tokens, N=4, S=2 -> windows at 0,2,4,6 scoring 3+2+2+2 = 9 tokens (all but the first). */
    @Test
    void slidingWindowsScoreEveryTokenButTheFirstOnce() {
        List<Window> p = Window.plan(Convention.SLIDING_WINDOW, 10, 4, 2, -1);
        assertEquals(List.of(new Window(0, 4, 0, -1), new Window(2, 4, 1, -1), new Window(4, 4, 1, -1), new Window(6, 4, 1, -1)), p);
        assertEquals(9, p.stream().mapToInt(Window::scored).sum());
        // stride = context: disjoint windows [0,4) [4,8) [8,10); a window's first token has no context in it and is
        // not scored (as transformers' label shift does), so 3 + 3 + 1 = 7
        assertEquals(7, Window.plan(Convention.SLIDING_WINDOW, 10, 4, 4, -1).stream().mapToInt(Window::scored).sum());
    }

    /** llama.cpp: floor(10/4) = 2 chunks, each scoring positions 2..2 (n_ctx/2 .. n_ctx-2): 1 token each. */
    @Test
    void llamaCppChunksScoreTheSecondHalf() {
        List<Window> p = Window.plan(Convention.LLAMA_CPP, 10, 4, 4, 7);
        assertEquals(List.of(new Window(0, 4, 2, 7), new Window(4, 4, 2, 7)), p);
        assertEquals(2, p.stream().mapToInt(Window::scored).sum());
    }

    /** With the output head zeroed every logit is 0, so p = 1/V for every token: perplexity = V exactly. */
    @Test
    void aModelWithZeroLogitsHasPerplexityEqualToItsVocabulary() {
        try (LanguageModel lm = LanguageModel.open(TinyLmAccess.llamaWithZeroHead(dir))) {
            int[] tokens = {1, 5, 2, 9, 9, 0, 3, 4, 22, 7, 6, 5, 4, 3, 2, 1, 0};
            PerplexityResult r = Perplexity.evaluate(lm, "t", tokens, Convention.SLIDING_WINDOW, 8, 3, LinearObserver.NONE, Progress.NONE);
            assertEquals(16, r.tokensScored());
            assertEquals(23, r.perplexity(), 1e-9);
            assertEquals(Math.log(23), r.meanNll(), 1e-12);
            PerplexityResult c = Perplexity.evaluate(lm, "t", tokens, Convention.LLAMA_CPP, 8, 8, LinearObserver.NONE, Progress.NONE);
            assertEquals(6, c.tokensScored());
            assertEquals(23, c.perplexity(), 1e-9);
        }
    }

    @Test
    void contextLongerThanThePositionTableIsTheUsersError() {
        try (LanguageModel lm = LanguageModel.open(TinyLmAccess.llamaWithZeroHead(dir))) {
            LoupeException e = assertThrows(LoupeException.class, () -> Perplexity.evaluate(lm, "t", new int[100], Convention.SLIDING_WINDOW,
                    65, 65, LinearObserver.NONE, Progress.NONE));
            assertTrue(e.getMessage().contains("longer than the model's 64 positions"), e.getMessage());
        }
    }

    @Test
    void nllIsTheLogSoftmaxAtTheTarget() {
        float[] logits = {0f, (float) Math.log(3)};
        assertEquals(Math.log(4), Perplexity.nll(logits, 0, 2, 0), 1e-7);
        assertEquals(Math.log(4.0 / 3), Perplexity.nll(logits, 0, 2, 1), 1e-7);
    }
}
