package dev.loupe.core.checkpoint;

import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.core.testing.MalformedInput;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Shard indexes and directories, end to end over real safetensors shards. */
class ShardedCheckpointTest {
    private static final String INDEX = "model.safetensors.index.json";

    @TempDir
    Path dir;

    /** An F32 tensor of {@code n} elements, all equal to {@code value}. */
    static Tensor filled(String name, int n, float value) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(value);
        }
        return Tensor.contiguous(name, DType.F32, new long[] {n}, MemorySegment.ofArray(b.array()), null);
    }

    @BeforeEach
    void shards() {
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"),
                List.of(filled("embed.weight", 6, 1f), filled("layer.0.weight", 4, 2f)), Map.of("format", "pt"));
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"),
                List.of(filled("layer.1.weight", 3, 3f), filled("lm_head.weight", 2, 4f)), Map.of("format", "pt"));
    }

    private Path index(String weightMap) throws IOException {
        Path p = dir.resolve(INDEX);
        Files.writeString(p, "{\"metadata\":{\"total_size\":60},\"weight_map\":{" + weightMap + "}}");
        return p;
    }

    private static final String GOOD_MAP = "\"embed.weight\":\"model-00001-of-00002.safetensors\","
            + "\"layer.0.weight\":\"model-00001-of-00002.safetensors\","
            + "\"layer.1.weight\":\"model-00002-of-00002.safetensors\","
            + "\"lm_head.weight\":\"model-00002-of-00002.safetensors\"";

    @Test
    void indexOpensAsOneCheckpoint() throws IOException {
        Path idx = index(GOOD_MAP);
        try (Checkpoint c = Checkpoints.open(idx)) {
            assertEquals(CheckpointFormat.SAFETENSORS, c.format());
            assertEquals(List.of("embed.weight", "layer.0.weight", "layer.1.weight", "lm_head.weight"),
                    c.tensors().stream().map(Tensor::name).toList());
            assertEquals(6 + 4 + 3 + 2, c.parameterCount());
            assertEquals(4 * 15, c.byteSize());
            assertArrayEquals(new float[] {3f, 3f, 3f}, c.tensor("layer.1.weight").orElseThrow().toFloats());
            assertEquals("60", c.metadata().get("total_size"));
            assertEquals("2", c.metadata().get("shards"));
        }
    }

    @Test
    void shardFilesListsEachShardOnceWithoutOpeningThem() throws IOException {
        Path idx = index(GOOD_MAP + ",\"extra.weight\":\"model-00003-of-00003.safetensors\"");
        Path d = dir.toAbsolutePath().normalize();
        // the third shard does not exist: listing does not open shards (open would refuse the index)
        assertEquals(List.of(d.resolve("model-00001-of-00002.safetensors"), d.resolve("model-00002-of-00002.safetensors"),
                d.resolve("model-00003-of-00003.safetensors")), ShardedCheckpoint.shardFiles(idx));
        Path escape = index("\"a\":\"../outside.safetensors\"");
        org.junit.jupiter.api.Assertions.assertThrows(dev.loupe.core.LoupeException.class,
                () -> ShardedCheckpoint.shardFiles(escape));
    }

    @Test
    void directoryPrefersTheIndex() throws IOException {
        index(GOOD_MAP);
        try (Checkpoint c = Checkpoints.open(dir)) {
            assertEquals(dir.resolve(INDEX), c.source());
            assertEquals(4, c.tensors().size());
        }
    }

    @Test
    void directoryWithOneFile() throws IOException {
        Path one = Files.createDirectory(dir.resolve("one"));
        SafetensorsWriter.write(one.resolve("weights.safetensors"), List.of(filled("w", 2, 5f)), Map.of());
        Files.writeString(one.resolve("config.json"), "{}");
        try (Checkpoint c = Checkpoints.open(one)) {
            assertEquals(one.resolve("weights.safetensors"), c.source());
            assertArrayEquals(new float[] {5f, 5f}, c.tensors().getFirst().toFloats());
        }
    }

    @Test
    void directoryWithNoneOrSeveral() throws IOException {
        Path none = Files.createDirectory(dir.resolve("none"));
        Files.writeString(none.resolve("config.json"), "{}");
        MalformedInput.assertRejected(none, "no checkpoint in this directory");
        // the two shards without their index are two separate checkpoints
        MalformedInput.assertRejected(dir, "holds 2 checkpoints");
    }

    @Test
    void missingShard() throws IOException {
        Path idx = index(GOOD_MAP + ",\"extra\":\"model-00003-of-00003.safetensors\"");
        MalformedInput.assertRejected(idx, "shard 'model-00003-of-00003.safetensors' is missing");
    }

    @Test
    void tensorNotInItsShard() throws IOException {
        Path idx = index(GOOD_MAP.replace("\"lm_head.weight\":\"model-00002", "\"lm_head.weight\":\"model-00001"));
        MalformedInput.assertRejected(idx, "tensor 'lm_head.weight' is not in shard 'model-00001-of-00002.safetensors'");
    }

    @Test
    void pathTraversalIsRefused() throws IOException {
        Path inner = Files.createDirectory(dir.resolve("inner"));
        Path idx = inner.resolve(INDEX);
        Files.writeString(idx, "{\"weight_map\":{\"embed.weight\":\"../model-00001-of-00002.safetensors\"}}");
        MalformedInput.assertRejected(idx, "leaves the index's directory");
        Files.writeString(idx, "{\"weight_map\":{\"embed.weight\":\"/etc/passwd\"}}");
        MalformedInput.assertRejected(idx, "leaves the index's directory");
    }

    @Test
    void indexNamingItselfDoesNotRecurse() throws IOException {
        Path idx = index("\"w\":\"" + INDEX + "\"");
        MalformedInput.assertRejected(idx, "is itself a shard index");
    }

    @Test
    void brokenIndexes() throws IOException {
        Path idx = dir.resolve(INDEX);
        Files.writeString(idx, "{\"weight_map\":");
        MalformedInput.assertRejected(idx, "shard index is not valid JSON");
        Files.writeString(idx, "[]");
        MalformedInput.assertRejected(idx, "shard index is not a JSON object");
        Files.writeString(idx, "{\"weight_map\":{}}");
        MalformedInput.assertRejected(idx, "no \"weight_map\" object");
        Files.writeString(idx, "{\"weight_map\":{\"a\":7}}");
        MalformedInput.assertRejected(idx, "is not a file name");
    }

    @Test
    void missingPath() {
        MalformedInput.assertRejected(dir.resolve("nope.safetensors"), "no such file or directory");
    }
}
