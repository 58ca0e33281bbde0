package dev.loupe.lm.onnx;

import dev.loupe.core.LoupeException;
import dev.loupe.core.data.Fixtures;
import dev.loupe.core.progress.Progress;
import dev.loupe.lm.CausalLm;
import dev.loupe.lm.forward.LinearObserver;
import dev.loupe.lm.perplexity.Convention;
import dev.loupe.lm.perplexity.Perplexity;
import dev.loupe.lm.perplexity.PerplexityResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an ONNX graph must declare to be scored as a decoder LM, and the one-line refusals (the torch-vs-Loupe numbers
 * of the llama export are in {@code TestFixtureModels.onnxExportsMatchTorch}).
 */
class TestOnnxDecoder {
    private static final Path LLAMA = Fixtures.dir().resolve("lm/llama");

    @Test
    void aClassifierIsNotADecoder() {
        Path cnn = Fixtures.dir().resolve("models/cnn.onnx");
        assertTrue(OnnxDecoder.openIfDecoder(cnn, null).isEmpty());
        LoupeException e = assertThrows(LoupeException.class, () -> OnnxDecoder.open(cnn, null));
        assertTrue(e.getMessage().contains("cnn.onnx: is not a decoder LM: no float output 'logits' [batch, sequence, vocab] "
                + "(outputs: logits FLOAT[-1, 10])"), e.getMessage());
    }

    @Test
    void aCacheWhoseShapeCannotBeDerivedIsRefused() {
        LoupeException e = assertThrows(LoupeException.class,
                () -> OnnxDecoder.open(Fixtures.dir().resolve("lm/onnx/past-symbolic-heads.onnx"), LLAMA.resolve("tokenizer.json")));
        assertTrue(e.getMessage().contains("cannot derive the shape of an empty cache for input 'past_key_values.0.key' "
                + "[-1, -1, -1, 4]: dimension 1 ('num_heads')"), e.getMessage());
    }

    @Test
    void vocabularyAndBosComeFromTheGraphAndTheConfigBesideIt() {
        try (OnnxDecoder d = OnnxDecoder.open(LLAMA.resolve("model-with-past.onnx"), null)) {
            assertEquals(512, d.vocabSize());
            assertEquals(510, d.bosId());
            assertEquals(510, d.tokenize("a")[0], "llama's tokenizer.json adds BOS");
            LoupeException e = assertThrows(LoupeException.class, () -> d.window(new int[] {510, 32}, (layer, x, rows) -> { }));
            assertTrue(e.getMessage().contains("calibration statistics need Loupe's own forward pass"), e.getMessage());
        }
    }

    @Test
    void aTokenizerBeyondTheLogitsIsRefused() {
        LoupeException e = assertThrows(LoupeException.class, () -> OnnxDecoder.open(
                Fixtures.dir().resolve("lm/onnx/vocab8.onnx"), LLAMA.resolve("tokenizer.json")));
        assertTrue(e.getMessage().contains("tokenizer.json: the tokenizer has ids up to 511 but the model's logits cover a "
                + "vocabulary of 8"), e.getMessage());
    }

    /**
     * A folder in Optimum's layout (config.json, model.onnx, tokenizer.json, no safetensors) opens as its graph, and the
     * scorer's sliding windows come out as worked by hand: vocab8.onnx has no attention, its logits for token t are row
     * t of its embedding, E[t][j] = (8t + j) mod 7, so each scored token is predicted from the one before it alone.
     */
    @Test
    void anOptimumFolderRunsItsGraphAndScoresAsWorkedByHand(@TempDir Path tmp) throws IOException {
        Path d = Files.createDirectories(tmp.resolve("export"));
        Files.copy(Fixtures.dir().resolve("lm/onnx/vocab8.onnx"), d.resolve("model.onnx"));
        Files.writeString(d.resolve("config.json"), "{\"max_position_embeddings\": 16, \"bos_token_id\": 0}");
        Files.writeString(d.resolve("tokenizer.json"), """
                {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [], "normalizer": null,
                 "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
                 "model": {"type": "WordLevel", "vocab": {"a": 0, "b": 1, "c": 2, "d": 3, "e": 4, "f": 5, "g": 6, "h": 7},
                 "unk_token": "a"}}""");
        try (CausalLm lm = CausalLm.open(d)) {
            assertEquals(OnnxDecoder.class, lm.getClass());
            assertEquals(16, lm.maxPositions());
            assertEquals(8, lm.vocabSize());
            int[] ids = lm.tokenize("b c d e f g h a b c h h");
            assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 7, 7}, ids);
            double nll = 0;
            for (int i = 1; i < ids.length; i++) {
                int prev = ids[i - 1];
                double z = 0;
                for (int j = 0; j < 8; j++) {
                    z += Math.exp((8 * prev + j) % 7);
                }
                nll += Math.log(z) - (8 * prev + ids[i]) % 7;
            }
            PerplexityResult r = Perplexity.evaluate(lm, "t", ids, Convention.SLIDING_WINDOW, 4, 2, LinearObserver.NONE, Progress.NONE);
            assertEquals(ids.length - 1, r.tokensScored());
            assertEquals(nll / (ids.length - 1), r.meanNll(), 1e-6);
            LoupeException e = assertThrows(LoupeException.class, () -> Perplexity.evaluate(lm, "t", ids, Convention.SLIDING_WINDOW,
                    17, 2, LinearObserver.NONE, Progress.NONE));
            assertTrue(e.getMessage().contains("--context 17 is longer than the model's 16 positions"), e.getMessage());
        }
    }
}
