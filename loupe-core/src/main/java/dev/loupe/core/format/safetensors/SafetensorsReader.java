package dev.loupe.core.format.safetensors;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.checkpoint.LoadedCheckpoint;
import dev.loupe.core.checkpoint.CheckpointReader;
import dev.loupe.core.io.MappedFile;
import dev.loupe.core.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens {@code .safetensors} files: maps the file, validates the whole header
 * ({@link SafetensorsHeader}) and hands out tensors that are zero-copy slices of the map.
 */
public final class SafetensorsReader implements CheckpointReader {
    @Override
    public CheckpointFormat format() {
        return CheckpointFormat.SAFETENSORS;
    }

    /** By extension, or by a plausible header: a small little-endian length followed by '{'. */
    @Override
    public boolean accepts(Path file, byte[] head) {
        if (CheckpointReader.hasExtension(file, ".safetensors")) {
            return true;
        }
        if (head.length < 9 || head[8] != '{') {
            return false;
        }
        long n = 0;
        for (int i = 7; i >= 0; i--) {
            n = (n << 8) | (head[i] & 0xff);
        }
        return n >= 2 && n <= SafetensorsHeader.MAX_HEADER_BYTES;
    }

    @Override
    public Checkpoint open(Path file) {
        MappedFile map = MappedFile.open(file);
        try {
            SafetensorsHeader header = SafetensorsHeader.parse(file, map.segment());
            List<Tensor> tensors = new ArrayList<>(header.entries().size());
            for (SafetensorsHeader.Entry e : header.entries()) {
                tensors.add(Tensor.contiguous(e.name(), e.dtype(), e.shape(),
                        map.segment().asSlice(header.dataStart() + e.begin(), e.byteSize()), file));
            }
            return new LoadedCheckpoint(file, CheckpointFormat.SAFETENSORS, tensors, header.metadata(), null, List.of(map));
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
    }
}
