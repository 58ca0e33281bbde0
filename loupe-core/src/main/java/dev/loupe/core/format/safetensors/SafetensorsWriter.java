package dev.loupe.core.format.safetensors;

import dev.loupe.core.LoupeException;
import dev.loupe.core.io.AtomicOutput;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.StoredBytes;
import dev.loupe.core.tensor.Tensor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes tensors (any plain dtype, strided views included) and {@code __metadata__} as a safetensors
 * file, atomically, streaming the tensor bytes. The layout is the reference Rust writer's: tensors
 * ordered by dtype, widest first, then by name (UTF-8 byte order), packed without gaps, so every
 * tensor starts at a multiple of its element size; the header is space-padded so the data section
 * starts 8-byte aligned. Gaps for wider alignment are not an option: the Rust reader rejects them.
 * With at most one metadata key the output is byte-identical to {@code safetensors.serialize_file}.
 */
public final class SafetensorsWriter {
    /** The Rust {@code Dtype} enum's declaration order (its sort key), narrowest first. */
    private static final List<DType> RUST_ORDER = List.of(DType.BOOL, DType.U8, DType.I8, DType.F8_E5M2, DType.F8_E4M3,
            DType.I16, DType.U16, DType.F16, DType.BF16, DType.I32, DType.U32, DType.F32, DType.F64, DType.I64, DType.U64);

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} to {@code target}; names must be unique and not {@code __metadata__}. */
    public static void write(Path target, Collection<Tensor> tensors, Map<String, String> metadata) {
        List<Tensor> ordered = ordered(target, tensors);
        List<SafetensorsHeader.Entry> entries = new ArrayList<>(ordered.size());
        long offset = 0;
        for (Tensor t : ordered) {
            long end = Math.addExact(offset, t.byteSize());
            entries.add(new SafetensorsHeader.Entry(t.name(), t.dtype(), t.shape(), offset, end));
            offset = end;
        }
        byte[] header = SafetensorsHeader.encode(metadata, entries);
        AtomicOutput.write(target, out -> {
            out.write(header);
            for (Tensor t : ordered) {
                StoredBytes.write(t, out);
            }
        });
    }

    private static List<Tensor> ordered(Path target, Collection<Tensor> tensors) {
        Set<String> names = new HashSet<>();
        for (Tensor t : tensors) {
            if (!RUST_ORDER.contains(t.dtype())) {
                throw new LoupeException(target, "tensor '" + t.name() + "': " + t.dtype()
                        + " cannot be stored in safetensors; dequantize it first");
            }
            if (t.name().equals(SafetensorsHeader.METADATA_KEY) || !names.add(t.name())) {
                throw new LoupeException(target, "tensor name '" + t.name() + "' is reserved or used twice");
            }
        }
        List<Tensor> out = new ArrayList<>(tensors);
        out.sort(Comparator.comparingInt((Tensor t) -> -RUST_ORDER.indexOf(t.dtype()))
                .thenComparing((a, b) -> Arrays.compareUnsigned(utf8(a.name()), utf8(b.name()))));
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
