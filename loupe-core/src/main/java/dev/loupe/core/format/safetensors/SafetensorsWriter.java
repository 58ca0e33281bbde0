package dev.loupe.core.format.safetensors;

import dev.loupe.core.tensor.Tensor;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes tensors (any plain dtype, strided views included) and {@code __metadata__} as a safetensors
 * file, atomically, streaming the tensor bytes. The layout is the reference Rust writer's: tensors
 * ordered by dtype, widest first, then by name (UTF-8 byte order), packed without gaps, so every
 * tensor starts at a multiple of its element size; the header is space-padded so the data section
 * starts 8-byte aligned. Gaps for wider alignment are not an option: the Rust reader rejects them.
 * With at most one metadata key the output is byte-identical to {@code safetensors.serialize_file}.
 * The layout is {@link SafetensorsStream}'s, which also writes tensors computed one at a time.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} to {@code target}; names must be unique and not {@code __metadata__}. */
    public static void write(Path target, Collection<Tensor> tensors, Map<String, String> metadata) {
        List<SafetensorsStream.Declared> declared = tensors.stream().map(SafetensorsStream.Declared::of).toList();
        try (SafetensorsStream s = SafetensorsStream.create(target, declared, metadata)) {
            for (Tensor t : tensors) {
                s.put(t);
            }
            s.finish();
        }
    }
}
