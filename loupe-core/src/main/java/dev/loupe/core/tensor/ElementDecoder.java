package dev.loupe.core.tensor;

import dev.loupe.core.tensor.quant.GgmlDequantizer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Decodes contiguous little-endian elements to float or double. Hand-written loops over the
 * MemorySegment: the JIT turns them into tight code (this is the ≥1 GB/s path in the benchmark), and
 * no library covers bf16/fp8/ggml blocks on a MemorySegment.
 */
final class ElementDecoder {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Unsigned 16-bit (char) so bf16 widening needs no mask, which keeps the loop simple for the JIT. */
    private static final ValueLayout.OfChar U16 = ValueLayout.JAVA_CHAR_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final float[] E4M3 = fp8Table(true);
    private static final float[] E5M2 = fp8Table(false);

    private ElementDecoder() {
    }

    static void decodeFloats(DType t, MemorySegment s, long start, float[] dst, int off, int len) {
        switch (t) {
            case F32 -> MemorySegment.copy(s, F32, start * 4, dst, off, len); // a memcpy on little-endian hosts
            case F16 -> {
                long b = start * 2;
                for (int i = 0; i < len; i++) {
                    dst[off + i] = Float.float16ToFloat(s.get(I16, b + 2L * i));
                }
            }
            case BF16 -> {
                long b = start * 2;
                for (int i = 0; i < len; i++) {
                    dst[off + i] = Float.intBitsToFloat(s.get(U16, b + 2L * i) << 16);
                }
            }
            case F64 -> {
                long b = start * 8;
                for (int i = 0; i < len; i++) {
                    dst[off + i] = (float) s.get(F64, b + 8L * i);
                }
            }
            case F8_E4M3, F8_E5M2 -> {
                float[] table = t == DType.F8_E4M3 ? E4M3 : E5M2;
                for (int i = 0; i < len; i++) {
                    dst[off + i] = table[s.get(ValueLayout.JAVA_BYTE, start + i) & 0xff];
                }
            }
            default -> {
                if (t.isQuantized()) {
                    GgmlDequantizer.dequantize(t, s, start / t.blockElements(), dst, off, len);
                } else {
                    for (int i = 0; i < len; i++) {
                        dst[off + i] = (float) scalar(t, s, start + i);
                    }
                }
            }
        }
    }

    static void decodeDoubles(DType t, MemorySegment s, long start, double[] dst, int off, int len) {
        switch (t) {
            case F64 -> MemorySegment.copy(s, F64, start * 8, dst, off, len);
            case F32 -> {
                long b = start * 4;
                for (int i = 0; i < len; i++) {
                    dst[off + i] = s.get(F32, b + 4L * i);
                }
            }
            case F16, BF16, F8_E4M3, F8_E5M2 -> {
                float[] tmp = new float[Math.min(len, 8192)];
                for (int done = 0; done < len; done += tmp.length) {
                    int n = Math.min(tmp.length, len - done);
                    decodeFloats(t, s, start + done, tmp, 0, n);
                    for (int i = 0; i < n; i++) {
                        dst[off + done + i] = tmp[i];
                    }
                }
            }
            default -> {
                if (t.isQuantized()) {
                    float[] tmp = new float[len];
                    GgmlDequantizer.dequantize(t, s, start / t.blockElements(), tmp, 0, len);
                    for (int i = 0; i < len; i++) {
                        dst[off + i] = tmp[i];
                    }
                } else {
                    for (int i = 0; i < len; i++) {
                        dst[off + i] = scalar(t, s, start + i);
                    }
                }
            }
        }
    }

    /** One element of a plain type, as a double (ints exact up to 2^53). */
    private static double scalar(DType t, MemorySegment s, long i) {
        return switch (t) {
            case F64 -> s.get(F64, 8 * i);
            case F32 -> s.get(F32, 4 * i);
            case F16 -> Float.float16ToFloat(s.get(I16, 2 * i));
            case BF16 -> Float.intBitsToFloat((s.get(I16, 2 * i) & 0xffff) << 16);
            case F8_E4M3 -> E4M3[s.get(ValueLayout.JAVA_BYTE, i) & 0xff];
            case F8_E5M2 -> E5M2[s.get(ValueLayout.JAVA_BYTE, i) & 0xff];
            case I64 -> s.get(I64, 8 * i);
            case U64 -> unsignedLong(s.get(I64, 8 * i));
            case I32 -> s.get(I32, 4 * i);
            case U32 -> s.get(I32, 4 * i) & 0xffffffffL;
            case I16 -> s.get(I16, 2 * i);
            case U16 -> s.get(I16, 2 * i) & 0xffff;
            case I8 -> s.get(ValueLayout.JAVA_BYTE, i);
            case U8 -> s.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            case BOOL -> s.get(ValueLayout.JAVA_BYTE, i) != 0 ? 1 : 0;
            default -> throw new IllegalStateException(t + " is not a plain type");
        };
    }

    private static double unsignedLong(long v) {
        double d = (double) (v >>> 1) * 2.0;
        return d + (v & 1);
    }

    /**
     * FP8 lookup tables. E4M3 is the "fn" variant (OCP/PyTorch float8_e4m3fn): bias 7, no infinities,
     * S.1111.111 is NaN. E5M2 is IEEE-like (bias 15) and is exactly the top byte of an fp16.
     */
    private static float[] fp8Table(boolean e4m3) {
        float[] t = new float[256];
        for (int b = 0; b < 256; b++) {
            if (!e4m3) {
                t[b] = Float.float16ToFloat((short) (b << 8));
                continue;
            }
            int sign = (b >> 7) & 1;
            int exp = (b >> 3) & 0xf;
            int man = b & 0x7;
            float v;
            if (exp == 0xf && man == 0x7) {
                v = Float.NaN;
            } else if (exp == 0) {
                v = (float) (man / 8.0 * Math.pow(2, -6));
            } else {
                v = (float) ((1 + man / 8.0) * Math.pow(2, exp - 7));
            }
            t[b] = sign == 1 ? -v : v;
        }
        return t;
    }
}
