package dev.loupe.compress.gguf;

import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.quant.GgmlDequantizer;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference quantizers against hand-worked blocks, and through Loupe's own GGUF dequantizer. */
class TestGgmlQuantizer {
    /** amax 127 makes d = 1 and 1/d = 1 exactly, so each quant is roundf(x) by hand. */
    @Test
    void q8_0HandWorkedBlock() {
        float[] x = new float[32];
        x[0] = -127;
        x[1] = -2.5f;     // roundf: -3 (Math.round would give -2)
        x[2] = 2.5f;      // 3
        x[3] = -0.5f;     // -1
        x[4] = 0.49999997f; // 0
        x[5] = 126.5f;    // 127
        x[6] = 1.2f;      // 1
        x[7] = -1.7f;     // -2
        byte[] b = GgmlQuantizer.quantize(DType.Q8_0, x);
        assertEquals(34, b.length);
        assertEquals(0x00, b[0] & 0xff); // f16 1.0 = 0x3C00, little-endian
        assertEquals(0x3C, b[1] & 0xff);
        byte[] qs = new byte[32];
        System.arraycopy(b, 2, qs, 0, 32);
        byte[] expected = new byte[32];
        byte[] head = {-127, -3, 3, -1, 0, 127, 1, -2};
        System.arraycopy(head, 0, expected, 0, head.length);
        assertArrayEquals(expected, qs);
    }

    /** max = -8 (largest magnitude, signed) gives d = 1: q = min(15, trunc(x + 8.5)). */
    @Test
    void q4_0HandWorkedBlock() {
        float[] x = new float[32];
        x[0] = -8;       // 0
        x[1] = 7.9f;     // trunc(16.4) = 16 -> 15
        x[2] = -0.5f;    // 8
        x[3] = -0.6f;    // 7
        x[16] = 2.5f;    // 11  (high nibble of byte 0)
        x[17] = -3.2f;   // 5   (high nibble of byte 1)
        byte[] b = GgmlQuantizer.quantize(DType.Q4_0, x);
        assertEquals(18, b.length);
        assertEquals(0x3C00, (b[0] & 0xff) | (b[1] & 0xff) << 8);
        int[] lo = {0, 15, 8, 7, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8};
        int[] hi = {11, 5, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8};
        for (int j = 0; j < 16; j++) {
            assertEquals(lo[j] | hi[j] << 4, b[2 + j] & 0xff, "byte " + j);
        }
        // +8 first: d = 8 / -8 = -1 (f16 0xBC00); the later -8 ties in magnitude and does not replace it.
        float[] y = new float[32];
        y[5] = 8;
        y[6] = -8;
        byte[] c = GgmlQuantizer.quantize(DType.Q4_0, y);
        assertEquals(0xBC00, (c[0] & 0xff) | (c[1] & 0xff) << 8);
        assertEquals(0, c[2 + 5] & 0x0f); // x = 8 -> trunc(-8 + 8.5) = 0
        assertEquals(15, c[2 + 6] & 0x0f); // x = -8 -> trunc(16.5) = 16 -> 15
    }

    @Test
    void plainTypesRoundAsGgml() {
        float[] x = {1.0f, Float.intBitsToFloat(0x3F808000), Float.intBitsToFloat(0x3F818000), Float.NaN, 65520f};
        byte[] bf = GgmlQuantizer.quantize(DType.BF16, x);
        assertEquals(0x3F80, u16(bf, 0));
        assertEquals(0x3F80, u16(bf, 2)); // exact halfway, even stays
        assertEquals(0x3F82, u16(bf, 4)); // halfway, odd rounds up
        assertEquals(0x7FC0, u16(bf, 6));
        byte[] h = GgmlQuantizer.quantize(DType.F16, x);
        assertEquals(0x7C00, u16(h, 8)); // 65520 rounds to infinity in f16, as GGML_FP32_TO_FP16
    }

    private static int u16(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
    }

    /** Random rows: Loupe's dequantizer (core) recovers each element within half a step of its block's scale. */
    @Test
    void dequantizedWithinHalfAStep() {
        Random r = new Random(7);
        int n = 32 * 64;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * (i % 96 == 0 ? 1.0 : 0.05));
        }
        for (DType t : new DType[]{DType.Q8_0, DType.Q4_0}) {
            byte[] b = GgmlQuantizer.quantize(t, x);
            float[] y = new float[n];
            GgmlDequantizer.dequantize(t, MemorySegment.ofArray(b), 0, y, 0, n);
            double levels = t == DType.Q8_0 ? 127 : 8;
            for (int blk = 0; blk < n / 32; blk++) {
                float amax = 0;
                for (int j = 0; j < 32; j++) {
                    amax = Math.max(amax, Math.abs(x[blk * 32 + j]));
                }
                double d = amax / levels;
                for (int j = 0; j < 32; j++) {
                    int i = blk * 32 + j;
                    // Q4_0 maps -max to level 16, clamped to 15: up to a full step beyond 7.5 steps, half a step
                    // elsewhere; plus the f16 rounding of d (2^-11 relative) times the quant's magnitude.
                    boolean clamped = t == DType.Q4_0 && Math.abs(x[i]) >= amax * 7.5 / 8 * (1 - 1e-6);
                    double bound = (clamped ? d : d / 2) + levels * d * 0x1p-11 + 1e-9;
                    assertTrue(Math.abs(y[i] - x[i]) <= bound, t + " element " + i + ": " + x[i] + " -> " + y[i]);
                }
            }
        }
    }
}
