package dev.loupe.core.format.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Streamed safetensors: declared up front, filled in any order, sharded as Hugging Face does, nothing left on failure. */
class TestSafetensorsShards {
    @TempDir
    Path dir;

    private static final Map<String, String> META = Map.of("format", "pt");

    private static List<Tensor> model() {
        // 3 x 4 x 2 = 24 B, 40 B, 8 B, 96 B, 16 B
        return List.of(SafetensorsRoundTripTest.random("embed", DType.F16, new long[] {3, 4}, 1),
                SafetensorsRoundTripTest.random("layers.0.w", DType.F32, new long[] {2, 5}, 2),
                SafetensorsRoundTripTest.random("layers.0.norm", DType.BF16, new long[] {4}, 3),
                SafetensorsRoundTripTest.random("layers.1.w", DType.F64, new long[] {3, 4}, 4),
                SafetensorsRoundTripTest.random("head", DType.U8, new long[] {16}, 5));
    }

    private static List<SafetensorsStream.Declared> declared(List<Tensor> ts) {
        return ts.stream().map(SafetensorsStream.Declared::of).toList();
    }

    @Test
    void splitsAsHuggingFaceHubDoes() {
        // max 64 B: 24 + 40 = 64 fits; 8 starts a new shard; 96 > 64 gets a shard of its own without closing the
        // current one (huggingface_hub's split_state_dict_into_shards_factory); 8 + 16 = 24 fits
        List<List<String>> shards = SafetensorsShards.split(declared(model()), 64).stream()
                .map(s -> s.stream().map(SafetensorsStream.Declared::name).toList()).toList();
        assertEquals(List.of(List.of("embed", "layers.0.w"), List.of("layers.1.w"), List.of("layers.0.norm", "head")), shards);
    }

    @Test
    void oneFileInAnyOrderIsTheWritersBytes() throws IOException {
        List<Tensor> ts = model();
        Path a = dir.resolve("a.safetensors");
        SafetensorsWriter.write(a, ts, META);
        Path b = dir.resolve("b.safetensors");
        try (SafetensorsShards s = SafetensorsShards.create(b, declared(ts), META, 1)) {
            for (Tensor t : ts.reversed()) { // the max shard size applies to an index target only
                s.put(t);
            }
            s.finish();
        }
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void shardsAndIndexReadBackAsTheModel() throws IOException {
        List<Tensor> ts = model();
        Path index = dir.resolve("out").resolve("model.safetensors.index.json");
        try (SafetensorsShards s = SafetensorsShards.create(index, declared(ts), META, 64)) {
            assertEquals(List.of("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                    "model-00003-of-00003.safetensors", "model.safetensors.index.json"),
                    s.files().stream().map(p -> p.getFileName().toString()).toList());
            for (Tensor t : List.of(ts.get(3), ts.get(0), ts.get(4), ts.get(2), ts.get(1))) {
                s.put(t);
            }
            s.finish();
        }
        JsonNode idx = new ObjectMapper().readTree(index.toFile());
        assertEquals(24 + 40 + 8 + 96 + 16, idx.get("metadata").get("total_size").asLong());
        assertEquals("model-00002-of-00003.safetensors", idx.get("weight_map").get("layers.1.w").asText());
        // each shard is what the one-shot writer makes of its tensors
        Path shard1 = dir.resolve("shard1.safetensors");
        SafetensorsWriter.write(shard1, List.of(ts.get(0), ts.get(1)), META);
        assertArrayEquals(Files.readAllBytes(shard1), Files.readAllBytes(index.resolveSibling("model-00001-of-00003.safetensors")));
        try (Checkpoint cp = Checkpoints.open(index)) {
            for (Tensor t : ts) {
                Tensor back = cp.tensor(t.name()).orElseThrow();
                assertEquals(t.dtype(), back.dtype());
                assertArrayEquals(SafetensorsRoundTripTest.bytesOf(t), SafetensorsRoundTripTest.bytesOf(back), t.name());
            }
        }
    }

    @Test
    void nothingIsLeftWhenATensorIsMissingOrTheWriterFails() throws IOException {
        List<Tensor> ts = model();
        Path out = dir.resolve("out");
        Path index = out.resolve("model.safetensors.index.json");
        try (SafetensorsShards s = SafetensorsShards.create(index, declared(ts), META, 64)) {
            for (Tensor t : ts.subList(0, 4)) {
                s.put(t);
            }
            assertThrows(IllegalStateException.class, s::finish, "one tensor never written");
        }
        try (SafetensorsShards s = SafetensorsShards.create(index, declared(ts), META, 64)) {
            s.put(ts.get(0));
            assertThrows(IllegalStateException.class, () -> s.put(ts.get(0)), "written twice");
            Tensor wrongShape = SafetensorsRoundTripTest.random("head", DType.U8, new long[] {4, 4}, 5);
            assertThrows(IllegalStateException.class, () -> s.put(wrongShape), "not as declared");
        }
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void refusesWhatSafetensorsCannotHoldBeforeCreatingAnything() throws IOException {
        List<SafetensorsStream.Declared> ds = new ArrayList<>(declared(model()));
        ds.add(new SafetensorsStream.Declared("q", DType.Q4_0, new long[] {32}));
        Path out = dir.resolve("x.safetensors");
        assertThrows(dev.loupe.core.LoupeException.class, () -> SafetensorsShards.create(out, ds, META, 64));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList());
        }
    }
}
