package dev.loupe.compress.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.data.Fixtures;
import dev.loupe.core.format.gguf.GgufCheckpoint;
import dev.loupe.core.format.gguf.GgufReader;
import dev.loupe.core.format.gguf.GgufValue;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loupe's Q4_K_M / Q5_K_M files against llama.cpp's own llama-quantize run on the fixture's F32 GGUF (stored output
 * of peers/llama-cpp/llama_quantize_peer.py: llama_model_quantize of node-llama-cpp 3.21.1, per tensor its type and
 * the SHA-256 of its bytes; two runs with a generated importance matrix that the test passes Loupe too): the same
 * type and the same bytes for every tensor, fallbacks included (64/160-wide rows), GPT-2's 256-wide ffn_down as
 * real Q4_K / Q6_K super-blocks, and the 256-wide fixture (fixtures/lm/make_kquant_fixture.py) re-quantized from its
 * Q8_0 GGUF with every weight a Q4_K or Q6_K.
 */
class TestLlamaQuantRules {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"llama,llama-q4_k_m", "llama,llama-q4_k_m-imatrix", "gpt2,gpt2-q4_k_m", "qwen2,qwen2-q5_k_m-imatrix",
            "gguf/llama256-q8_0.gguf,llama256-q4_k_m", "gguf/llama256-q8_0.gguf,llama256-q4_k_m-imatrix"})
    void sameTypesAndBytesAsLlamaQuantize(String model, String tag) throws IOException {
        JsonNode peer = new ObjectMapper().readTree(Fixtures.dir().resolve("lm/llama-cpp/quantize/llama-quantize-" + tag + ".json").toFile());
        Map<String, float[]> importance = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = peer.get("importance_f32_le").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ByteBuffer bb = ByteBuffer.wrap(Base64.getDecoder().decode(e.getValue().asText())).order(ByteOrder.LITTLE_ENDIAN);
            float[] w = new float[bb.remaining() / 4];
            bb.asFloatBuffer().get(w);
            importance.put(e.getKey(), w);
        }
        GgufFileType type = GgufFileType.valueOf(peer.get("ftype").asText());
        Path out = dir.resolve(tag + ".gguf");
        Path src = Fixtures.dir().resolve("lm").resolve(model);
        if (model.endsWith(".gguf")) {
            // llama-quantize --allow-requantize from the Q8_0 fixture: both dequantize Q8_0 and quantize again
            GgufRequantizer.requantize(src, out, new GgufOptions(type, Map.of(), importance), Progress.NONE);
        } else {
            HfToGguf.convert(src, out, new GgufOptions(type, Map.of(), importance), Progress.NONE);
        }
        try (GgufCheckpoint mine = new GgufReader().open(out)) {
            Map<String, Tensor> byName = mine.tensors().stream().collect(Collectors.toMap(Tensor::name, Function.identity()));
            assertEquals(peer.get("tensors").size(), byName.size());
            int kBlocks = 0;
            for (JsonNode t : peer.get("tensors")) {
                Tensor m = byName.get(t.get("name").asText());
                assertEquals(t.get("type").asText(), m.dtype().name(), t.get("name").asText());
                assertEquals(t.get("sha256").asText(), sha256(m.storedBytes().toArray(ValueLayout.JAVA_BYTE)), t.get("name").asText());
                kBlocks += m.dtype().blockElements() == 256 ? 1 : 0;
            }
            assertEquals(model.equals("gpt2") ? 2 : model.endsWith(".gguf") ? 8 : 0, kBlocks);
            GgufValue.Int ft = (GgufValue.Int) mine.ggufMetadata().entries().get("general.file_type");
            assertEquals(peer.get("file_type").asLong(), ft.value());
        }
    }

    /** use_more_bits by hand for 32 layers: 0-3, 28-31 and 4 + 3k + 2 = 6, 9, ..., 27. */
    @Test
    void moreBitsLayers() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            if (LlamaQuantRules.useMoreBits(i, 32)) {
                s.append(i).append(' ');
            }
        }
        assertEquals("0 1 2 3 6 9 12 15 18 21 24 27 28 29 30 31 ", s.toString());
        assertTrue(LlamaQuantRules.useMoreBits(0, 1));
        assertFalse(LlamaQuantRules.useMoreBits(0, 2));
        assertTrue(LlamaQuantRules.useMoreBits(1, 2));
        assertEquals(DType.Q8_0, GgufFileType.fallback(DType.Q6_K, 160));
        assertEquals(DType.F16, GgufFileType.fallback(DType.Q4_K, 100));
        assertEquals(DType.Q4_K, GgufFileType.fallback(DType.Q4_K, 512));
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
