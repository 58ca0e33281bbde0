package dev.loupe.core.format.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.checkpoint.Checkpoints;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Loupe's reader against an independent parser: {@code gguf/peer.gguf} as read by Hugging Face's
 * @huggingface/gguf (provenance in {@code src/test/resources/gguf/README.md}).
 */
class TestGgufPeer {
    /** Pseudo-keys the peer adds from the header; they are not metadata entries. */
    private static final Set<String> HEADER_KEYS = Set.of("version", "tensor_count", "kv_count");

    @Test
    void agreesWithHuggingFaceGguf() throws Exception {
        JsonNode peer;
        try (InputStream in = TestGgufPeer.class.getResourceAsStream("/gguf/peer.gguf.expected.json")) {
            assertNotNull(in);
            peer = new ObjectMapper().readTree(in);
        }
        Path file = Path.of(TestGgufPeer.class.getResource("/gguf/peer.gguf").toURI());
        try (GgufCheckpoint c = (GgufCheckpoint) Checkpoints.open(file)) {
            GgufHeader h = c.header();
            assertEquals(peer.get("version").asInt(), h.version());
            assertEquals(peer.get("tensorDataOffset").asLong(), h.dataStart());
            int compared = 0;
            for (Map.Entry<String, JsonNode> e : peer.get("metadata").properties()) {
                if (HEADER_KEYS.contains(e.getKey())) {
                    continue;
                }
                GgufValue mine = c.ggufMetadata().get(e.getKey()).orElseThrow(() -> new AssertionError(e.getKey()));
                JsonNode theirs = e.getValue();
                assertEquals(theirs.get("type").asInt(), mine.type().id(), e.getKey());
                assertValue(e.getKey(), theirs.get("value"), mine);
                if (mine instanceof GgufValue.FixedArray a) {
                    assertEquals(theirs.get("subType").asInt(), a.elementType().id(), e.getKey());
                }
                compared++;
            }
            assertEquals(c.ggufMetadata().entries().size(), compared);
            JsonNode tensors = peer.get("tensors");
            assertEquals(tensors.size(), h.tensors().size());
            for (int i = 0; i < tensors.size(); i++) {
                JsonNode t = tensors.get(i);
                GgufTensorInfo mine = h.tensors().get(i);
                assertEquals(t.get("name").asText(), mine.name());
                long[] ne = new long[t.get("ne").size()];
                for (int d = 0; d < ne.length; d++) {
                    ne[d] = t.get("ne").get(d).asLong();
                }
                assertArrayEquals(ne, mine.ne(), mine.name());
                assertEquals(t.get("type").asInt(), mine.ggmlType(), mine.name());
                assertEquals(t.get("offset").asLong(), mine.offset(), mine.name());
            }
        }
    }

    private static void assertValue(String key, JsonNode theirs, GgufValue mine) {
        switch (mine) {
            case GgufValue.Str s -> assertEquals(theirs.asText(), s.value(), key);
            case GgufValue.Int n -> assertEquals(theirs.asLong(), n.value(), key);
            case GgufValue.Real r -> assertEquals(theirs.asDouble(), r.value(), key);
            case GgufValue.Bool b -> assertEquals(theirs.asBoolean(), b.value(), key);
            case GgufValue.FixedArray a -> {
                assertEquals(theirs.size(), a.count(), key);
                for (int i = 0; i < a.count(); i++) {
                    assertValue(key + "[" + i + "]", theirs.get(i), a.get(i));
                }
            }
            case GgufValue.ValueArray a -> {
                List<GgufValue> v = a.values();
                assertEquals(theirs.size(), v.size(), key);
                for (int i = 0; i < v.size(); i++) {
                    assertValue(key + "[" + i + "]", theirs.get(i), v.get(i));
                }
            }
        }
    }
}
