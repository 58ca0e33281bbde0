package dev.loupe.core.format.onnx;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Byte-level splicing, with expected outputs worked out by hand. */
class TestSplicer {
    // field 7 (tag 0x3a), length 2, content {0x08, 0x01} = an inner varint field 1 = 1
    private static final byte[] SOURCE = {0x3a, 0x02, 0x08, 0x01};
    private static final Envelope INNER = new Envelope(1, 2, 4, null, 0);

    @Test
    void growingPastOneByteLengthsRewritesThePrefix() throws IOException {
        Splicer s = new Splicer(MemorySegment.ofArray(SOURCE));
        byte[] big = new byte[200]; // inner content becomes 2 + 200 = 202 = varint 0xCA 0x01
        s.add(new Splicer.Edit(4, 4, INNER, List.of(MemorySegment.ofArray(big))));
        byte[] out = write(s);
        assertEquals(1 + 2 + 202, out.length);
        assertArrayEquals(new byte[]{0x3a, (byte) 0xCA, 0x01, 0x08, 0x01}, java.util.Arrays.copyOf(out, 5));
    }

    @Test
    void atOnePositionTheInnerMessageGetsItsInsertionFirst() throws IOException {
        Splicer s = new Splicer(MemorySegment.ofArray(SOURCE));
        // added in the "wrong" order: top-level field first, then a field inside the inner message; both at byte 4
        s.add(new Splicer.Edit(4, 4, null, List.of(MemorySegment.ofArray(new byte[]{0x10, 0x05}))));
        s.add(new Splicer.Edit(4, 4, INNER, List.of(MemorySegment.ofArray(new byte[]{0x18, 0x09}))));
        assertArrayEquals(new byte[]{0x3a, 0x04, 0x08, 0x01, 0x18, 0x09, 0x10, 0x05}, write(s));
    }

    @Test
    void removingAFieldShrinksItsMessage() throws IOException {
        Splicer s = new Splicer(MemorySegment.ofArray(SOURCE));
        s.add(new Splicer.Edit(2, 4, INNER, List.of()));
        assertArrayEquals(new byte[]{0x3a, 0x00}, write(s));
    }

    private static byte[] write(Splicer s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var plan = s.plan();
        s.write(plan, out);
        assertEquals(s.outputSize(plan), out.size());
        return out.toByteArray();
    }
}
