package dev.loupe.core.format.safetensors;

import dev.loupe.core.LoupeException;
import dev.loupe.core.io.AtomicOutput;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Shapes;
import dev.loupe.core.tensor.StoredBytes;
import dev.loupe.core.tensor.Tensor;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors file whose tensors are declared up front (name, dtype, shape: enough to fix every offset) and then
 * filled one by one, in any order, each at its place, so a writer never holds more than the tensor it is writing:
 * a 13 GB checkpoint compressed layer by layer. The layout is the reference Rust writer's (what
 * {@link SafetensorsWriter} writes, byte for byte): tensors ordered by dtype, widest first, then by name (UTF-8 byte
 * order), packed without gaps, the header space-padded to 8 bytes. The file is a temporary one until
 * {@link #finish} (every declared tensor written) renames it over the target; closing it unfinished deletes it.
 */
public final class SafetensorsStream implements AutoCloseable {
    /** The Rust {@code Dtype} enum's declaration order (its sort key), narrowest first. */
    private static final List<DType> RUST_ORDER = List.of(DType.BOOL, DType.U8, DType.I8, DType.F8_E5M2, DType.F8_E4M3,
            DType.I16, DType.U16, DType.F16, DType.BF16, DType.I32, DType.U32, DType.F32, DType.F64, DType.I64, DType.U64);

    /** A tensor to be written: what the header needs before its bytes exist. */
    public record Declared(String name, DType dtype, long[] shape) {
        public Declared {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long byteSize() {
            return dtype.byteSize(Shapes.numel(shape));
        }

        /** The declaration of an existing tensor. */
        public static Declared of(Tensor t) {
            return new Declared(t.name(), t.dtype(), t.shape());
        }
    }

    private final Path target;
    private final AtomicOutput.Pending pending;
    private final FileChannel channel;
    private final long dataStart;
    private final long bytes;
    private final Map<String, SafetensorsHeader.Entry> entries = new HashMap<>();
    private final Set<String> written = new HashSet<>();

    private SafetensorsStream(Path target, AtomicOutput.Pending pending, FileChannel channel, long dataStart, long bytes,
                              List<SafetensorsHeader.Entry> entries) {
        this.target = target;
        this.pending = pending;
        this.channel = channel;
        this.dataStart = dataStart;
        this.bytes = bytes;
        entries.forEach(e -> this.entries.put(e.name(), e));
    }

    /** Opens a temporary file beside {@code target} and writes the header of {@code tensors} and {@code metadata}. */
    public static SafetensorsStream create(Path target, List<Declared> tensors, Map<String, String> metadata) {
        List<Declared> ordered = ordered(target, tensors);
        List<SafetensorsHeader.Entry> entries = new ArrayList<>(ordered.size());
        long offset = 0;
        for (Declared t : ordered) {
            long end = Math.addExact(offset, t.byteSize());
            entries.add(new SafetensorsHeader.Entry(t.name(), t.dtype(), t.shape(), offset, end));
            offset = end;
        }
        byte[] header = SafetensorsHeader.encode(metadata, entries);
        AtomicOutput.Pending p = AtomicOutput.open(target);
        try {
            FileChannel ch = FileChannel.open(p.file(), StandardOpenOption.WRITE);
            try {
                write(ch, MemorySegment.ofArray(header), 0);
                ch.truncate(header.length + offset); // no-op on a new file; the size is fixed by the last tensor
                return new SafetensorsStream(target, p, ch, header.length, offset, entries);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            p.close();
            throw new LoupeException(target, "cannot write: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /** Bytes of the data section (all tensors). */
    public long dataBytes() {
        return bytes;
    }

    /** Whether {@code name} was declared here. */
    public boolean declares(String name) {
        return entries.containsKey(name);
    }

    /** Writes the declared tensor {@code name} from {@code data}, exactly its declared size. */
    public void put(String name, MemorySegment data) {
        SafetensorsHeader.Entry e = entry(name, data.byteSize());
        try {
            write(channel, data, dataStart + e.begin());
        } catch (IOException x) {
            throw new LoupeException(target, "cannot write: " + x.getMessage(), x);
        }
    }

    /** Writes {@code t} (contiguous or a strided view) as the declared tensor of its name; dtype and shape must match. */
    public void put(Tensor t) {
        SafetensorsHeader.Entry e = entry(t.name(), t.byteSize());
        if (e.dtype() != t.dtype() || !Arrays.equals(e.shape(), t.shape())) {
            throw new IllegalStateException("tensor '" + t.name() + "' is " + t.dtype() + Arrays.toString(t.shape())
                    + ", declared " + e.dtype() + Arrays.toString(e.shape()));
        }
        try {
            if (t.isContiguous()) {
                write(channel, t.storedBytes(), dataStart + e.begin());
                return;
            }
            channel.position(dataStart + e.begin());
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20);
            StoredBytes.write(t, out);
            out.flush();
        } catch (IOException x) {
            throw new LoupeException(target, "cannot write: " + x.getMessage(), x);
        }
    }

    /** Every declared tensor written: renames the file over the target (at the end of an {@code AtomicOutput.all} set). */
    public void finish() {
        if (written.size() != entries.size()) {
            List<String> missing = entries.keySet().stream().filter(n -> !written.contains(n)).sorted().limit(3).toList();
            throw new IllegalStateException(target + ": " + (entries.size() - written.size()) + " declared tensors never written, e.g. " + missing);
        }
        try {
            channel.close();
        } catch (IOException x) {
            throw new LoupeException(target, "cannot write: " + x.getMessage(), x);
        }
        pending.publish();
    }

    /** Deletes the temporary file unless {@link #finish} published it. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the file is deleted next; what failed before is what the user sees
        }
        pending.close();
    }

    private SafetensorsHeader.Entry entry(String name, long size) {
        SafetensorsHeader.Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalStateException("tensor '" + name + "' was not declared for " + target);
        }
        if (size != e.end() - e.begin()) {
            throw new IllegalStateException("tensor '" + name + "' has " + size + " bytes, declared " + (e.end() - e.begin()));
        }
        if (!written.add(name)) {
            throw new IllegalStateException("tensor '" + name + "' written twice to " + target);
        }
        return e;
    }

    private static void write(FileChannel ch, MemorySegment data, long position) throws IOException {
        // native and mapped memory as ByteBuffer views of at most 1 GiB (they are int-indexed); a heap segment over a
        // float[] or long[] has no ByteBuffer view, so it goes through a byte[] in pieces of 1 MiB
        long piece = data.isNative() ? 1L << 30 : 1L << 20;
        byte[] copy = data.isNative() ? null : new byte[(int) Math.min(piece, data.byteSize())];
        for (long done = 0; done < data.byteSize(); ) {
            long n = Math.min(piece, data.byteSize() - done);
            java.nio.ByteBuffer b;
            if (copy == null) {
                b = data.asSlice(done, n).asByteBuffer();
            } else {
                MemorySegment.copy(data, java.lang.foreign.ValueLayout.JAVA_BYTE, done, copy, 0, (int) n);
                b = java.nio.ByteBuffer.wrap(copy, 0, (int) n);
            }
            while (b.hasRemaining()) {
                ch.write(b, position + done + b.position());
            }
            done += n;
        }
    }

    /** The declarations in file order; refuses dtypes safetensors cannot hold and duplicate or reserved names. */
    static List<Declared> ordered(Path target, List<Declared> tensors) {
        Set<String> names = new HashSet<>();
        for (Declared t : tensors) {
            if (!RUST_ORDER.contains(t.dtype())) {
                throw new LoupeException(target, "tensor '" + t.name() + "': " + t.dtype()
                        + " cannot be stored in safetensors; dequantize it first");
            }
            if (t.name().equals(SafetensorsHeader.METADATA_KEY) || !names.add(t.name())) {
                throw new LoupeException(target, "tensor name '" + t.name() + "' is reserved or used twice");
            }
        }
        List<Declared> out = new ArrayList<>(tensors);
        out.sort(Comparator.comparingInt((Declared t) -> -RUST_ORDER.indexOf(t.dtype()))
                .thenComparing((a, b) -> Arrays.compareUnsigned(utf8(a.name()), utf8(b.name()))));
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
