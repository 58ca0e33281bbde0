package dev.loupe.core.format.gguf;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.checkpoint.LoadedCheckpoint;
import dev.loupe.core.tensor.Tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An opened GGUF file: the generic checkpoint view (tensors with row-major shapes, metadata rendered
 * to strings) plus the parsed {@link GgufHeader} for callers that want typed metadata, the ggml
 * dimension order or the stored type ids.
 */
public final class GgufCheckpoint implements Checkpoint {
    private final LoadedCheckpoint loaded;
    private final GgufHeader header;

    GgufCheckpoint(LoadedCheckpoint loaded, GgufHeader header) {
        this.loaded = loaded;
        this.header = header;
    }

    public GgufHeader header() {
        return header;
    }

    /** Typed metadata, in file order. Stays valid after {@link #close()}. */
    public GgufMetadata ggufMetadata() {
        return header.metadata();
    }

    @Override
    public Path source() {
        return loaded.source();
    }

    @Override
    public CheckpointFormat format() {
        return CheckpointFormat.GGUF;
    }

    @Override
    public List<Tensor> tensors() {
        return loaded.tensors();
    }

    /** Every key/value rendered to one line; arrays summarized ("[string x 32000]"). */
    @Override
    public Map<String, String> metadata() {
        return loaded.metadata();
    }

    @Override
    public void close() {
        loaded.close();
    }
}
