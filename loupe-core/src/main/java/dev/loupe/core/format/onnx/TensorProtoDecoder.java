package dev.loupe.core.format.onnx;

import dev.loupe.core.LoupeException;
import dev.loupe.core.format.onnx.OnnxLayout.Tensor;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Shapes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns one TensorProto into a lazy {@link dev.loupe.core.tensor.Tensor}. raw_data and external data
 * become zero-copy slices of the mapped files, as do packed float_data / double_data of the matching
 * type. The other typed fields (int32_data, int64_data, uint64_data; fp16/bf16/fp8 as int32_data
 * low bits per the onnx.proto comment) are decoded into a small heap buffer, capped, since they are
 * only used for small constants in practice.
 */
final class TensorProtoDecoder {
    static final int MAX_RANK = 64;
    /** Cap on bytes decoded to the heap from typed (non-raw) fields. */
    static final long MAX_TYPED_BYTES = 256L << 20;

    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A decoded TensorProto: a tensor, or the name of an ONNX type Loupe does not hold. */
    record Decoded(String name, dev.loupe.core.tensor.Tensor tensor, String unsupportedType, boolean external) {
    }

    private final Path file;
    private final ExternalData external;

    TensorProtoDecoder(Path file, ExternalData external) {
        this.file = file;
        this.external = external;
    }

    /**
     * Decodes the TensorProto in {@code p}; {@code nameOverride} (non-null for Constant nodes) names it
     * after the node output.
     */
    Decoded decode(ProtoReader p, String nameOverride) {
        long[] dims = new long[4];
        int rank = 0;
        int dataType = 0;
        String name = "";
        long[] raw = null;
        int typedField = 0;
        List<long[]> typed = new ArrayList<>();
        List<String[]> ext = new ArrayList<>();
        boolean isExternal = false;
        while (p.next()) {
            switch (p.field()) {
                case Tensor.DIMS -> {
                    long[][] box = {dims};
                    int[] r = {rank};
                    p.int64s(v -> {
                        if (r[0] == MAX_RANK) {
                            throw p.fail("tensor has more than " + MAX_RANK + " dimensions");
                        }
                        if (r[0] == box[0].length) {
                            box[0] = Arrays.copyOf(box[0], box[0].length * 2);
                        }
                        box[0][r[0]++] = v;
                    });
                    dims = box[0];
                    rank = r[0];
                }
                case Tensor.DATA_TYPE -> dataType = p.int32();
                case Tensor.NAME -> name = p.string(OnnxModelParser.MAX_NAME);
                case Tensor.RAW_DATA -> raw = p.lengthDelimited();
                case Tensor.FLOAT_DATA, Tensor.INT32_DATA, Tensor.INT64_DATA, Tensor.DOUBLE_DATA, Tensor.UINT64_DATA -> {
                    if (typedField != 0 && typedField != p.field()) {
                        throw p.fail("tensor '" + name + "' has data in two typed fields");
                    }
                    typedField = p.field();
                    long start = p.position();
                    int wire = p.wireType();
                    if (wire == ProtoReader.LEN) {
                        typed.add(p.lengthDelimited());
                    } else {
                        p.skip();
                        typed.add(new long[]{start, p.position(), wire});
                    }
                }
                case Tensor.STRING_DATA -> {
                    p.skip();
                    typedField = Tensor.STRING_DATA;
                }
                case Tensor.EXTERNAL_DATA -> ext.add(keyValue(p));
                case Tensor.DATA_LOCATION -> isExternal = p.int32() == Tensor.LOCATION_EXTERNAL;
                case Tensor.SEGMENT -> throw p.fail("segmented tensors (TensorProto.segment) are not supported");
                default -> p.skip();
            }
        }
        String n = nameOverride != null ? nameOverride : name;
        long[] shape = Arrays.copyOf(dims, rank);
        for (long d : shape) {
            if (d < 0) {
                throw bad(n, "negative dimension in shape " + Arrays.toString(shape));
            }
        }
        long numel = Shapes.numel(shape);
        if (numel < 0) {
            throw bad(n, "shape " + Arrays.toString(shape) + " has more elements than a long holds");
        }
        var dtype = OnnxLayout.dtype(dataType);
        if (dtype.isEmpty()) {
            if (dataType <= 0 || dataType > OnnxLayout.FLOAT4E2M1) {
                throw bad(n, "unknown data type " + dataType);
            }
            return new Decoded(n, null, OnnxLayout.typeName(dataType), isExternal);
        }
        DType t = dtype.get();
        long bytes = t.byteSize(numel);
        if (bytes < 0) {
            throw bad(n, "shape " + Arrays.toString(shape) + " is too large");
        }
        MemorySegment data;
        if (isExternal) {
            data = externalSlice(n, ext, bytes);
        } else if (raw != null) {
            data = p.segment().asSlice(raw[0], raw[1] - raw[0]);
        } else if (typedField != 0) {
            data = typed(p, n, t, typedField, typed, numel, bytes);
        } else if (numel == 0) {
            data = MemorySegment.ofArray(new byte[0]);
        } else {
            throw bad(n, "has shape " + Arrays.toString(shape) + " but no data");
        }
        return new Decoded(n, dev.loupe.core.tensor.Tensor.contiguous(n, t, shape, data, file), null, isExternal);
    }

    private MemorySegment externalSlice(String n, List<String[]> ext, long expected) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (String[] kv : ext) {
            switch (kv[0]) {
                case "location" -> location = kv[1];
                case "offset" -> offset = number(n, kv);
                case "length" -> length = number(n, kv);
                default -> {
                    // "checksum" and future keys do not change where the bytes are
                }
            }
        }
        MemorySegment s = external.slice(n, location, offset, length < 0 ? expected : length);
        if (s.byteSize() != expected) {
            throw bad(n, "external data length " + s.byteSize() + " does not match its type and shape (" + expected + " bytes)");
        }
        return s;
    }

    private long number(String n, String[] kv) {
        try {
            long v = Long.parseLong(kv[1].trim());
            if (v < 0) {
                throw bad(n, "external data " + kv[0] + " is negative: " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw bad(n, "external data " + kv[0] + " '" + kv[1] + "' is not a number");
        }
    }

    private MemorySegment typed(ProtoReader p, String n, DType t, int field, List<long[]> runs, long numel, long bytes) {
        if (field == Tensor.STRING_DATA || !fieldHolds(field, t)) {
            throw bad(n, t + " data stored in the wrong TensorProto field " + field);
        }
        // Zero-copy when the packed run already is the little-endian array (float_data for FLOAT, double_data for DOUBLE).
        boolean direct = (field == Tensor.FLOAT_DATA && t == DType.F32) || (field == Tensor.DOUBLE_DATA && t == DType.F64);
        if (direct && runs.size() == 1 && runs.getFirst().length == 2) {
            long[] r = runs.getFirst();
            return p.segment().asSlice(r[0], r[1] - r[0]);
        }
        long values = countValues(p, field, runs);
        if (values != numel) {
            throw bad(n, "typed field holds " + values + " elements, its shape needs " + numel);
        }
        if (bytes > MAX_TYPED_BYTES) {
            throw bad(n, "typed-field data of " + bytes + " bytes exceeds the " + (MAX_TYPED_BYTES >> 20)
                    + " MB limit (store large tensors as raw_data)");
        }
        MemorySegment out = MemorySegment.ofArray(new byte[(int) bytes]);
        long[] count = {0};
        int width = t.elementBytes();
        for (long[] r : runs) {
            int wire = r.length == 2 ? ProtoReader.LEN : (int) r[2];
            ProtoReader q = new ProtoReader(p.segment(), file, "tensor '" + n + "'", r[0], r[1]);
            boolean fixed = field == Tensor.FLOAT_DATA || field == Tensor.DOUBLE_DATA;
            int fixedWidth = field == Tensor.FLOAT_DATA ? 4 : 8;
            if (wire == ProtoReader.LEN && fixed && (r[1] - r[0]) % fixedWidth != 0) {
                throw bad(n, "packed field " + field + " length is not a multiple of " + fixedWidth);
            }
            while (q.position() < q.end()) {
                if (count[0] == numel) {
                    throw bad(n, "typed field holds more than the " + numel + " elements its shape needs");
                }
                long at = count[0]++ * width;
                if (fixed) {
                    long pos = q.position();
                    if (q.end() - pos < fixedWidth) {
                        throw bad(n, "truncated field " + field);
                    }
                    if (field == Tensor.FLOAT_DATA) {
                        out.set(LE32, at, q.readInt(pos));
                    } else {
                        out.set(LE64, at, q.readLong(pos));
                    }
                    q.advanceRaw(fixedWidth);
                } else {
                    store(out, at, width, q.varint());
                }
            }
        }
        if (count[0] != numel) {
            throw bad(n, "typed field holds " + count[0] + " elements, its shape needs " + numel);
        }
        return out;
    }

    /**
     * How many values the runs hold, counted before anything is allocated: fixed-width values by
     * length, varints by their final bytes (high bit clear).
     */
    private long countValues(ProtoReader p, int field, List<long[]> runs) {
        boolean fixed = field == Tensor.FLOAT_DATA || field == Tensor.DOUBLE_DATA;
        int width = field == Tensor.FLOAT_DATA ? 4 : 8;
        long count = 0;
        for (long[] r : runs) {
            if (fixed) {
                count += (r[1] - r[0]) / width;
            } else {
                for (long at = r[0]; at < r[1]; at++) {
                    if (p.segment().get(ValueLayout.JAVA_BYTE, at) >= 0) {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    /** Which typed field onnx.proto says holds each type. */
    private static boolean fieldHolds(int field, DType t) {
        return switch (field) {
            case Tensor.FLOAT_DATA -> t == DType.F32;
            case Tensor.DOUBLE_DATA -> t == DType.F64;
            case Tensor.INT64_DATA -> t == DType.I64;
            case Tensor.UINT64_DATA -> t == DType.U32 || t == DType.U64;
            case Tensor.INT32_DATA -> switch (t) {
                case I32, I16, I8, U16, U8, BOOL, F16, BF16, F8_E4M3, F8_E5M2 -> true;
                default -> false;
            };
            default -> false;
        };
    }

    /** Stores the low {@code width} bytes of {@code v}, little-endian (fp16/bf16 bits live in int32_data's low half). */
    private static void store(MemorySegment out, long at, int width, long v) {
        switch (width) {
            case 1 -> out.set(ValueLayout.JAVA_BYTE, at, (byte) v);
            case 2 -> out.set(LE16, at, (short) v);
            case 4 -> out.set(LE32, at, (int) v);
            default -> out.set(LE64, at, v);
        }
    }

    private static String[] keyValue(ProtoReader p) {
        ProtoReader e = p.sub("external_data entry", p.lengthDelimited());
        String k = "";
        String v = "";
        while (e.next()) {
            switch (e.field()) {
                case OnnxLayout.StringStringEntry.KEY -> k = e.string(OnnxModelParser.MAX_NAME);
                case OnnxLayout.StringStringEntry.VALUE -> v = e.string(OnnxModelParser.MAX_NAME);
                default -> e.skip();
            }
        }
        return new String[]{k, v};
    }

    private LoupeException bad(String tensor, String problem) {
        return new LoupeException(file, "tensor '" + tensor + "': " + problem);
    }
}
