package dev.loupe.core.format.gguf;

import dev.loupe.core.LoupeException;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Shapes;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layout of a GGUF file (v2 and v3; both little-endian with u64 counts), parsed and validated in
 * full before any tensor is touched:
 * <pre>
 *   u32 magic "GGUF" | u32 version | u64 tensor_count | u64 metadata_kv_count
 *   metadata_kv_count x { string key | u32 value_type | value }
 *       string = u64 len, len bytes UTF-8;  array = u32 element_type, u64 count, count values
 *   tensor_count x { string name | u32 n_dims | u64 ne[n_dims] | u32 ggml_type | u64 offset }
 *   padding to general.alignment (default 32) | tensor data (each offset a multiple of the alignment)
 * </pre>
 * Every count and length is checked against the bytes left before anything is allocated; decoded
 * metadata is capped in total so a file cannot make the reader exhaust the heap.
 */
public record GgufHeader(int version, long alignment, long dataStart, GgufMetadata metadata, List<GgufTensorInfo> tensors) {
    public static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    public static final long DEFAULT_ALIGNMENT = 32;
    /** ggml's GGML_MAX_DIMS. */
    public static final int MAX_DIMS = 4;
    /** Budget for decoded metadata; real models (150k-token vocabularies and merges) need a few tens of MB. */
    static final long MAX_METADATA_BYTES = 512L << 20;
    /** Arrays nest; real files nest at most once. The cap keeps recursion shallow on hostile input. */
    static final int MAX_NESTING = 16;
    /** Java allocates per-entry overhead for each decoded string; charged against the budget. */
    private static final int STRING_OVERHEAD = 48;

    public GgufHeader {
        tensors = List.copyOf(tensors);
    }

    public static GgufHeader parse(Path file, MemorySegment seg) {
        GgufCursor c = new GgufCursor(file, seg);
        if (seg.byteSize() < 4) {
            throw c.error("not a GGUF file: " + seg.byteSize() + " bytes, too short for the magic number");
        }
        int magic = c.u32();
        if (magic != MAGIC) {
            throw c.error("not a GGUF file: magic is 0x" + Integer.toHexString(Integer.reverseBytes(magic))
                    + ", expected 0x47475546 (\"GGUF\")");
        }
        int version = c.u32();
        if (version == 1) {
            throw c.error("GGUF version 1 is not supported (it used 32-bit counts); re-convert with a current llama.cpp");
        }
        if (version != 2 && version != 3) {
            boolean bigEndian = Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3;
            throw c.error(bigEndian ? "big-endian GGUF is not supported"
                    : "GGUF version " + Integer.toUnsignedString(version) + " is not supported (2 and 3 are)");
        }
        long tensorCount = c.count("tensor count", 32);
        long kvCount = c.count("metadata count", 13);
        GgufMetadata metadata = new MetadataParser(c).parse(kvCount);
        long alignment = alignment(c, metadata);
        List<GgufTensorInfo> infos = tensorInfos(c, tensorCount);
        long dataStart = alignUp(c.position(), alignment);
        checkData(c, infos, alignment, dataStart, seg.byteSize());
        return new GgufHeader(version, alignment, dataStart, metadata, infos);
    }

    private static long alignment(GgufCursor c, GgufMetadata m) {
        GgufValue v = m.entries().get("general.alignment");
        if (v == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (!(v instanceof GgufValue.Int(GgufValueType t, long a)) || t == GgufValueType.UINT64 && a < 0) {
            throw c.error("general.alignment is " + v.type().specName() + ", expected an unsigned integer");
        }
        if (a <= 0 || Long.bitCount(a) != 1 || a > (1L << 30)) {
            throw c.error("general.alignment " + a + " is not a power of two between 1 and 2^30");
        }
        return a;
    }

    private static List<GgufTensorInfo> tensorInfos(GgufCursor c, long count) {
        List<GgufTensorInfo> out = new ArrayList<>((int) Math.min(count, 1 << 16));
        Set<String> names = new HashSet<>();
        for (long i = 0; i < count; i++) {
            c.section("tensor info " + i);
            String name = c.string();
            c.section("tensor info " + i + " ('" + name + "')");
            if (!names.add(name)) {
                throw c.error("tensor '" + name + "' appears twice");
            }
            long nDims = c.u32() & 0xffffffffL;
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw c.error("tensor '" + name + "' has " + nDims + " dimensions, expected 1 to " + MAX_DIMS);
            }
            long[] ne = new long[(int) nDims];
            for (int d = 0; d < nDims; d++) {
                ne[d] = c.u64();
                if (ne[d] < 0) {
                    throw c.error("tensor '" + name + "' dimension " + d + " is " + Long.toUnsignedString(ne[d]));
                }
            }
            long typeId = c.u32() & 0xffffffffL;
            DType dtype = GgmlType.dtype(typeId).orElseThrow(() -> c.error("tensor '" + name + "' has "
                    + GgmlType.unsupportedName(typeId).map(n -> "ggml type " + n + " (" + typeId + "), which Loupe cannot dequantize")
                    .orElse("unknown ggml type " + typeId)));
            long numel = Shapes.numel(ne);
            if (numel < 0) {
                throw c.error("tensor '" + name + "' ne " + Arrays.toString(ne) + " has more elements than a long holds");
            }
            if (ne[0] % dtype.blockElements() != 0) {
                throw c.error("tensor '" + name + "' rows of " + ne[0] + " elements are not whole " + dtype + " blocks of "
                        + dtype.blockElements());
            }
            long bytes = dtype.byteSize(numel);
            if (bytes < 0) {
                throw c.error("tensor '" + name + "' size overflows");
            }
            long offset = c.u64();
            out.add(new GgufTensorInfo(name, ne, (int) typeId, dtype, offset, bytes));
        }
        return out;
    }

    /** Offsets aligned, inside the file, and no two tensors sharing a byte. */
    private static void checkData(GgufCursor c, List<GgufTensorInfo> infos, long alignment, long dataStart, long fileSize) {
        if (infos.isEmpty()) {
            return;
        }
        long dataBytes = fileSize - dataStart;
        if (dataBytes < 0) {
            throw c.error("truncated before the tensor data section (starts at byte " + dataStart + ", file has " + fileSize + ")");
        }
        for (GgufTensorInfo t : infos) {
            if (Long.remainderUnsigned(t.offset(), alignment) != 0) {
                throw c.error("tensor '" + t.name() + "' offset " + Long.toUnsignedString(t.offset())
                        + " is not a multiple of the alignment " + alignment);
            }
            if (t.offset() < 0 || t.offset() > dataBytes || t.byteSize() > dataBytes - t.offset()) {
                throw c.error("tensor '" + t.name() + "' data [" + Long.toUnsignedString(t.offset()) + ", +" + t.byteSize()
                        + ") lies past the end of the file (data section has " + dataBytes + " bytes)");
            }
        }
        List<GgufTensorInfo> byOffset = infos.stream().filter(t -> t.byteSize() > 0)
                .sorted(Comparator.comparingLong(GgufTensorInfo::offset)).toList();
        for (int i = 1; i < byOffset.size(); i++) {
            GgufTensorInfo a = byOffset.get(i - 1);
            GgufTensorInfo b = byOffset.get(i);
            if (a.offset() + a.byteSize() > b.offset()) {
                throw c.error("tensors '" + a.name() + "' and '" + b.name() + "' overlap in the data section");
            }
        }
    }

    static long alignUp(long pos, long alignment) {
        return (pos + alignment - 1) / alignment * alignment;
    }

    /** Reads the metadata key/values, charging every decoded byte against {@link #MAX_METADATA_BYTES}. */
    private static final class MetadataParser {
        private final GgufCursor c;
        private long budget = MAX_METADATA_BYTES;

        MetadataParser(GgufCursor c) {
            this.c = c;
        }

        GgufMetadata parse(long count) {
            Map<String, GgufValue> kv = new LinkedHashMap<>();
            for (long i = 0; i < count; i++) {
                c.section("metadata entry " + i);
                String key = c.string();
                charge(key.length() + STRING_OVERHEAD);
                c.section("metadata '" + key + "'");
                GgufValueType type = type(c.u32());
                if (kv.put(key, value(type, 0)) != null) {
                    throw c.error("metadata key '" + key + "' appears twice");
                }
            }
            return new GgufMetadata(kv);
        }

        private GgufValueType type(int id) {
            return GgufValueType.byId(id & 0xffffffffL).orElseThrow(
                    () -> c.errorHere("unknown value type " + Integer.toUnsignedString(id)));
        }

        private GgufValue value(GgufValueType type, int depth) {
            return switch (type) {
                case UINT8 -> new GgufValue.Int(type, c.u8());
                case INT8 -> new GgufValue.Int(type, (byte) c.u8());
                case UINT16 -> new GgufValue.Int(type, c.u16() & 0xffff);
                case INT16 -> new GgufValue.Int(type, c.u16());
                case UINT32 -> new GgufValue.Int(type, c.u32() & 0xffffffffL);
                case INT32 -> new GgufValue.Int(type, c.u32());
                case UINT64, INT64 -> new GgufValue.Int(type, c.u64());
                case FLOAT32 -> new GgufValue.Real(type, Float.intBitsToFloat(c.u32()));
                case FLOAT64 -> new GgufValue.Real(type, Double.longBitsToDouble(c.u64()));
                case BOOL -> new GgufValue.Bool(bool(c.u8()));
                case STRING -> {
                    String s = c.string();
                    charge(s.length() + STRING_OVERHEAD);
                    yield new GgufValue.Str(s);
                }
                case ARRAY -> array(depth + 1);
            };
        }

        private boolean bool(int b) {
            if (b > 1) {
                throw c.errorHere("boolean value " + b + " is neither 0 nor 1");
            }
            return b == 1;
        }

        private GgufValue array(int depth) {
            if (depth > MAX_NESTING) {
                throw c.errorHere("arrays nested deeper than " + MAX_NESTING);
            }
            GgufValueType et = type(c.u32());
            long n = c.count("array length", et.minSize());
            if (et.fixedSize() > 0) {
                long bytes = n * et.fixedSize();
                charge(bytes);
                byte[] raw = c.bytes(bytes);
                if (et == GgufValueType.BOOL) {
                    for (byte b : raw) {
                        bool(b & 0xff);
                    }
                }
                return new GgufValue.FixedArray(et, raw);
            }
            charge(n * 8);
            List<GgufValue> values = new ArrayList<>((int) Math.min(n, 1024));
            for (long i = 0; i < n; i++) {
                values.add(value(et, depth));
            }
            return new GgufValue.ValueArray(et, values);
        }

        private void charge(long bytes) {
            budget -= bytes;
            if (budget < 0) {
                throw c.error("metadata is larger than " + (MAX_METADATA_BYTES >> 20) + " MB");
            }
        }
    }
}
