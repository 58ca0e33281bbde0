package dev.loupe.core.format.gguf;

import dev.loupe.core.tensor.DType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small GGUF files by the spec (ggml docs/gguf.md), independently of the reader: header,
 * metadata of any value type (arrays, nested arrays), tensor infos, padding to the alignment and the
 * tensor data, each tensor padded to the alignment as llama.cpp writes it. Malformed-file tests
 * patch or cut the bytes it builds, using the section starts it reports.
 */
public final class GgufFixture {
    /** An array value: element type and elements (each as {@link #kv} takes them; arrays may nest). */
    public record Arr(GgufValueType elementType, List<?> values) {
    }

    /** The built file and where its sections start. */
    public record Built(byte[] bytes, int kvStart, int infoStart, int paddingStart, int dataStart) {
        public Path write(Path file) {
            try {
                Files.write(file, bytes);
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private record Kv(String key, GgufValueType type, Object value) {
    }

    private record Info(String name, long typeId, long[] ne, byte[] data, Long offset) {
    }

    private int version = 3;
    private long alignment = GgufHeader.DEFAULT_ALIGNMENT;
    private final List<Kv> kvs = new ArrayList<>();
    private final List<Info> tensors = new ArrayList<>();

    public static GgufFixture v3() {
        return new GgufFixture();
    }

    public GgufFixture version(int v) {
        version = v;
        return this;
    }

    /** Writes {@code general.alignment} as a uint32 and lays the data out with it. */
    public GgufFixture alignment(long a) {
        alignment = a;
        return kv("general.alignment", GgufValueType.UINT32, a);
    }

    /**
     * A metadata entry. Values: a Number for integer and float types, Boolean, String, or {@link Arr}.
     */
    public GgufFixture kv(String key, GgufValueType type, Object value) {
        kvs.add(new Kv(key, type, value));
        return this;
    }

    /** A tensor stored as {@code type}, ne in ggml order (ne[0] fastest), bytes as stored. */
    public GgufFixture tensor(String name, DType type, long[] ne, byte[] data) {
        return tensor(name, GgmlType.id(type), ne, data, null);
    }

    /** Any type id and, if {@code offset} is non-null, that offset instead of the next aligned one. */
    public GgufFixture tensor(String name, long typeId, long[] ne, byte[] data, Long offset) {
        tensors.add(new Info(name, typeId, ne.clone(), data.clone(), offset));
        return this;
    }

    public Built build() {
        Le out = new Le();
        out.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        out.u32(version);
        out.u64(tensors.size());
        out.u64(kvs.size());
        int kvStart = out.size();
        for (Kv kv : kvs) {
            out.string(kv.key());
            out.u32(kv.type().id());
            value(out, kv.type(), kv.value());
        }
        int infoStart = out.size();
        long next = 0;
        List<Long> offsets = new ArrayList<>();
        for (Info t : tensors) {
            long off = t.offset() != null ? t.offset() : next;
            offsets.add(off);
            next = Math.max(next, align(off + t.data().length));
            out.string(t.name());
            out.u32(t.ne().length);
            for (long d : t.ne()) {
                out.u64(d);
            }
            out.u32((int) t.typeId());
            out.u64(off);
        }
        int paddingStart = out.size();
        while (out.size() % alignment != 0) {
            out.u8(0);
        }
        int dataStart = out.size();
        byte[] data = new byte[(int) next];
        for (int i = 0; i < tensors.size(); i++) {
            byte[] d = tensors.get(i).data();
            long off = offsets.get(i);
            if (off >= 0 && off + d.length <= data.length) {
                System.arraycopy(d, 0, data, (int) off, d.length);
            }
        }
        out.bytes(data);
        return new Built(out.toByteArray(), kvStart, infoStart, paddingStart, dataStart);
    }

    public Path write(Path file) {
        return build().write(file);
    }

    private long align(long p) {
        return (p + alignment - 1) / alignment * alignment;
    }

    private static void value(Le out, GgufValueType type, Object v) {
        switch (type) {
            case UINT8, INT8, BOOL -> out.u8(type == GgufValueType.BOOL ? ((Boolean) v ? 1 : 0) : ((Number) v).intValue());
            case UINT16, INT16 -> out.u16(((Number) v).intValue());
            case UINT32, INT32 -> out.u32(((Number) v).intValue());
            case UINT64, INT64 -> out.u64(((Number) v).longValue());
            case FLOAT32 -> out.u32(Float.floatToRawIntBits(((Number) v).floatValue()));
            case FLOAT64 -> out.u64(Double.doubleToRawLongBits(((Number) v).doubleValue()));
            case STRING -> out.string((String) v);
            case ARRAY -> {
                Arr a = (Arr) v;
                out.u32(a.elementType().id());
                out.u64(a.values().size());
                for (Object e : a.values()) {
                    value(out, a.elementType(), e);
                }
            }
        }
    }

    /** A little-endian byte sink, also used by tests to hand-make blocks and broken files. */
    public static final class Le extends ByteArrayOutputStream {
        public Le u8(int v) {
            write(v);
            return this;
        }

        public Le u16(int v) {
            return u8(v).u8(v >>> 8);
        }

        public Le u32(int v) {
            return u16(v).u16(v >>> 16);
        }

        public Le u64(long v) {
            return u32((int) v).u32((int) (v >>> 32));
        }

        public Le f16(float v) {
            return u16(Float.floatToFloat16(v));
        }

        public Le f32(float v) {
            return u32(Float.floatToRawIntBits(v));
        }

        public Le bytes(byte[] b) {
            write(b, 0, b.length);
            return this;
        }

        public Le string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return u64(b.length).bytes(b);
        }
    }

    /** Little-endian bytes of the values as {@code type} (plain types only). */
    public static byte[] encode(DType type, double... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * type.elementBytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            switch (type) {
                case F64 -> b.putDouble(v);
                case F32 -> b.putFloat((float) v);
                case F16 -> b.putShort(Float.floatToFloat16((float) v));
                case BF16 -> b.putShort((short) (Float.floatToRawIntBits((float) v) >>> 16));
                case I64 -> b.putLong((long) v);
                case I32 -> b.putInt((int) v);
                case I16 -> b.putShort((short) v);
                case I8 -> b.put((byte) v);
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        return b.array();
    }
}
