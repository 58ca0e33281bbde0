package dev.loupe.core.format.gguf;

import dev.loupe.core.LoupeException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A little-endian read position in a GGUF file that checks every read against the file's end, so a
 * truncated or lying file becomes a LoupeException naming the section being read, never an
 * IndexOutOfBoundsException.
 */
final class GgufCursor {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final MemorySegment seg;
    private long pos;
    private String section = "header";

    GgufCursor(Path file, MemorySegment seg) {
        this.file = file;
        this.seg = seg;
    }

    /** Names what is being read, for truncation messages ("metadata key 'x'", "tensor info 3"). */
    void section(String s) {
        section = s;
    }

    long position() {
        return pos;
    }

    long remaining() {
        return seg.byteSize() - pos;
    }

    LoupeException error(String problem) {
        return new LoupeException(file, problem);
    }

    /** As {@link #error} with the section being read in front: "metadata 'x': ...". */
    LoupeException errorHere(String problem) {
        return error(section + ": " + problem);
    }

    private void need(long n) {
        if (n < 0 || n > remaining()) {
            throw error("truncated in " + section + " at byte " + pos + " (needs " + Long.toUnsignedString(n)
                    + " bytes, " + remaining() + " left)");
        }
    }

    int u8() {
        need(1);
        return seg.get(ValueLayout.JAVA_BYTE, pos++) & 0xff;
    }

    short u16() {
        need(2);
        short v = (short) ((seg.get(ValueLayout.JAVA_BYTE, pos) & 0xff) | (seg.get(ValueLayout.JAVA_BYTE, pos + 1) << 8));
        pos += 2;
        return v;
    }

    int u32() {
        need(4);
        int v = seg.get(U32, pos);
        pos += 4;
        return v;
    }

    long u64() {
        need(8);
        long v = seg.get(U64, pos);
        pos += 8;
        return v;
    }

    /**
     * A u64 count of things each at least {@code minBytes} long, checked against the bytes left so
     * that no count from the file can make the reader allocate more than the file could describe.
     */
    long count(String what, long minBytes) {
        long n = u64();
        if (n < 0 || (minBytes > 0 && n > remaining() / minBytes)) {
            throw error(section + ": " + what + " " + Long.toUnsignedString(n) + " is more than the "
                    + remaining() + " bytes left in the file can hold");
        }
        return n;
    }

    /** A GGUF string: u64 byte length, then UTF-8 bytes (malformed sequences become U+FFFD). */
    String string() {
        long n = count("string length", 1);
        byte[] b = bytes(n);
        return new String(b, StandardCharsets.UTF_8);
    }

    byte[] bytes(long n) {
        need(n);
        byte[] b = seg.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE);
        pos += n;
        return b;
    }

    void seek(long p) {
        pos = p;
    }
}
