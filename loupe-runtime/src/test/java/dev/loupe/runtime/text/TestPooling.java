package dev.loupe.runtime.text;

import dev.loupe.core.LoupeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** bge pools the [CLS] state, MiniLM and e5 the mean; a sentence-transformers directory says which. */
class TestPooling {
    @TempDir
    Path dir;

    @Test
    void clsTakesTheFirstTokenOnlyAndNormalizes() {
        // tokens: [CLS] = (3, 4) -> (0.6, 0.8); the others must not matter
        float[][] states = {{3, 4}, {100, -7}, {1, 1}};
        assertArrayEquals(new float[] {0.6f, 0.8f}, SentenceEmbedder.clsNormalize(states), 1e-7f);
        // the mean of the three is (104/3, -2/3): a different vector
        float[] mean = SentenceEmbedder.meanPoolNormalize(states, new long[] {1, 1, 1});
        double n = Math.hypot(104, -2);
        assertArrayEquals(new float[] {(float) (104 / n), (float) (-2 / n)}, mean, 1e-7f);
    }

    @Test
    void sentenceTransformersConfigNextToTheModelOrItsParentDecides() throws IOException {
        // the layout of BAAI/bge-small-en-v1.5 on the Hub: 1_Pooling/config.json at the top, the ONNX in onnx/
        Path pool = Files.createDirectories(dir.resolve("1_Pooling"));
        Files.writeString(pool.resolve("config.json"), """
                {"word_embedding_dimension": 384, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false,
                 "pooling_mode_max_tokens": false, "pooling_mode_mean_sqrt_len_tokens": false}""");
        Path onnx = Files.createDirectories(dir.resolve("onnx")).resolve("model.onnx");
        assertEquals(Optional.of(Pooling.CLS), Pooling.declaredNear(onnx));
        assertEquals(Optional.of(Pooling.CLS), Pooling.declaredNear(dir.resolve("model.onnx")));
        assertEquals(Optional.empty(), Pooling.declaredNear(dir.resolve("onnx/deeper/model.onnx")));

        Files.writeString(pool.resolve("config.json"), """
                {"pooling_mode_cls_token": false, "pooling_mode_mean_tokens": true}""");
        assertEquals(Optional.of(Pooling.MEAN), Pooling.declaredNear(onnx));

        Files.writeString(pool.resolve("config.json"), """
                {"pooling_mode_cls_token": false, "pooling_mode_mean_tokens": false, "pooling_mode_max_tokens": true}""");
        assertThrows(LoupeException.class, () -> Pooling.declaredNear(onnx));
    }
}
