package dev.loupe.core.tensor;

import java.util.Locale;
import java.util.Optional;

/**
 * Element types as stored on disk. Plain types have one element per {@link #blockBytes()} bytes;
 * GGML block-quantized types (GGUF) store {@link #blockElements()} elements in {@link #blockBytes()}
 * bytes and are dequantized on read. Names follow safetensors (F32, BF16, ...) and ggml (Q4_K, ...).
 */
public enum DType {
    F64(1, 8, Kind.FLOAT), F32(1, 4, Kind.FLOAT), F16(1, 2, Kind.FLOAT), BF16(1, 2, Kind.FLOAT),
    F8_E4M3(1, 1, Kind.FLOAT), F8_E5M2(1, 1, Kind.FLOAT),
    I64(1, 8, Kind.INT), I32(1, 4, Kind.INT), I16(1, 2, Kind.INT), I8(1, 1, Kind.INT),
    U64(1, 8, Kind.INT), U32(1, 4, Kind.INT), U16(1, 2, Kind.INT), U8(1, 1, Kind.INT),
    BOOL(1, 1, Kind.BOOL),
    // ggml block types: (elements per block, bytes per block) exactly as ggml's type traits.
    Q4_0(32, 18, Kind.QUANT), Q4_1(32, 20, Kind.QUANT), Q5_0(32, 22, Kind.QUANT), Q5_1(32, 24, Kind.QUANT),
    Q8_0(32, 34, Kind.QUANT), Q8_1(32, 36, Kind.QUANT),
    Q2_K(256, 84, Kind.QUANT), Q3_K(256, 110, Kind.QUANT), Q4_K(256, 144, Kind.QUANT),
    Q5_K(256, 176, Kind.QUANT), Q6_K(256, 210, Kind.QUANT), Q8_K(256, 292, Kind.QUANT);

    /** What the stored bits mean. */
    public enum Kind { FLOAT, INT, BOOL, QUANT }

    private final int blockElements;
    private final int blockBytes;
    private final Kind kind;

    DType(int blockElements, int blockBytes, Kind kind) {
        this.blockElements = blockElements;
        this.blockBytes = blockBytes;
        this.kind = kind;
    }

    public int blockElements() {
        return blockElements;
    }

    public int blockBytes() {
        return blockBytes;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isQuantized() {
        return kind == Kind.QUANT;
    }

    /** Bytes per element for plain types; throws for block types, which have none. */
    public int elementBytes() {
        if (isQuantized()) {
            throw new IllegalStateException(this + " is block-quantized");
        }
        return blockBytes;
    }

    /**
     * Bytes that {@code elements} elements occupy, or -1 when the count is not a whole number of
     * blocks or the size overflows a long (both mean a malformed file).
     */
    public long byteSize(long elements) {
        if (elements < 0 || elements % blockElements != 0) {
            return -1;
        }
        long blocks = elements / blockElements;
        if (blocks > Long.MAX_VALUE / blockBytes) {
            return -1;
        }
        return blocks * blockBytes;
    }

    /** Looks up a name as written by safetensors, ggml or numpy-ish spellings ("float32"). */
    public static Optional<DType> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.toUpperCase(Locale.ROOT);
        n = switch (n) {
            case "FLOAT64", "DOUBLE" -> "F64";
            case "FLOAT32", "FLOAT" -> "F32";
            case "FLOAT16", "HALF" -> "F16";
            case "BFLOAT16" -> "BF16";
            case "INT64" -> "I64";
            case "INT32" -> "I32";
            case "INT16" -> "I16";
            case "INT8" -> "I8";
            case "UINT8" -> "U8";
            case "F8_E4M3FN", "FLOAT8_E4M3FN" -> "F8_E4M3";
            case "FLOAT8_E5M2" -> "F8_E5M2";
            default -> n;
        };
        try {
            return Optional.of(DType.valueOf(n));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
