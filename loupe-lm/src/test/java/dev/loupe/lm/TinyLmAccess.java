package dev.loupe.lm;

import java.nio.file.Path;

/** Tiny models for tests in other packages. */
public final class TinyLmAccess {
    private TinyLmAccess() {
    }

    /** A 23-token LLaMA folder whose output head is all zeros (every logit 0). */
    public static Path llamaWithZeroHead(Path dir) {
        TinyLm m = TinyLm.llama(9);
        for (double[] row : m.w.get("head")) {
            java.util.Arrays.fill(row, 0);
        }
        return m.writeHf(dir.resolve("zero-head"));
    }

    /** A random tiny LLaMA folder. */
    public static Path llama(Path dir, long seed) {
        return TinyLm.llama(seed).writeHf(dir.resolve("llama-" + seed));
    }
}
