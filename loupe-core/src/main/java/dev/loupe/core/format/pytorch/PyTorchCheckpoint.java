package dev.loupe.core.format.pytorch;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.io.MappedFile;
import dev.loupe.core.tensor.Tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** An opened torch.save checkpoint: tensors over the mapped file, which closing unmaps. */
final class PyTorchCheckpoint implements Checkpoint {
    private final Path file;
    private final MappedFile mapped;
    private final List<Tensor> tensors;
    private final Map<String, String> metadata;

    PyTorchCheckpoint(Path file, MappedFile mapped, List<Tensor> tensors, Map<String, String> metadata) {
        this.file = file;
        this.mapped = mapped;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    @Override
    public Path source() {
        return file;
    }

    @Override
    public CheckpointFormat format() {
        return CheckpointFormat.PYTORCH;
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
        mapped.close();
    }
}
