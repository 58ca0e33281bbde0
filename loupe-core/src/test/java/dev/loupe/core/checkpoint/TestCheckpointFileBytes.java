package dev.loupe.core.checkpoint;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A checkpoint's size is its files on disk (header and index included), not its tensors' bytes. */
class TestCheckpointFileBytes {
    @TempDir
    Path dir;

    @Test
    void countsTheShardsAndTheIndexOnceEach() throws IOException {
        Path a = dir.resolve("model-00001-of-00002.safetensors");
        Path b = dir.resolve("model-00002-of-00002.safetensors");
        SafetensorsWriter.write(a, List.of(Tensor.contiguous("x.weight", DType.F32, new long[] {4, 4},
                MemorySegment.ofArray(new float[16]), a)), Map.of());
        SafetensorsWriter.write(b, List.of(Tensor.contiguous("y.weight", DType.F32, new long[] {8, 4},
                MemorySegment.ofArray(new float[32]), b)), Map.of());
        Path index = Files.writeString(dir.resolve("model.safetensors.index.json"), """
                {"metadata": {"total_size": 192}, "weight_map": {"x.weight": "model-00001-of-00002.safetensors",
                 "y.weight": "model-00002-of-00002.safetensors"}}""");
        long all = Files.size(a) + Files.size(b) + Files.size(index);
        assertEquals(all, Checkpoints.fileBytes(index));
        assertEquals(all, Checkpoints.fileBytes(dir)); // the folder holds the index
        assertEquals(Files.size(a), Checkpoints.fileBytes(a));
        try (Checkpoint cp = Checkpoints.open(a)) {
            assertTrue(Files.size(a) > cp.byteSize(), "the file has a header beyond the 64 tensor bytes");
        }
    }
}
