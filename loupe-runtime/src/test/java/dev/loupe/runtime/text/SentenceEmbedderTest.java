package dev.loupe.runtime.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.bundled.BundledModels;
import dev.loupe.core.data.Fixtures;
import dev.loupe.runtime.OnnxModel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SentenceEmbedderTest {
    @Test
    void meanPoolsOverTheMaskAndNormalizes() {
        // tokens (3,4), (0,0) masked out, (1,2): mean (2,3) / sqrt(13)
        float[] v = SentenceEmbedder.meanPoolNormalize(new float[][]{{3, 4}, {100, 100}, {1, 2}}, new long[]{1, 0, 1});
        assertArrayEquals(new float[]{(float) (2 / Math.sqrt(13)), (float) (3 / Math.sqrt(13))}, v, 1e-7f);
    }

    /**
     * Embeddings from fixtures/make_minilm_reference.py: a numpy interpreter of the same ONNX graph (no ONNX
     * Runtime), mean pooling and L2 normalization in float64. Different kernels, so equal up to rounding.
     */
    @Test
    void matchesTheIndependentNumpyEmbeddings() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(Fixtures.dir().resolve("minilm/reference.json").toFile());
        List<String> texts = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (JsonNode e : ref.path("embeddings")) {
            texts.add(e.path("text").asText());
            float[] v = new float[e.path("embedding").size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) e.path("embedding").get(i).asDouble();
            }
            expected.add(v);
        }
        try (OnnxModel model = OnnxModel.open(BundledModels.miniLm(), 2)) {
            SentenceEmbedder emb = new SentenceEmbedder(model,
                    WordPieceTokenizer.load(BundledModels.miniLmTokenizer(), ref.path("max_length").asInt()), Pooling.MEAN);
            float[][] got = emb.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertEquals(384, got[i].length);
                double dot = 0;
                for (int d = 0; d < 384; d++) {
                    dot += (double) got[i][d] * expected.get(i)[d];
                }
                assertTrue(dot >= 0.9999, "cosine " + dot + " for: " + texts.get(i));
            }
        }
    }

    /** Token counts of the run against the reference's own (Python tokenizer, fixtures/make_minilm_reference.py). */
    @Test
    void embedAllCountsTokensAsTheReferenceAndNormalizes() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(Fixtures.dir().resolve("minilm/reference.json").toFile());
        List<String> texts = new ArrayList<>();
        long sum = 0;
        int max = 0;
        for (JsonNode e : ref.path("embeddings")) {
            texts.add(e.path("text").asText());
            sum += e.path("tokens").asInt();
            max = Math.max(max, e.path("tokens").asInt());
        }
        try (OnnxModel model = OnnxModel.open(BundledModels.miniLm(), 2)) {
            SentenceEmbeddings r = new SentenceEmbedder(model,
                    WordPieceTokenizer.load(BundledModels.miniLmTokenizer(), ref.path("max_length").asInt()), Pooling.MEAN)
                    .embedAll(texts, dev.loupe.core.progress.Progress.NONE);
            assertEquals(texts.size(), r.sentences());
            assertEquals(384, r.dimension());
            assertEquals((double) sum / texts.size(), r.meanTokens(), 1e-12);
            assertEquals(max, r.maxTokens());
            assertEquals(1.0, r.meanNorm(), 1e-6);
        }
    }
}
