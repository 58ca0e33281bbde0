package dev.loupe.core.format.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.StringJoiner;

/**
 * One typed GGUF metadata value. Arrays of fixed-size values keep their raw little-endian bytes (a
 * tokenizer's token_type array stays one byte[] rather than 150k objects); arrays of strings and of
 * arrays hold decoded values.
 */
public sealed interface GgufValue {
    /** Arrays up to this many elements are rendered in full; longer ones as "[type x n]". */
    int RENDER_IN_FULL = 8;

    GgufValueType type();

    /** A one-line rendering for {@code Checkpoint.metadata()}: scalars as text, arrays summarized. */
    String render();

    /** An integer of any width; UINT64 values above 2^63-1 are stored as their two's-complement bits. */
    record Int(GgufValueType type, long value) implements GgufValue {
        @Override
        public String render() {
            return type == GgufValueType.UINT64 ? Long.toUnsignedString(value) : Long.toString(value);
        }
    }

    /** FLOAT32 or FLOAT64 (a FLOAT32 widened exactly). */
    record Real(GgufValueType type, double value) implements GgufValue {
        @Override
        public String render() {
            return type == GgufValueType.FLOAT32 ? Float.toString((float) value) : Double.toString(value);
        }
    }

    record Bool(boolean value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.BOOL;
        }

        @Override
        public String render() {
            return Boolean.toString(value);
        }
    }

    record Str(String value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.STRING;
        }

        @Override
        public String render() {
            return value;
        }
    }

    /** An array of fixed-size values: {@code raw} holds {@code count * elementType.fixedSize()} bytes. */
    record FixedArray(GgufValueType elementType, byte[] raw) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.ARRAY;
        }

        public int count() {
            return raw.length / elementType.fixedSize();
        }

        /** Element {@code i} as a scalar value. */
        public GgufValue get(int i) {
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            int p = i * elementType.fixedSize();
            return switch (elementType) {
                case UINT8 -> new Int(elementType, b.get(p) & 0xff);
                case INT8 -> new Int(elementType, b.get(p));
                case UINT16 -> new Int(elementType, b.getShort(p) & 0xffff);
                case INT16 -> new Int(elementType, b.getShort(p));
                case UINT32 -> new Int(elementType, b.getInt(p) & 0xffffffffL);
                case INT32 -> new Int(elementType, b.getInt(p));
                case UINT64, INT64 -> new Int(elementType, b.getLong(p));
                case FLOAT32 -> new Real(elementType, b.getFloat(p));
                case FLOAT64 -> new Real(elementType, b.getDouble(p));
                case BOOL -> new Bool(b.get(p) != 0);
                default -> throw new IllegalStateException(elementType + " is not fixed-size");
            };
        }

        @Override
        public String render() {
            if (count() > RENDER_IN_FULL) {
                return "[" + elementType.specName() + " x " + count() + "]";
            }
            StringJoiner j = new StringJoiner(", ", "[", "]");
            for (int i = 0; i < count(); i++) {
                j.add(get(i).render());
            }
            return j.toString();
        }
    }

    /** An array of strings or of arrays. */
    record ValueArray(GgufValueType elementType, List<GgufValue> values) implements GgufValue {
        public ValueArray {
            values = List.copyOf(values);
        }

        @Override
        public GgufValueType type() {
            return GgufValueType.ARRAY;
        }

        @Override
        public String render() {
            if (values.size() > RENDER_IN_FULL || elementType == GgufValueType.ARRAY) {
                return "[" + elementType.specName() + " x " + values.size() + "]";
            }
            StringJoiner j = new StringJoiner(", ", "[", "]");
            values.forEach(v -> j.add(v.render()));
            return j.toString();
        }
    }
}
