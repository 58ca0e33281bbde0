package dev.loupe.core.data;

import dev.loupe.core.LoupeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** Hand-made: type 0x08 (u8), 2 dims [2, 3], then bytes 0 1 2 253 254 255. */
    static final byte[] U8_2X3 = {0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 2, (byte) 253, (byte) 254, (byte) 255};

    @Test
    void readsUnsignedBytesWithShape() throws IOException {
        NumericArray a = IdxReader.read(write("a.idx", U8_2X3));
        assertArrayEquals(new long[]{2, 3}, a.shape());
        assertArrayEquals(new float[]{0, 1, 2, 253, 254, 255}, a.values());
        assertTrue(a.integral());
    }

    @Test
    void readsGzipAndBigEndianFloats() throws IOException {
        // type 0x0D (f32), 1 dim [2]: 1.5f = 0x3FC00000, -2.0f = 0xC0000000, big-endian
        byte[] f32 = {0, 0, 0x0D, 1, 0, 0, 0, 2, 0x3F, (byte) 0xC0, 0, 0, (byte) 0xC0, 0, 0, 0};
        NumericArray a = IdxReader.read(write("f.idx.gz", gzip(f32)));
        assertArrayEquals(new float[]{1.5f, -2.0f}, a.values());
        assertFalse(a.integral());
    }

    @Test
    void readsSignedAndWideIntegers() throws IOException {
        // i16 0xFFFE = -2, i32 0x00010000 = 65536
        assertArrayEquals(new float[]{-2}, IdxReader.read(write("s.idx", new byte[]{0, 0, 0x0B, 1, 0, 0, 0, 1, (byte) 0xFF, (byte) 0xFE})).values());
        assertArrayEquals(new float[]{65536}, IdxReader.read(write("i.idx", new byte[]{0, 0, 0x0C, 1, 0, 0, 0, 1, 0, 1, 0, 0})).values());
    }

    @Test
    void rejectsTruncatedTrailingAndBadMagic() throws IOException {
        assertMessage(write("t.idx", Arrays.copyOf(U8_2X3, U8_2X3.length - 1)), "truncated");
        assertMessage(write("x.idx", Arrays.copyOf(U8_2X3, U8_2X3.length + 1)), "trailing");
        assertMessage(write("t.idx.gz", gzip(Arrays.copyOf(U8_2X3, U8_2X3.length - 1))), "truncated");
        assertMessage(write("m.idx", new byte[]{1, 2, 3, 4}), "not an IDX file");
        assertMessage(write("y.idx", new byte[]{0, 0, 0x42, 1, 0, 0, 0, 1, 0}), "element type 0x42");
        assertMessage(write("z.idx.gz", new byte[]{0x1f, (byte) 0x8b, 8, 0, 1, 2}), "");
        assertMessage(write("e.idx", new byte[0]), "truncated");
    }

    @Test
    void rejectsHugeDeclaredShapeBeforeAllocating() throws IOException {
        // [0xFFFFFFFF, 0xFFFFFFFF] u8: 1.8e19 elements; a 12-byte gzip bomb claiming 4 GiB must not allocate it either.
        byte[] huge = {0, 0, 0x08, 2, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        assertMessage(write("h.idx", huge), "more than one array can hold");
        byte[] big = {0, 0, 0x08, 1, 0x7F, 0, 0, 0};
        assertThrows(LoupeException.class, () -> IdxReader.read(write("b.idx.gz", gzip(big))));
    }

    @Test
    void readsTheFashionMnistFixture() {
        Path images = Fixtures.dir().resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz");
        Path labels = Fixtures.dir().resolve("data/fashion-mnist-test-2000-labels-idx1-ubyte.gz");
        Dataset d = Datasets.read(images, labels);
        assertEquals(2000, d.rows());
        assertArrayEquals(new long[]{28, 28}, d.exampleShape());
        // Expected values read from Debian's original t10k files with numpy (see fixtures/README.md):
        // the first ten test labels, the label histogram of the first 2000, the pixel sum, row 10 of image 0.
        assertArrayEquals(new int[]{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, Arrays.copyOf(d.labels(), 10));
        int[] hist = new int[10];
        for (int y : d.labels()) {
            hist[y]++;
        }
        assertArrayEquals(new int[]{200, 203, 214, 190, 219, 195, 197, 200, 194, 188}, hist);
        long sum = 0;
        for (float v : d.features()) {
            sum += (long) v;
        }
        assertEquals(114763281L, sum);
        float[] row10 = Arrays.copyOfRange(d.row(0), 280, 308);
        assertArrayEquals(new float[]{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 53, 129, 120, 147, 175, 157, 166, 135, 154,
                168, 140, 0, 0}, row10);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bos)) {
            g.write(b);
        }
        return bos.toByteArray();
    }

    static void assertMessage(Path file, String part) {
        LoupeException e = assertThrows(LoupeException.class, () -> Datasets.readArray(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(part), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

}
