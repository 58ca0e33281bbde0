package dev.loupe.lm.onnx;

import dev.loupe.core.LoupeException;
import dev.loupe.core.data.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

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
}
