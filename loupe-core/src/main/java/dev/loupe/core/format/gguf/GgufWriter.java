package dev.loupe.core.format.gguf;

import dev.loupe.core.LoupeException;
import dev.loupe.core.io.AtomicOutput;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Shapes;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a GGUF v3 file (ggml docs/gguf.md), atomically, streaming each tensor's bytes when its turn
 * comes so a model never has to be in memory at once. The one owner of the byte layout Loupe writes:
 * <pre>
 *   u32 magic "GGUF" | u32 version = 3 | u64 tensor_count | u64 metadata_kv_count
 *   metadata_kv_count x { string key | u32 value_type | value }
 *       string = u64 len, len bytes UTF-8 (no terminator);  bool = u8 0/1
 *       array  = u32 element_type, u64 count, count values (arrays may hold arrays)
 *   tensor_count x { string name | u32 n_dims | u64 ne[n_dims] | u32 ggml_type | u64 offset }
 *   zero padding to the alignment
 *   tensor data: tensor i at data_start + offset_i; every offset a multiple of the alignment and
 *       each tensor zero-padded to it, as llama.cpp's gguf_write_to_file and gguf-py's GGUFWriter do
 * </pre>
 * The alignment is {@code general.alignment} when the metadata has it (a uint32 power of two, as
 * llama.cpp reads it), else 32. All values little-endian. {@link GgufHeader} reads this layout back.
 */
public final class GgufWriter {
    /** Writes exactly {@code type.byteSize(numel)} bytes of one tensor, in ggml's stored form. */
    @FunctionalInterface
    public interface Data {
        void write(OutputStream out) throws IOException;
    }

    /** One tensor: ne in ggml order (ne[0] fastest, the row-major shape reversed), its stored type and bytes. */
    public record Entry(String name, DType type, long[] ne, Data data) {
        public Entry {
            ne = ne.clone();
        }

        @Override
        public long[] ne() {
            return ne.clone();
        }

        public long byteSize() {
            return type.byteSize(Shapes.numel(ne));
        }

        /** An entry from a row-major shape (ne is that shape reversed). */
        public static Entry ofShape(String name, DType type, long[] shape, Data data) {
            long[] ne = new long[shape.length];
            for (int i = 0; i < shape.length; i++) {
                ne[i] = shape[shape.length - 1 - i];
            }
            return new Entry(name, type, ne, data);
        }
    }

    private GgufWriter() {
    }

    /** Writes {@code metadata} and {@code tensors}, in the given orders, to {@code target}. */
    public static void write(Path target, GgufMetadata metadata, List<Entry> tensors) {
        long alignment = alignment(target, metadata);
        byte[] header = header(target, metadata, tensors, alignment);
        AtomicOutput.write(target, out -> {
            out.write(header);
            long pos = header.length;
            for (Entry e : tensors) {
                Counting c = new Counting(out);
                e.data().write(c);
                if (c.count != e.byteSize()) {
                    throw new IllegalStateException("tensor '" + e.name() + "' wrote " + c.count + " bytes, its "
                            + e.type() + " ne " + java.util.Arrays.toString(e.ne) + " takes " + e.byteSize());
                }
                pos += c.count;
                long padded = GgufHeader.alignUp(pos, alignment);
                out.write(new byte[(int) (padded - pos)]);
                pos = padded;
            }
        });
    }

    /** Everything before the first tensor's bytes: header, metadata, tensor infos and the padding. */
    static byte[] header(Path target, GgufMetadata metadata, List<Entry> tensors, long alignment) {
        Le out = new Le();
        out.u32(GgufHeader.MAGIC);
        out.u32(3);
        out.u64(tensors.size());
        out.u64(metadata.entries().size());
        for (Map.Entry<String, GgufValue> kv : metadata.entries().entrySet()) {
            out.string(kv.getKey());
            out.u32(kv.getValue().type().id());
            value(out, kv.getValue());
        }
        Set<String> names = new HashSet<>();
        long offset = 0;
        for (Entry e : tensors) {
            if (!names.add(e.name())) {
                throw new LoupeException(target, "tensor '" + e.name() + "' would be written twice");
            }
            if (e.ne.length < 1 || e.ne.length > GgufHeader.MAX_DIMS || e.ne[0] % e.type().blockElements() != 0) {
                throw new LoupeException(target, "tensor '" + e.name() + "' ne " + java.util.Arrays.toString(e.ne)
                        + " cannot be stored as " + e.type() + " (1 to 4 dimensions, rows whole blocks of "
                        + e.type().blockElements() + ")");
            }
            out.string(e.name());
            out.u32(e.ne.length);
            for (long d : e.ne) {
                out.u64(d);
            }
            out.u32(GgmlType.id(e.type()));
            out.u64(offset);
            offset = GgufHeader.alignUp(offset + e.byteSize(), alignment);
        }
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        return out.toByteArray();
    }

    private static long alignment(Path target, GgufMetadata m) {
        GgufValue v = m.entries().get("general.alignment");
        if (v == null) {
            return GgufHeader.DEFAULT_ALIGNMENT;
        }
        if (!(v instanceof GgufValue.Int(GgufValueType t, long a)) || t != GgufValueType.UINT32
                || a <= 0 || Long.bitCount(a) != 1) {
            throw new LoupeException(target, "general.alignment must be a uint32 power of two, not " + v.render());
        }
        return a;
    }

    private static void value(Le out, GgufValue v) {
        switch (v) {
            case GgufValue.Int(GgufValueType t, long x) -> {
                switch (t.fixedSize()) {
                    case 1 -> out.write((int) x);
                    case 2 -> out.u16((int) x);
                    case 4 -> out.u32((int) x);
                    default -> out.u64(x);
                }
            }
            case GgufValue.Real(GgufValueType t, double x) -> {
                if (t == GgufValueType.FLOAT32) {
                    out.u32(Float.floatToRawIntBits((float) x));
                } else {
                    out.u64(Double.doubleToRawLongBits(x));
                }
            }
            case GgufValue.Bool(boolean b) -> out.write(b ? 1 : 0);
            case GgufValue.Str(String s) -> out.string(s);
            case GgufValue.FixedArray a -> {
                out.u32(a.elementType().id());
                out.u64(a.count());
                out.write(a.raw(), 0, a.raw().length);
            }
            case GgufValue.ValueArray a -> {
                out.u32(a.elementType().id());
                out.u64(a.values().size());
                for (GgufValue e : a.values()) {
                    if (e.type() != a.elementType()) {
                        throw new IllegalArgumentException("array of " + a.elementType() + " holds a " + e.type());
                    }
                    value(out, e);
                }
            }
        }
    }

    /** Little-endian sink for the header. */
    private static final class Le extends ByteArrayOutputStream {
        void u16(int v) {
            write(v);
            write(v >>> 8);
        }

        void u32(int v) {
            u16(v);
            u16(v >>> 16);
        }

        void u64(long v) {
            u32((int) v);
            u32((int) (v >>> 32));
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            write(b, 0, b.length);
        }
    }

    /** Counts what a tensor's {@link Data} writes, so a short or long write is caught, not shifted. */
    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() {
            // the tensor's writer must not close the file stream
        }
    }
}
