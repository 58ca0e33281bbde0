package dev.loupe.core.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.loupe.core.data.IdxReaderTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files are built here byte by byte following the NPY spec (numpy.lib.format), not by numpy. */
class NpyReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsVersion1Float32Matrix() throws IOException {
        ByteBuffer d = le(24);
        for (float f : new float[]{1, 2, 3, -4, 0.5f, 6}) {
            d.putFloat(f);
        }
        NumericArray a = NpyReader.read(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", d.array()));
        assertArrayEquals(new long[]{2, 3}, a.shape());
        assertArrayEquals(new float[]{1, 2, 3, -4, 0.5f, 6}, a.values());
        assertFalse(a.integral());
    }

    @Test
    void readsVersion2And3AndIntegerTypes() throws IOException {
        ByteBuffer i8 = le(16).putLong(-7).putLong(1L << 40);
        NumericArray a = NpyReader.read(npy(2, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", i8.array()));
        assertArrayEquals(new float[]{-7, (float) (1L << 40)}, a.values());
        assertTrue(a.integral());
        byte[] u1 = {(byte) 200, 3};
        assertArrayEquals(new float[]{200, 3}, NpyReader.read(npy(3, "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", u1)).values());
        assertArrayEquals(new float[]{-56, 3}, NpyReader.read(npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 2), }", u1)).values());
        assertArrayEquals(new float[]{0.25f}, NpyReader.read(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", le(8).putDouble(0.25).array())).values());
        assertArrayEquals(new float[]{-3}, NpyReader.read(npy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", le(4).putInt(-3).array())).values());
    }

    @Test
    void rejectsFortranBigEndianTruncatedAndGarbage() throws IOException {
        byte[] four = new byte[4];
        assertMessage(npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", four), "Fortran-order");
        assertMessage(npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", four), "unsupported NPY dtype '>f4'");
        assertMessage(npy(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", four), "unsupported NPY dtype");
        assertMessage(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", four), "truncated");
        assertMessage(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }", four), "trailing");
        assertMessage(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4000000000, 4000000000), }", four), "more than one array");
        assertMessage(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (a,), }", four), "non-integer");
        assertMessage(npy(1, "{'descr': '<f4', 'shape': (1,), }", four), "'fortran_order'");
        assertMessage(npy(9, "{}", four), "version 9");
        assertMessage(Files.write(dir.resolve("x.npy"), "not numpy at all".getBytes(StandardCharsets.US_ASCII)), "not an NPY file");
        // header length 0xFFFF in a 20-byte file
        byte[] lie = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertMessage(Files.write(dir.resolve("lie.npy"), lie), "does not fit the file");
    }

    @Test
    void writerOutputIsAlignedAndReadsBack() throws IOException {
        Path p = dir.resolve("w.npy");
        NpyWriter.write(p, new float[][]{{1, -2.5f, 3}, {4, 5, 6e-8f}});
        byte[] b = Files.readAllBytes(p);
        int headerLen = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
        // spec: magic(6) + version(2) + u16 length(2) + header, header ends in '\n', data 64-byte aligned
        assertTrue((10 + headerLen) % 64 == 0 && b[10 + headerLen - 1] == '\n');
        assertTrue(b.length == 10 + headerLen + 6 * 4);
        NumericArray a = NpyReader.read(p);
        assertArrayEquals(new long[]{2, 3}, a.shape());
        assertArrayEquals(new float[]{1, -2.5f, 3, 4, 5, 6e-8f}, a.values());
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private Path npy(int major, String header, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        byte[] h = (header + "\n").getBytes(StandardCharsets.UTF_8);
        if (major == 1) {
            out.write(le(2).putShort((short) h.length).array());
        } else {
            out.write(le(4).putInt(h.length).array());
        }
        out.write(h);
        out.write(data);
        return Files.write(dir.resolve("a" + System.nanoTime() + ".npy"), out.toByteArray());
    }
}
