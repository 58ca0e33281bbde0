package dev.loupe.core.tensor;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decoding checked against bit patterns worked out by hand from each format's definition:
 * value = (-1)^s * 2^(e - bias) * (1 + m / 2^mbits) for normal numbers and
 * (-1)^s * 2^(1 - bias) * (m / 2^mbits) for subnormals (e == 0).
 */
class ElementDecodingTest {
    private static Tensor of(DType t, byte[] bytes) {
        return Tensor.contiguous("t", t, new long[] {bytes.length / t.elementBytes()}, MemorySegment.ofArray(bytes), null);
    }

    private static byte[] shorts(int... v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putShort((short) x);
        }
        return b.array();
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static void check(DType t, byte[] stored, double... expected) {
        Tensor x = of(t, stored);
        double[] d = x.toDoubles();
        float[] f = x.toFloats();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], d[i], 0.0, t + " element " + i);
            assertEquals((float) expected[i], f[i], 0.0f, t + " element " + i + " as float");
        }
    }

    @Test
    void f16() {
        // bias 15, 10 mantissa bits
        check(DType.F16, shorts(0x3C00, 0xC000, 0x7BFF, 0x0001, 0x3555, 0x0000, 0x8000, 0x7C00, 0xFC00),
                1.0,                                   // e=15: 2^0
                -2.0,                                  // s=1, e=16
                (1 + 1023 / 1024.0) * Math.pow(2, 15), // largest normal, 65504
                Math.pow(2, -14) * (1 / 1024.0),       // smallest subnormal, 2^-24
                (1 + 341 / 1024.0) * Math.pow(2, -2),  // 0.333251953125
                0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
        assertTrue(Double.isNaN(of(DType.F16, shorts(0x7E00)).toDoubles()[0]));
    }

    @Test
    void bf16() {
        // bias 127, 7 mantissa bits: the top half of an f32
        check(DType.BF16, shorts(0x3F80, 0xC049, 0x0001, 0x7F7F, 0x7F80),
                1.0,
                -(1 + 73 / 128.0) * 2,                 // -3.140625
                Math.pow(2, -126) * (1 / 128.0),       // smallest subnormal, 2^-133
                (1 + 127 / 128.0) * Math.pow(2, 127),  // largest finite
                Double.POSITIVE_INFINITY);
    }

    @Test
    void f8e4m3fn() {
        // bias 7, 3 mantissa bits; no infinities, S.1111.111 is NaN (OCP "fn" variant, torch.float8_e4m3fn)
        check(DType.F8_E4M3, bytes(0x7E, 0x01, 0x38, 0xB8, 0x08, 0x07, 0x00, 0x77),
                (1 + 6 / 8.0) * Math.pow(2, 15 - 7),   // 0x7E = 0.1111.110 = 448, the largest finite
                Math.pow(2, 1 - 7) * (1 / 8.0),        // 0x01 subnormal = 2^-9
                1.0,                                   // 0x38 = 0.0111.000
                -1.0,
                Math.pow(2, 1 - 7),                    // 0x08 smallest normal 2^-6
                Math.pow(2, -6) * (7 / 8.0),           // 0x07 largest subnormal
                0.0,
                (1 + 7 / 8.0) * Math.pow(2, 14 - 7));  // 0x77 = 240
        assertTrue(Double.isNaN(of(DType.F8_E4M3, bytes(0x7F)).toDoubles()[0]));
        assertTrue(Double.isNaN(of(DType.F8_E4M3, bytes(0xFF)).toDoubles()[0]));
    }

    @Test
    void f8e5m2() {
        // bias 15, 2 mantissa bits; IEEE-like with infinities
        check(DType.F8_E5M2, bytes(0x7B, 0x3C, 0x01, 0xC0, 0x7C),
                (1 + 3 / 4.0) * Math.pow(2, 30 - 15),  // 0x7B = 0.11110.11 = 57344, the largest finite
                1.0,                                   // 0x3C = 0.01111.00
                Math.pow(2, 1 - 15) * (1 / 4.0),       // 0x01 subnormal = 2^-16
                -2.0,                                  // 0xC0 = 1.10000.00
                Double.POSITIVE_INFINITY);
        assertTrue(Double.isNaN(of(DType.F8_E5M2, bytes(0x7F)).toDoubles()[0]));
    }

    @Test
    void integersAndBool() {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        check(DType.I64, b.putLong(0, -5).array().clone(), -5);
        check(DType.U64, bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 18446744073709551615.0);
        check(DType.U32, bytes(0xff, 0xff, 0xff, 0xff), 4294967295.0);
        check(DType.I32, bytes(0xfe, 0xff, 0xff, 0xff), -2);
        check(DType.I16, shorts(0x8000), -32768);
        check(DType.U16, shorts(0x8000), 32768);
        check(DType.I8, bytes(0x80, 0x7f), -128, 127);
        check(DType.U8, bytes(0x80, 0xff), 128, 255);
        check(DType.BOOL, bytes(0, 1, 2), 0, 1, 1);
        check(DType.F32, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(-0.75f).array(), -0.75);
        check(DType.F64, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(Math.PI).array(), Math.PI);
    }

    /** Large enough for the parallel path (several 2^20-element chunks plus a ragged tail). */
    @Test
    void largeBf16AndF16MatchTheDefinition() {
        int n = 3 * (1 << 20) + 12345;
        byte[] raw = new byte[2 * n];
        new Random(7).nextBytes(raw);
        ByteBuffer bb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] bf = of(DType.BF16, raw).toFloats();
        double[] hd = of(DType.F16, raw).toDoubles();
        for (int i = 0; i < n; i++) {
            int bits = bb.getShort(2 * i) & 0xffff;
            float wantBf = Float.intBitsToFloat(bits << 16);
            assertEquals(Float.floatToRawIntBits(wantBf), Float.floatToRawIntBits(bf[i]), "bf16 element " + i);
            assertEquals(f16ByFormula(bits), hd[i], 0.0, "f16 element " + i);
        }
    }

    @Test
    void readFloatsDecodesARange() {
        Tensor t = of(DType.F16, shorts(0x3C00, 0x4000, 0x4200, 0x4400));
        float[] dst = new float[5];
        t.readFloats(1, dst, 2, 3);
        assertArrayEquals(new float[] {0, 0, 2, 3, 4}, dst);
    }

    @Test
    void rangesOfEveryFastPathLandAtTheRightOffset() {
        ByteBuffer f32 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3).putFloat(4);
        ByteBuffer f64 = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putDouble(1).putDouble(2).putDouble(3).putDouble(4);
        float[] f = new float[4];
        double[] d = new double[4];
        of(DType.F32, f32.array()).readFloats(2, f, 1, 2);
        assertArrayEquals(new float[] {0, 3, 4, 0}, f);
        of(DType.F32, f32.array()).readDoubles(1, d, 0, 3);
        assertArrayEquals(new double[] {2, 3, 4, 0}, d);
        of(DType.F64, f64.array()).readDoubles(3, d, 3, 1);
        assertArrayEquals(new double[] {2, 3, 4, 4}, d);
        // E4M3 0x38 = 1, 0x40 = 0.1000.000 = 2, 0x44 = 0.1000.100 = 3; E5M2 0x3C = 1, 0x40 = 2, 0x42 = 3
        of(DType.F8_E4M3, bytes(0x38, 0x40, 0x44)).readFloats(1, f, 0, 2);
        assertArrayEquals(new float[] {2, 3}, java.util.Arrays.copyOf(f, 2));
        of(DType.F8_E5M2, bytes(0x3C, 0x40, 0x42)).readFloats(1, f, 2, 2);
        assertArrayEquals(new float[] {2, 3, 2, 3}, f);
    }

    /** F16 by its definition (NaN patterns compare as NaN). */
    private static double f16ByFormula(int bits) {
        int s = bits >> 15;
        int e = (bits >> 10) & 0x1f;
        int m = bits & 0x3ff;
        double v;
        if (e == 0x1f) {
            v = m == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (e == 0) {
            v = Math.pow(2, -14) * (m / 1024.0);
        } else {
            v = Math.pow(2, e - 15) * (1 + m / 1024.0);
        }
        return s == 1 ? -v : v;
    }
}
