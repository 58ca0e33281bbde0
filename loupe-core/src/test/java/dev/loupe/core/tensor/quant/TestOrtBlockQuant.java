package dev.loupe.core.tensor.quant;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * ONNX Runtime's packed block codes decoded from bytes written out by hand, following the contrib operator
 * schemas of ORT 1.23 (MatMulNBits: B [N, k_blocks, blob], codes low bits first, zero points packed per row of
 * blocks, default 2^(bits−1); GatherBlockQuantized: data [V, H·bits/8], no padding between blocks).
 */
class TestOrtBlockQuant {
    private static final byte[] ROW_0_TO_15 = {0x10, 0x32, 0x54, 0x76, (byte) 0x98, (byte) 0xBA, (byte) 0xDC, (byte) 0xFE};

    /** N = 2, K = 18, blocks of 16: two blocks per row, the second with 2 codes and 14 of padding. */
    private static byte[] twoRowsFourBits() {
        byte[] b = new byte[32];
        System.arraycopy(ROW_0_TO_15, 0, b, 0, 8); // row 0, block 0: codes 0..15
        b[8] = (byte) 0x93; // row 0, block 1: codes 3, 9
        for (int i = 9; i < 16; i++) {
            b[i] = 0x77; // padding
        }
        for (int i = 16; i < 24; i++) {
            b[i] = (byte) 0xFF; // row 1, block 0: all 15
        }
        b[24] = 0x21; // row 1, block 1: codes 1, 2; padding 0
        return b;
    }

    @Test
    void matMulNBitsFourBitsWithZeroPointsAndPaddingPastK() {
        float[] scales = {0.5f, 0.25f, 2f, -1f};
        // one zero-point byte per row (2 blocks · 4 bits): row 0 (5, 7), row 1 (10, 3), first block in the low nibble
        byte[] zp = {0x75, 0x3A};
        float[] w = OrtBlockQuant.matMulNBits(twoRowsFourBits(), scales, zp, 2, 18, 4, 16);
        float[] want = new float[36];
        for (int c = 0; c < 16; c++) {
            want[c] = (c - 5) * 0.5f;
            want[18 + c] = (15 - 10) * 2f;
        }
        want[16] = (3 - 7) * 0.25f;
        want[17] = (9 - 7) * 0.25f;
        want[34] = (1 - 3) * -1f;
        want[35] = (2 - 3) * -1f;
        assertArrayEquals(want, w);
    }

    @Test
    void matMulNBitsWithoutZeroPointsUsesEight() {
        float[] w = OrtBlockQuant.matMulNBits(twoRowsFourBits(), new float[] {0.5f, 0.25f, 2f, -1f}, null, 2, 18, 4, 16);
        assertEquals(-4f, w[0]); // (0 − 8)·0.5
        assertEquals(3.5f, w[15]); // (15 − 8)·0.5
        assertEquals(-1.25f, w[16]); // (3 − 8)·0.25
        assertEquals(0.25f, w[17]); // (9 − 8)·0.25
        assertEquals(14f, w[18]); // (15 − 8)·2
        assertEquals(6f, w[35]); // (2 − 8)·−1
    }

    @Test
    void oddBlockCountPacksZeroPointsRowByRow() {
        // N = 2, K = 40, blocks of 16: 3 blocks, so each row has 2 zero-point bytes, the last high nibble unused
        byte[] b = new byte[2 * 3 * 8];
        java.util.Arrays.fill(b, (byte) 0x99); // every code 9 (padding included)
        byte[] zp = {0x21, 0x03, 0x54, 0x06}; // row 0: 1, 2, 3; row 1: 4, 5, 6
        float[] w = OrtBlockQuant.matMulNBits(b, new float[] {1, 1, 1, 1, 1, 1}, zp, 2, 40, 4, 16);
        assertEquals(80, w.length);
        assertEquals(8f, w[0]);
        assertEquals(7f, w[16]);
        assertEquals(6f, w[39]);
        assertEquals(5f, w[40]);
        assertEquals(4f, w[40 + 31]);
        assertEquals(3f, w[40 + 32]);
    }

    @Test
    void eightAndTwoBitCodes() {
        byte[] b8 = new byte[16];
        b8[1] = (byte) 128;
        b8[2] = (byte) 255;
        assertArrayEquals(new float[] {-64f, 0f, 63.5f}, OrtBlockQuant.matMulNBits(b8, new float[] {0.5f}, null, 1, 3, 8, 16));
        assertArrayEquals(new float[] {-50f, 14f, 77.5f},
                OrtBlockQuant.matMulNBits(b8, new float[] {0.5f}, new byte[] {100}, 1, 3, 8, 16));
        // 2 bits: 0xE4 = 0b11_10_01_00 holds codes 0, 1, 2, 3 from the low bits up; default zero point 2
        byte[] b2 = {(byte) 0xE4, (byte) 0xAA, (byte) 0xAA, (byte) 0xAA};
        assertArrayEquals(new float[] {-2f, -1f, 0f, 1f}, OrtBlockQuant.matMulNBits(b2, new float[] {1f}, null, 1, 4, 2, 16));
    }

    @Test
    void gatherBlockQuantizedRowsHaveNoPaddingBetweenBlocks() {
        // V = 2, H = 6, blocks of 4: row 0 codes 0..5, row 1 codes 15, 15, 0, 0, 15, 8
        byte[] data = {0x10, 0x32, 0x54, (byte) 0xFF, 0x00, (byte) 0x8F};
        float[] scales = {1f, 2f, 0.5f, 0.25f};
        byte[] zp = {0x21, 0x08}; // row 0: (1, 2), row 1: (8, 0)
        assertArrayEquals(new float[] {-1, 0, 1, 2, 4, 6, 3.5f, 3.5f, -4, -4, 3.75f, 2},
                OrtBlockQuant.gatherBlockQuantized(data, scales, zp, 2, 6, 4, 4));
        assertArrayEquals(new float[] {-8, -7, -6, -5, -8, -6, 3.5f, 3.5f, -4, -4, 1.75f, 0},
                OrtBlockQuant.gatherBlockQuantized(data, scales, null, 2, 6, 4, 4));
    }

    @Test
    void lengthsThatDoNotMatchTheLayoutAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> OrtBlockQuant.matMulNBits(new byte[31], new float[4], null, 2, 18, 4, 16));
        assertThrows(IllegalArgumentException.class,
                () -> OrtBlockQuant.matMulNBits(new byte[32], new float[3], null, 2, 18, 4, 16));
        assertThrows(IllegalArgumentException.class,
                () -> OrtBlockQuant.matMulNBits(new byte[32], new float[4], new byte[1], 2, 18, 4, 16));
        assertThrows(IllegalArgumentException.class,
                () -> OrtBlockQuant.matMulNBits(new byte[24], new float[4], null, 2, 18, 3, 16));
    }
}
