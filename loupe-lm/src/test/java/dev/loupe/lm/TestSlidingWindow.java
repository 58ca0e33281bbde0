package dev.loupe.lm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mistral's and Qwen2's sliding-window attention: position i sees keys i−W+1 .. i (transformers' masking_utils and
 * llama.cpp's is_masked_swa agree on that band).
 */
class TestSlidingWindow {
    private static final int[] TOKENS = {3, 0, 7, 7, 1, 12, 5, 9, 2, 11, 4, 8, 6};

    @TempDir
    Path dir;

    /** Rewrites the folder's config.json with {@code fields} set. */
    private static Path withConfig(Path folder, Map<String, Object> fields) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = (ObjectNode) json.readTree(folder.resolve("config.json").toFile());
        fields.forEach((k, v) -> c.set(k, json.valueToTree(v)));
        json.writeValue(folder.resolve("config.json").toFile(), c);
        return folder;
    }

    @Test
    void mistralWindowMatchesTheBandedReference() throws IOException {
        TinyLm m = TinyLm.llama(11);
        Path hf = withConfig(m.writeHf(dir.resolve("m")), Map.of("architectures", new String[] {"MistralForCausalLM"}, "sliding_window", 4));
        try (LanguageModel lm = LanguageModel.open(hf)) {
            float[] got = lm.forward().logits(TOKENS);
            TestLanguageModel.assertClose(NaiveDecoder.logits(m, TOKENS, layer -> 4), got, 1e-4);
            double[][] full = NaiveDecoder.logits(m, TOKENS);
            assertTrue(Math.abs(full[TOKENS.length - 1][0] - got[(TOKENS.length - 1) * m.vocab]) > 1e-3,
                    "13 tokens through a window of 4 must differ from full attention");
        }
    }

    /**
     * A check that shares no code with the mask: RoPE scores depend only on relative positions and a one-layer LLaMA
     * has no absolute positions, so with window W the logits at position i equal full attention's at the last
     * position of tokens i−W+1 .. i run alone.
     */
    @Test
    void oneLayerWindowEqualsFullAttentionOnTheLastWTokens() throws IOException {
        TinyLm m = new TinyLm(false, 23, 16, 1, 4, 2, 24, 64, false, 12);
        int w = 3;
        Path sliding = withConfig(m.writeHf(dir.resolve("s")), Map.of("architectures", new String[] {"MistralForCausalLM"}, "sliding_window", w));
        try (LanguageModel lm = LanguageModel.open(sliding); LanguageModel full = LanguageModel.open(m.writeHf(dir.resolve("f")))) {
            float[] got = lm.forward().logits(TOKENS);
            int v = m.vocab;
            double worst = 0;
            for (int i = w - 1; i < TOKENS.length; i++) {
                float[] alone = full.forward().logits(Arrays.copyOfRange(TOKENS, i - w + 1, i + 1));
                for (int j = 0; j < v; j++) {
                    worst = Math.max(worst, Math.abs(alone[(w - 1) * v + j] - got[i * v + j]));
                }
            }
            assertTrue(worst < 1e-4, "max |difference| " + worst);
        }
    }

    /** Qwen2 slides only with use_sliding_window, and only from max_window_layers on (transformers' layer_types). */
    @Test
    void qwen2SlidesOnlyWhenAskedAndFromMaxWindowLayers() throws IOException {
        TinyLm m = new TinyLm(false, 17, 16, 2, 4, 1, 20, 64, true, 5);
        Path off = withConfig(m.writeHf(dir.resolve("off")), Map.of("sliding_window", 3, "use_sliding_window", false));
        try (LanguageModel lm = LanguageModel.open(off)) {
            assertNull(lm.config().slidingWindow());
            TestLanguageModel.assertClose(NaiveDecoder.logits(m, TOKENS), lm.forward().logits(TOKENS), 1e-4);
        }
        Path on = withConfig(m.writeHf(dir.resolve("on")), Map.of("sliding_window", 3, "use_sliding_window", true, "max_window_layers", 1));
        try (LanguageModel lm = LanguageModel.open(on)) {
            assertEquals(0, lm.config().window(0));
            assertEquals(3, lm.config().window(1));
            TestLanguageModel.assertClose(NaiveDecoder.logits(m, TOKENS, layer -> layer >= 1 ? 3 : 0), lm.forward().logits(TOKENS), 1e-4);
        }
    }
}
