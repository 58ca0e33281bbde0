package dev.loupe.core.format.gguf;

import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.checkpoint.CheckpointReader;
import dev.loupe.core.checkpoint.LoadedCheckpoint;
import dev.loupe.core.io.MappedFile;
import dev.loupe.core.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens GGUF files (llama.cpp / ggml): maps the file, validates the whole header ({@link GgufHeader})
 * and hands out tensors that are zero-copy slices of the map, in the stored type (block types are
 * dequantized on read). Shapes are row-major: ggml's ne reversed (see {@link GgufTensorInfo}).
 */
public final class GgufReader implements CheckpointReader {
    @Override
    public CheckpointFormat format() {
        return CheckpointFormat.GGUF;
    }

    /** By extension, or by the magic "GGUF". */
    @Override
    public boolean accepts(Path file, byte[] head) {
        return CheckpointReader.hasExtension(file, ".gguf") || CheckpointReader.startsWith(head, (byte) 'G', (byte) 'G',
                (byte) 'U', (byte) 'F');
    }

    @Override
    public GgufCheckpoint open(Path file) {
        MappedFile map = MappedFile.open(file);
        try {
            GgufHeader header = GgufHeader.parse(file, map.segment());
            List<Tensor> tensors = new ArrayList<>(header.tensors().size());
            for (GgufTensorInfo t : header.tensors()) {
                tensors.add(Tensor.contiguous(t.name(), t.dtype(), t.shape(),
                        map.segment().asSlice(header.dataStart() + t.offset(), t.byteSize()), file));
            }
            LoadedCheckpoint loaded = new LoadedCheckpoint(file, CheckpointFormat.GGUF, tensors,
                    header.metadata().rendered(), null, List.of(map));
            return new GgufCheckpoint(loaded, header);
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
    }
}
