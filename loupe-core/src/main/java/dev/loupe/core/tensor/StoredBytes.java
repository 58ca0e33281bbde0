package dev.loupe.core.tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A tensor's elements as they would be stored contiguously (row-major, little-endian, its own dtype),
 * streamed in bounded chunks. Strided views are gathered element by element, bit-exact for every
 * plain dtype (decoding through double would lose I64/U64 beyond 2^53).
 */
public final class StoredBytes {
    private static final int CHUNK = 1 << 20;

    private StoredBytes() {
    }

    /** Writes exactly {@code t.byteSize()} bytes to {@code out}. */
    public static void write(Tensor t, OutputStream out) throws IOException {
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(t.byteSize(), 1))];
        if (t.isContiguous()) {
            MemorySegment s = t.storedBytes();
            for (long pos = 0; pos < s.byteSize(); pos += buf.length) {
                int n = (int) Math.min(buf.length, s.byteSize() - pos);
                MemorySegment.copy(s, ValueLayout.JAVA_BYTE, pos, buf, 0, n);
                out.write(buf, 0, n);
            }
            return;
        }
        gather(t, buf, out);
    }

    private static void gather(Tensor t, byte[] buf, OutputStream out) throws IOException {
        int eb = t.dtype().elementBytes();
        long[] shape = t.shape();
        long[] strides = t.strides();
        long[] idx = new long[shape.length];
        MemorySegment src = t.data();
        int fill = 0;
        for (long i = 0; i < t.numel(); i++) {
            long e = t.offset();
            for (int d = 0; d < shape.length; d++) {
                e += idx[d] * strides[d];
            }
            if (fill + eb > buf.length) {
                out.write(buf, 0, fill);
                fill = 0;
            }
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, e * eb, buf, fill, eb);
            fill += eb;
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        out.write(buf, 0, fill);
    }
}
