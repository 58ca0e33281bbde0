package dev.loupe.core.format.safetensors;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.io.MappedFile;
import dev.loupe.core.tensor.Tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** An open safetensors file: tensors in header order, each a slice of the one mapping. */
final class SafetensorsCheckpoint implements Checkpoint {
    private final MappedFile map;
    private final List<Tensor> tensors;
    private final Map<String, String> metadata;

    SafetensorsCheckpoint(MappedFile map, List<Tensor> tensors, Map<String, String> metadata) {
        this.map = map;
        this.tensors = List.copyOf(tensors);
        this.metadata = metadata;
    }

    @Override
    public Path source() {
        return map.path();
    }

    @Override
    public CheckpointFormat format() {
        return CheckpointFormat.SAFETENSORS;
    }

    @Override
    public List<Tensor> tensors() {
        return tensors;
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public void close() {
        map.close();
    }
}
