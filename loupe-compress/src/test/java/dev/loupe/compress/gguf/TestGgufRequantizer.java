package dev.loupe.compress.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.data.Fixtures;
import dev.loupe.core.format.gguf.GgufCheckpoint;
import dev.loupe.core.format.gguf.GgufReader;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GGUF -> GGUF: the same tensors as converting the Hugging Face folder, and the Done-when check of issue 14 with real
 * K-quant super-blocks: the 256-wide fixture LLaMA (fixtures/lm/make_kquant_fixture.py) as Q4_K_M, as Q4_K_M with
 * importances from the calibration text, as Loupe's allocated mixture, and as Q4_K_M by GPTQ on each tensor's fixed
 * K-quant grid ({@link GgmlGptq}), each file's perplexity by Loupe against
 * llama.cpp's on the same file (stored: fixtures/lm/llama-cpp/loupe-llama256-*-ctx128.json, node-llama-cpp 3.21.1).
 */
class TestGgufRequantizer {
    @TempDir
    Path dir;

    @Test
    void requantizedF32GgufEqualsTheConvertedFolder() {
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        GgufRequantizer.requantize(Fixtures.dir().resolve("lm/gguf/llama-f32.gguf"), a, GgufOptions.of(GgufFileType.Q4_K_M), Progress.NONE);
        HfToGguf.convert(Fixtures.dir().resolve("lm/llama"), b, GgufFileType.Q4_K_M, Progress.NONE);
        try (GgufCheckpoint x = new GgufReader().open(a); GgufCheckpoint y = new GgufReader().open(b)) {
            List<Tensor> tx = x.tensors();
            List<Tensor> ty = y.tensors();
            assertEquals(ty.size(), tx.size());
            for (Tensor t : ty) {
                Tensor u = tx.stream().filter(s -> s.name().equals(t.name())).findFirst().orElseThrow();
                assertEquals(t.dtype(), u.dtype(), t.name());
                assertArrayEquals(t.storedBytes().toArray(ValueLayout.JAVA_BYTE), u.storedBytes().toArray(ValueLayout.JAVA_BYTE), t.name());
            }
            assertEquals(15L, x.ggufMetadata().integer("general.file_type").orElseThrow());
        }
    }

    /**
     * llama.cpp's perplexity on each file Loupe writes from the 256-wide fixture (where Q4_K and Q6_K blocks are real)
     * and Loupe's own evaluation of the same file agree within 0.1 % (the issue asks 1 %).
     */
    @ParameterizedTest
    @ValueSource(strings = {"q4_k_m", "q4_k_m-imatrix", "knapsack-imatrix", "gptq-q4_k_m"})
    void llamaCppPerplexityOfTheK256FileMatchesLoupe(String variant) throws IOException {
        JsonNode peer = new ObjectMapper().readTree(Fixtures.dir().resolve("lm/llama-cpp/loupe-llama256-" + variant + "-ctx128.json").toFile());
        Path src = Fixtures.dir().resolve("lm/gguf/llama256-q8_0.gguf");
        Path out = dir.resolve(variant + ".gguf");
        boolean calibrated = variant.endsWith("-imatrix") || variant.startsWith("gptq");
        if (calibrated) {
            GgufCompressor.Result r = GgufCompressor.run(new GgufCompressor.Request(src, out, GgufFileType.Q4_K_M,
                    Fixtures.dir().resolve("lm/calibration.txt"), null, 128, variant.startsWith("knapsack"),
                    variant.startsWith("gptq") ? new SecondOrder.Gptq(false) : null), Progress.NONE);
            assertEquals(variant.startsWith("gptq") ? 7 : 0, r.secondOrderTensors());
        } else {
            GgufRequantizer.requantize(src, out, GgufOptions.of(GgufFileType.Q4_K_M), Progress.NONE);
        }
        try (GgufCheckpoint c = new GgufReader().open(out)) {
            assertTrue(c.tensors().stream().anyMatch(t -> t.dtype() == DType.Q4_K), "real Q4_K blocks");
            assertTrue(c.tensors().stream().anyMatch(t -> t.dtype() == DType.Q6_K), "real Q6_K blocks");
        }
        TestHfToGguf.assertPerplexityMatches(out, peer, variant);
    }

    /**
     * SparseGPT before ggml's quantizer: each calibrated tensor of the F16 file is half zeros (kept exactly by F16), the
     * others dense; llama.cpp's perplexity of the file (stored run) equals Loupe's within 0.1 %; a K-quant type is refused.
     */
    @Test
    void sparseGptInF16() throws IOException {
        Path src = Fixtures.dir().resolve("lm/gguf/llama256-q8_0.gguf");
        Path out = dir.resolve("sparsegpt50-f16.gguf");
        Path calibration = Fixtures.dir().resolve("lm/calibration.txt");
        SecondOrder half = new SecondOrder.SparseGpt(dev.loupe.compress.sparsegpt.SparseGptSpec.unstructured(0.5));
        GgufCompressor.Result r = GgufCompressor.run(new GgufCompressor.Request(src, out, GgufFileType.F16, calibration, null, 128,
                false, half), Progress.NONE);
        assertEquals(7, r.secondOrderTensors());
        int sparse = 0;
        try (GgufCheckpoint c = new GgufReader().open(out)) {
            for (Tensor t : c.tensors()) {
                float[] w = t.toFloats();
                long zeros = 0;
                for (float v : w) {
                    zeros += v == 0 ? 1 : 0;
                }
                boolean linear = t.name().startsWith("blk.") && t.shape().length == 2;
                if (linear) {
                    sparse++;
                    assertEquals(0.5, zeros / (double) w.length, 0.01, t.name());
                } else {
                    assertTrue(zeros < w.length / 10, t.name() + " stays dense");
                }
            }
        }
        assertEquals(7, sparse);
        JsonNode peer = new ObjectMapper().readTree(Fixtures.dir().resolve("lm/llama-cpp/loupe-llama256-sparsegpt50-f16-ctx128.json").toFile());
        TestHfToGguf.assertPerplexityMatches(out, peer, "sparsegpt50-f16");
        Path refused = dir.resolve("refused.gguf");
        assertThrows(dev.loupe.core.LoupeException.class, () -> GgufCompressor.run(new GgufCompressor.Request(src, refused,
                GgufFileType.Q4_K_M, calibration, null, 128, false, half), Progress.NONE));
        assertTrue(java.nio.file.Files.notExists(refused));
    }
}
