package dev.loupe.core.format.gguf;

import java.util.Optional;

/** GGUF metadata value types, with their on-disk ids ({@code gguf_metadata_value_type}) and fixed sizes. */
public enum GgufValueType {
    UINT8(0, 1), INT8(1, 1), UINT16(2, 2), INT16(3, 2), UINT32(4, 4), INT32(5, 4), FLOAT32(6, 4),
    BOOL(7, 1), STRING(8, -1), ARRAY(9, -1), UINT64(10, 8), INT64(11, 8), FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = new GgufValueType[13];

    static {
        for (GgufValueType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final int size;

    GgufValueType(int id, int size) {
        this.id = id;
        this.size = size;
    }

    public int id() {
        return id;
    }

    /** Bytes of one value, or -1 for the variable-length STRING and ARRAY. */
    public int fixedSize() {
        return size;
    }

    /** The fewest bytes one value can take on disk (a string's u64 length; an array's type and count). */
    int minSize() {
        return switch (this) {
            case STRING -> 8;
            case ARRAY -> 12;
            default -> size;
        };
    }

    public boolean isInteger() {
        return this != FLOAT32 && this != FLOAT64 && size > 0 && this != BOOL;
    }

    /** The id read from a file, as a type, or empty for an id the spec does not define. */
    public static Optional<GgufValueType> byId(long id) {
        return id >= 0 && id < BY_ID.length ? Optional.of(BY_ID[(int) id]) : Optional.empty();
    }

    /** The spec's spelling: uint8, float32, string, ... */
    public String specName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
