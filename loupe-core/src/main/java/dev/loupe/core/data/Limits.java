package dev.loupe.core.data;

import dev.loupe.core.LoupeException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** Size checks shared by the dataset readers: every declared size is checked before it is allocated. */
final class Limits {
    private Limits() {
    }

    /** Element count of {@code shape}, or a LoupeException when it cannot fit in a Java array or the heap. */
    static int elements(Path file, long[] shape, int storedBytesPerElement) {
        long n = NumericArray.elementsOrMinusOne(shape);
        if (n < 0) {
            throw new LoupeException(file, "declares " + java.util.Arrays.toString(shape)
                    + " elements, more than one array can hold (" + NumericArray.MAX_ELEMENTS + ")");
        }
        // The raw bytes and the float copy live together for a moment; refuse before an OutOfMemoryError.
        long need = n * (4L + storedBytesPerElement);
        long max = Runtime.getRuntime().maxMemory();
        if (need > max / 10 * 8) {
            throw new LoupeException(file, "needs " + need / (1 << 20) + " MiB to load, more than the Java heap allows ("
                    + max / (1 << 20) + " MiB); raise -Xmx or use a smaller file");
        }
        return (int) n;
    }

    /**
     * Reads exactly {@code n} bytes. readNBytes grows its buffer as data arrives, so a compressed file that
     * merely claims a huge size fails with "truncated" instead of allocating the claim up front.
     */
    static byte[] readExactly(InputStream in, long n, Path file, String what) throws IOException {
        byte[] b = in.readNBytes((int) n);
        if (b.length != n) {
            throw new LoupeException(file, "truncated: " + what + " needs " + n + " bytes, only " + b.length + " present");
        }
        return b;
    }

    /** Fails when the stream holds more bytes than the header accounted for. */
    static void expectEnd(InputStream in, Path file) throws IOException {
        if (in.read() != -1) {
            throw new LoupeException(file, "has trailing bytes after the data its header describes");
        }
    }
}
