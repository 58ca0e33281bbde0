package dev.loupe.core.format.onnx;

/**
 * Where a length-delimited message sits in the file: its length varint starts at {@code lenStart},
 * its content is {@code [contentStart, contentEnd)}, and {@code parent} is the message around it
 * (null for a field of the top-level ModelProto). The writer re-encodes these lengths when content
 * inside changes size.
 */
record Envelope(long lenStart, long contentStart, long contentEnd, Envelope parent, int depth) {
    /** The envelope of the LEN field {@code p} has just read, whose content is {@code content}. */
    static Envelope of(long fieldStart, ProtoReader p, long[] content, Envelope parent) {
        long lenStart = fieldStart + tagSize(fieldStart, p);
        return new Envelope(lenStart, content[0], content[1], parent, parent == null ? 0 : parent.depth + 1);
    }

    private static long tagSize(long fieldStart, ProtoReader p) {
        long n = 0;
        while ((p.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, fieldStart + n) & 0x80) != 0) {
            n++;
        }
        return n + 1;
    }
}
