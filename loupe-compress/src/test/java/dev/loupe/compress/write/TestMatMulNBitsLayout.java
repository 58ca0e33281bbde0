package dev.loupe.compress.write;

import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.quantize.QuantizedMatrix;
import dev.loupe.core.tensor.quant.OrtBlockQuant;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** MatMulNBits packing worked by hand from the operator's schema text (ORT 1.23, com.microsoft domain). */
class TestMatMulNBitsLayout {
    @Test
    void asymmetricFourBitsTwoBlocksWithPaddingByHand() {
        // one row, K = 18, groups of 16: block 16, two blocks, the second holds 2 codes and 14 of padding
        int[] codes = new int[18];
        for (int i = 0; i < 16; i++) {
            codes[i] = i;
        }
        codes[16] = 3;
        codes[17] = 9;
        QuantizedMatrix q = new QuantizedMatrix(new QuantSpec(4, false, 16), 1, 18, codes, new float[] {0.5f, 0.25f},
                new int[] {5, 7}, null, null);
        MatMulNBitsLayout.Packed p = MatMulNBitsLayout.pack(q);
        assertEquals(16, p.block());
        assertEquals(2, p.kBlocks());
        assertEquals(8, p.blob());
        assertEquals(4, p.bits());
        // code 2i in the low nibble, 2i+1 in the high one; padding = the block's zero point 7 (dequantizes to 0)
        byte[] b = {0x10, 0x32, 0x54, 0x76, (byte) 0x98, (byte) 0xBA, (byte) 0xDC, (byte) 0xFE,
                (byte) 0x93, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77};
        assertArrayEquals(b, p.b());
        assertArrayEquals(new float[] {0.5f, 0.25f}, p.scales());
        // zero points packed like B: block 0 (5) low nibble, block 1 (7) high nibble; (2·4 + 7)/8 = 1 byte per row
        assertArrayEquals(new byte[] {0x75}, p.zeroPoints());
        // the decoder `loupe inspect` reads these with gives back the quantized matrix
        assertArrayEquals(q.dequantize(), OrtBlockQuant.matMulNBits(p.b(), p.scales(), p.zeroPoints(), 1, 18, 4, 16));
    }

    @Test
    void symmetricThreeBitsPerChannelGoesInTheFourBitContainerWithTheDefaultZeroPoint() {
        // two rows of K = 16, codes in [-3, 3] stored as q + 8 (the operator's default zero point for 4 bits)
        int[] codes = {-3, -2, -1, 0, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                3, 3, -3, -3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1};
        QuantizedMatrix q = new QuantizedMatrix(new QuantSpec(3, true, QuantSpec.PER_CHANNEL), 2, 16, codes,
                new float[] {0.1f, 0.2f}, new int[] {0, 0}, null, null);
        MatMulNBitsLayout.Packed p = MatMulNBitsLayout.pack(q);
        assertEquals(4, p.bits());
        assertEquals(16, p.block());
        assertNull(p.zeroPoints());
        byte[] b = {0x65, (byte) 0x87, (byte) 0xA9, (byte) 0x8B, (byte) 0x88, (byte) 0x88, (byte) 0x88, (byte) 0x98,
                (byte) 0xBB, 0x55, (byte) 0x88, (byte) 0x88, (byte) 0x88, (byte) 0x88, (byte) 0x88, 0x78};
        assertArrayEquals(b, p.b());
        assertArrayEquals(new float[] {0.1f, 0.2f}, p.scales());
    }

    @Test
    void perChannelScaleIsRepeatedInEveryBlockOfItsRow() {
        // K = 40 at 4 bits: blocks of 16 → 3·(8 + 4) = 36 B, of 32 → 2·20 = 40, of 64 → 36 (tie: the larger wins)
        QuantSpec spec = new QuantSpec(4, false, QuantSpec.PER_CHANNEL);
        assertEquals(64, MatMulNBitsLayout.blockSize(spec, 40));
        // K = 200: 16 → 13·12 = 156, 32 → 7·20 = 140, 64 → 4·36 = 144, 128 → 2·68 = 136
        assertEquals(128, MatMulNBitsLayout.blockSize(spec, 200));
        // K = 150: 16 → 10·12 = 120, 32 → 5·20 = 100, 64 → 3·36 = 108, 128 → 2·68 = 136
        assertEquals(32, MatMulNBitsLayout.blockSize(spec, 150));
        QuantizedMatrix q = new QuantizedMatrix(spec, 2, 150, new int[300], new float[] {0.5f, 2f}, new int[] {1, 2}, null, null);
        MatMulNBitsLayout.Packed p = MatMulNBitsLayout.pack(q);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 2f, 2f, 2f, 2f, 2f}, p.scales());
        // 5 blocks at 4 bits: (5·4 + 7)/8 = 3 bytes per row; row 0 zero 1, row 1 zero 2, last nibble unused
        assertArrayEquals(new byte[] {0x11, 0x11, 0x01, 0x22, 0x22, 0x02}, p.zeroPoints());
    }

    @Test
    void groupsMapToTheirLargestPowerOfTwoDivisor() {
        assertEquals(128, MatMulNBitsLayout.blockSize(new QuantSpec(4, true, 128), 384));
        assertEquals(16, MatMulNBitsLayout.blockSize(new QuantSpec(4, true, 48), 384));
        assertEquals(32, MatMulNBitsLayout.blockSize(new QuantSpec(4, true, 96), 384));
        assertEquals(0, MatMulNBitsLayout.blockSize(new QuantSpec(4, true, 40), 384), "40 = 8·5: blocks of 8 do not exist");
        assertEquals(0, MatMulNBitsLayout.blockSize(new QuantSpec(4, true, 8), 384));
        // a group as long as the row is a row scale
        assertEquals(16, MatMulNBitsLayout.blockSize(new QuantSpec(4, true, 40), 10));
    }

    @Test
    void sixBitsGroupWiseUsesTheEightBitContainerOneCodePerByte() {
        // K = 20, group 16 → blocks of 16: two per row, blob 16 bytes; zero points one byte per block
        int[] codes = new int[20];
        for (int i = 0; i < 20; i++) {
            codes[i] = 3 * i;
        }
        QuantizedMatrix q = new QuantizedMatrix(new QuantSpec(6, false, 16), 1, 20, codes, new float[] {1f, 2f},
                new int[] {31, 40}, null, null);
        MatMulNBitsLayout.Packed p = MatMulNBitsLayout.pack(q);
        assertEquals(8, p.bits());
        byte[] b = new byte[32];
        for (int i = 0; i < 20; i++) {
            b[i] = (byte) (3 * i);
        }
        for (int i = 20; i < 32; i++) {
            b[i] = 40;
        }
        assertArrayEquals(b, p.b());
        assertArrayEquals(new byte[] {31, 40}, p.zeroPoints());
        assertArrayEquals(q.dequantize(), OrtBlockQuant.matMulNBits(p.b(), p.scales(), p.zeroPoints(), 1, 20, 8, 16));
        assertEquals(32 + 8 + 2, MatMulNBitsLayout.bytes(1, 20, q.spec()));
    }
}
