package dev.loupe.core.format.onnx;

import dev.loupe.core.LoupeException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A cursor over one protobuf message's bytes {@code [pos, end)} of a memory-mapped file.
 *
 * <p>Hand-written rather than protobuf-java's CodedInputStream because we need absolute long
 * offsets of every field (raw_data becomes a zero-copy slice of the map, the writer splices byte
 * ranges), and CodedInputStream works on int positions over a ByteBuffer and would copy bytes
 * fields. The wire format is five cases; every length is checked against the enclosing message
 * before anything is allocated, so a hostile file fails with a LoupeException. The project's one protobuf reader:
 * ONNX's ModelProto here, SentencePiece's ModelProto ({@code format.sentencepiece}) through the public methods.
 */
public final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment seg;
    private final Path file;
    private final String format;
    private final String what;
    private final long end;
    private long pos;
    private long fieldStart;
    private int tag;

    ProtoReader(MemorySegment seg, Path file, String what, long start, long end) {
        this(seg, file, "ONNX", what, start, end);
    }

    /**
     * A reader over {@code seg[start, end)} of {@code file}, a {@code format} file (errors read "not a valid FORMAT
     * file: WHAT at byte N: problem").
     */
    public ProtoReader(MemorySegment seg, Path file, String format, String what, long start, long end) {
        this.seg = seg;
        this.file = file;
        this.format = format;
        this.what = what;
        this.pos = start;
        this.end = end;
    }

    /** A reader over the content of the length-delimited field just read by {@link #lengthDelimited()}. */
    public ProtoReader sub(String subWhat, long[] range) {
        return new ProtoReader(seg, file, format, subWhat, range[0], range[1]);
    }

    /** Advances to the next field; false at the end of the message. */
    public boolean next() {
        if (pos >= end) {
            return false;
        }
        fieldStart = pos;
        long t = varint();
        int field = (int) (t >>> 3);
        if (t >>> 3 > 0x1fffffffL || field == 0) {
            throw fail("invalid field tag " + t);
        }
        int wire = (int) (t & 7);
        if (wire != VARINT && wire != FIXED64 && wire != LEN && wire != FIXED32) {
            throw fail("unsupported wire type " + wire + " for field " + field);
        }
        tag = (int) t;
        return true;
    }

    public int field() {
        return tag >>> 3;
    }

    public int wireType() {
        return tag & 7;
    }

    /** Offset of the current field's tag (the writer replaces whole fields). */
    long fieldStart() {
        return fieldStart;
    }

    long position() {
        return pos;
    }

    long end() {
        return end;
    }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw fail("truncated varint");
            }
            byte b = seg.get(ValueLayout.JAVA_BYTE, pos++);
            if (shift == 63 && (b & 0xfe) != 0) {
                throw fail("varint overflows 64 bits");
            }
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw fail("varint overflows 64 bits");
    }

    public int int32() {
        expect(VARINT);
        return (int) varint();
    }

    long int64() {
        expect(VARINT);
        return varint();
    }

    public int fixed32() {
        expect(FIXED32);
        need(4);
        int v = seg.get(I32, pos);
        pos += 4;
        return v;
    }

    /** The current LEN field's content as {@code [start, end)}, and skips past it. */
    public long[] lengthDelimited() {
        expect(LEN);
        long len = varint();
        if (len < 0 || len > end - pos) {
            throw fail("field " + field() + " claims " + Long.toUnsignedString(len) + " bytes but only "
                    + (end - pos) + " remain");
        }
        long[] r = {pos, pos + len};
        pos += len;
        return r;
    }

    /** A UTF-8 string field; invalid UTF-8 is an error (names must be text). */
    public String string(int maxBytes) {
        return string(maxBytes, true);
    }

    /** A string field; {@code strict} false replaces invalid UTF-8 (attribute bytes need not be text). */
    String string(int maxBytes, boolean strict) {
        long[] r = lengthDelimited();
        long n = r[1] - r[0];
        if (n > maxBytes) {
            throw fail("string field " + field() + " of " + n + " bytes exceeds the limit of " + maxBytes);
        }
        byte[] b = seg.asSlice(r[0], n).toArray(ValueLayout.JAVA_BYTE);
        if (!strict) {
            return new String(b, StandardCharsets.UTF_8);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw fail("string field " + field() + " is not valid UTF-8");
        }
    }

    /** Skips the current field's value whatever its wire type. */
    public void skip() {
        switch (wireType()) {
            case VARINT -> varint();
            case FIXED64 -> advance(8);
            case FIXED32 -> advance(4);
            case LEN -> lengthDelimited();
            default -> throw fail("unsupported wire type " + wireType());
        }
    }

    /**
     * Repeated int64 values, packed or not. Calls {@code sink} per value; the count of a packed run is
     * bounded by its byte length, which is bounded by the message.
     */
    void int64s(java.util.function.LongConsumer sink) {
        if (wireType() == LEN) {
            long[] r = lengthDelimited();
            ProtoReader p = sub(what, r);
            while (p.pos < p.end) {
                sink.accept(p.varint());
            }
        } else {
            sink.accept(int64());
        }
    }

    long readLong(long at) {
        return seg.get(I64, at);
    }

    int readInt(long at) {
        return seg.get(I32, at);
    }

    MemorySegment segment() {
        return seg;
    }

    public LoupeException fail(String problem) {
        return new LoupeException(file, "not a valid " + format + " file: " + what + " at byte " + pos + ": " + problem);
    }

    private void expect(int wire) {
        if (wireType() != wire) {
            throw fail("field " + field() + " has wire type " + wireType() + ", expected " + wire);
        }
    }

    /** Moves past {@code n} raw bytes of a packed run (bounds-checked). */
    void advanceRaw(long n) {
        need(n);
        pos += n;
    }

    private void advance(long n) {
        need(n);
        pos += n;
    }

    private void need(long n) {
        if (end - pos < n) {
            throw fail("truncated field " + field());
        }
    }
}
