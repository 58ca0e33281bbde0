package dev.loupe.compress.gguf;

import dev.loupe.core.tensor.DType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One row's ggml blocks read as a fixed grid: the scales and mins that ggml's quantizer chose for the row (with
 * importances, llama.cpp's imatrix variant) are kept, and every element may then take any level of its block. Element
 * j's level l stands for {@code (l + off)·a[j] + b[j]}, in the float order of ggml's {@code dequantize_row_*}
 * (ggml-quants.c): Q8_0 {@code q·d}; Q4_0/Q5_0 {@code (q − 8|16)·d}; Q5_1 {@code q·d + m}; Q4_K/Q5_K
 * {@code (d·sc)·q − dmin·m} per 32-element sub-block; Q6_K {@code (d·sc)·(q − 32)} per 16. {@link #pack} writes
 * levels back into the row's blocks, so a quantizer that rounds to this grid (GPTQ's column sweep, {@link GgmlGptq})
 * is stored exactly: llama.cpp's dequantization of the bytes gives back {@link #value}.
 */
final class GgmlGrid {
    private final DType type;
    private final byte[] bytes;
    private final float[] a;
    private final float[] b;
    private final int off;
    private final int lo;
    private final int hi;

    private GgmlGrid(DType type, byte[] bytes, int n) {
        this.type = type;
        this.bytes = bytes;
        this.a = new float[n];
        this.b = type == DType.Q5_1 || type == DType.Q4_K || type == DType.Q5_K ? new float[n] : null;
        this.off = switch (type) {
            case Q4_0 -> -8;
            case Q5_0 -> -16;
            case Q6_K -> -32;
            default -> 0;
        };
        this.lo = type == DType.Q8_0 ? -128 : 0;
        this.hi = switch (type) {
            case Q8_0 -> 127;
            case Q4_0, Q4_K -> 15;
            case Q6_K -> 63;
            default -> 31;
        };
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int be = type.blockElements();
        int size = (int) type.byteSize(be);
        for (int blk = 0; blk < n / be; blk++) {
            int p = blk * size;
            int e = blk * be;
            switch (type) {
                case Q8_0, Q4_0, Q5_0 -> fill(a, e, 32, half(bb, p));
                case Q5_1 -> {
                    fill(a, e, 32, half(bb, p));
                    fill(b, e, 32, half(bb, p + 2));
                }
                case Q4_K, Q5_K -> {
                    float d = half(bb, p);
                    float min = half(bb, p + 2);
                    for (int j = 0; j < 8; j++) {
                        int sm = scaleMin(bytes, p + 4, j);
                        fill(a, e + 32 * j, 32, d * (sm & 0xff));
                        fill(b, e + 32 * j, 32, -(min * (sm >>> 8)));
                    }
                }
                case Q6_K -> {
                    float d = half(bb, p + 208);
                    for (int j = 0; j < 16; j++) {
                        fill(a, e + 16 * j, 16, d * bytes[p + 192 + j]);
                    }
                }
                default -> throw new IllegalArgumentException(type + " has no fixed-grid form here");
            }
        }
    }

    /** The grid ggml's quantizer fixes for {@code row} (whole blocks of {@code type}), weighted by {@code importance} if given. */
    static GgmlGrid of(DType type, float[] row, float[] importance) {
        return new GgmlGrid(type, GgmlQuantizer.quantize(type, row, importance), row.length);
    }

    /** The types whose grids this reads: ggml's quantized types that {@link GgmlQuantizer} writes. */
    static boolean supports(DType type) {
        return GgmlQuantizer.supports(type) && type.isQuantized();
    }

    /** The value level {@code l} of element {@code j} stands for, as ggml dequantizes it. */
    float value(int j, int l) {
        float v = (l + off) * a[j];
        return b == null ? v : v + b[j];
    }

    /** The level of element {@code j} whose value is nearest {@code x} (the lower on ties). */
    int nearest(int j, double x) {
        if (a[j] == 0) {
            return -off < lo ? lo : Math.min(hi, -off);
        }
        double t = (x - (b == null ? 0 : b[j])) / a[j] - off;
        int best = (int) Math.max(lo, Math.min(hi, Math.rint(t)));
        double err = Math.abs(value(j, best) - x);
        // the float arithmetic of value() can move the nearest level by one from the real-number one
        for (int l = Math.max(lo, best - 1); l <= Math.min(hi, best + 1); l++) {
            double e = Math.abs(value(j, l) - x);
            if (e < err || (e == err && l < best)) {
                best = l;
                err = e;
            }
        }
        return best;
    }

    /** The row's blocks with these levels (one per element) in place of the quantizer's own; scales and mins kept. */
    byte[] pack(int[] levels) {
        if (levels.length != a.length) {
            throw new IllegalArgumentException(levels.length + " levels for a row of " + a.length);
        }
        byte[] out = bytes.clone();
        int be = type.blockElements();
        int size = (int) type.byteSize(be);
        for (int blk = 0; blk < a.length / be; blk++) {
            int p = blk * size;
            int e = blk * be;
            for (int j = 0; j < be; j++) {
                int l = levels[e + j];
                if (l < lo || l > hi) {
                    throw new IllegalArgumentException("level " + l + " is outside " + type + "'s " + lo + ".." + hi);
                }
            }
            switch (type) {
                case Q8_0 -> {
                    for (int j = 0; j < 32; j++) {
                        out[p + 2 + j] = (byte) levels[e + j];
                    }
                }
                case Q4_0 -> {
                    for (int j = 0; j < 16; j++) {
                        out[p + 2 + j] = (byte) (levels[e + j] | levels[e + j + 16] << 4);
                    }
                }
                case Q5_0, Q5_1 -> {
                    int h = type == DType.Q5_0 ? 2 : 4;
                    int[] l = new int[32];
                    System.arraycopy(levels, e, l, 0, 32);
                    ByteBuffer bb = ByteBuffer.allocate(h + 20).order(ByteOrder.LITTLE_ENDIAN);
                    GgmlQuantizer.putQ5((short) 0, type == DType.Q5_1 ? Short.valueOf((short) 0) : null, l, bb);
                    System.arraycopy(bb.array(), h, out, p + h, 20); // qh and qs, after d (and m)
                }
                default -> putKLevels(type, levels, e, out, p);
            }
        }
        return out;
    }

    /**
     * The levels {@code L[e .. e + 256)} of one K super-block into its code bytes at {@code b[p ..]}, as
     * {@code quantize_row_q4_K_ref} / {@code _q5_K_ref} / {@code _q6_K_ref} pack them: Q4_K nibbles at 16 (elements l and
     * l + 32 of each 64 share a byte); Q5_K the fifth bits at 16 and the nibbles at 48; Q6_K low nibbles at 0 and high
     * pairs at 128. Other bytes (scales, d) are left as they are.
     */
    static void putKLevels(DType type, int[] L, int e, byte[] b, int p) {
        switch (type) {
            case Q4_K -> {
                for (int c = 0; c < 4; c++) {
                    for (int l = 0; l < 32; l++) {
                        b[p + 16 + 32 * c + l] = (byte) (L[e + 64 * c + l] | L[e + 64 * c + l + 32] << 4);
                    }
                }
            }
            case Q5_K -> {
                for (int j = 0; j < 32; j++) {
                    b[p + 16 + j] = 0;
                }
                for (int c = 0; c < 4; c++) {
                    for (int l = 0; l < 32; l++) {
                        int l1 = L[e + 64 * c + l];
                        int l2 = L[e + 64 * c + l + 32];
                        b[p + 16 + l] |= (byte) ((l1 >> 4) << 2 * c | (l2 >> 4) << 2 * c + 1);
                        b[p + 48 + 32 * c + l] = (byte) ((l1 & 0xF) | (l2 & 0xF) << 4);
                    }
                }
            }
            case Q6_K -> {
                for (int h = 0; h < 2; h++) {
                    for (int l = 0; l < 32; l++) {
                        int q1 = L[e + 128 * h + l];
                        int q2 = L[e + 128 * h + l + 32];
                        int q3 = L[e + 128 * h + l + 64];
                        int q4 = L[e + 128 * h + l + 96];
                        b[p + 64 * h + l] = (byte) ((q1 & 0xF) | (q3 & 0xF) << 4);
                        b[p + 64 * h + l + 32] = (byte) ((q2 & 0xF) | (q4 & 0xF) << 4);
                        b[p + 128 + 32 * h + l] = (byte) ((q1 >> 4) | (q2 >> 4) << 2 | (q3 >> 4) << 4 | (q4 >> 4) << 6);
                    }
                }
            }
            default -> throw new IllegalArgumentException(type + " is not a K super-block type");
        }
    }

    private static void fill(float[] x, int from, int n, float v) {
        for (int i = from; i < from + n; i++) {
            x[i] = v;
        }
    }

    private static float half(ByteBuffer bb, int p) {
        return Float.float16ToFloat(bb.getShort(p));
    }

    /** ggml's get_scale_min_k4: sub-block j's 6-bit scale | min &lt;&lt; 8 from the 12 packed bytes at {@code s}. */
    private static int scaleMin(byte[] x, int s, int j) {
        if (j < 4) {
            return (x[s + j] & 63) | (x[s + j + 4] & 63) << 8;
        }
        int v = x[s + j + 4] & 0xff;
        int sc = (v & 0x0f) | ((x[s + j - 4] & 0xff) >>> 6) << 4;
        int m = (v >>> 4) | ((x[s + j] & 0xff) >>> 6) << 4;
        return sc | m << 8;
    }
}
