package dev.loupe.core.format.onnx;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.graph.Graph;
import dev.loupe.core.io.MappedFile;
import dev.loupe.core.tensor.Tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An opened ONNX model: its weights (views of the mapped model and external files) and its graph. */
final class OnnxCheckpoint implements Checkpoint {
    private final MappedFile file;
    private final ExternalData external;
    private final OnnxModel model;

    OnnxCheckpoint(MappedFile file, ExternalData external, OnnxModel model) {
        this.file = file;
        this.external = external;
        this.model = model;
    }

    @Override
    public Path source() {
        return file.path();
    }

    @Override
    public CheckpointFormat format() {
        return CheckpointFormat.ONNX;
    }

    @Override
    public List<Tensor> tensors() {
        return model.tensors();
    }

    @Override
    public Map<String, String> metadata() {
        return model.metadata();
    }

    @Override
    public Optional<Graph> graph() {
        return Optional.of(model.graph());
    }

    @Override
    public void close() {
        external.close();
        file.close();
    }
}
