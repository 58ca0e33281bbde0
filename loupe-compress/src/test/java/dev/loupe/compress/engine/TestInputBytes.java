package dev.loupe.compress.engine;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The "before" size of a sharded checkpoint is its shards plus the index, not the index alone (was 1.7 KiB for 73 MiB). */
class TestInputBytes {
    @TempDir
    Path dir;

    @Test
    void shardedCheckpointCountsEveryShard() throws IOException {
        Path a = dir.resolve("model-00001-of-00002.safetensors");
        Path b = dir.resolve("model-00002-of-00002.safetensors");
        SafetensorsWriter.write(a, List.of(Tensor.contiguous("x.weight", DType.F32, new long[] {4, 4},
                MemorySegment.ofArray(new float[16]), a)), Map.of());
        SafetensorsWriter.write(b, List.of(Tensor.contiguous("y.weight", DType.F32, new long[] {8, 4},
                MemorySegment.ofArray(new float[32]), b)), Map.of());
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, """
                {"metadata": {"total_size": 192}, "weight_map": {"x.weight": "model-00001-of-00002.safetensors",
                 "y.weight": "model-00002-of-00002.safetensors"}}""");
        long expect = Files.size(a) + Files.size(b) + Files.size(index);
        try (Checkpoint cp = Checkpoints.open(index)) {
            assertEquals(expect, CompressRun.inputBytes(cp));
        }
        try (Checkpoint cp = Checkpoints.open(a)) {
            assertEquals(Files.size(a), CompressRun.inputBytes(cp));
        }
    }
}
