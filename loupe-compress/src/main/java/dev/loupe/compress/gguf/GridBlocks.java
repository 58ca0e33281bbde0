package dev.loupe.compress.gguf;

import dev.loupe.core.tensor.DType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Weights that already lie on ggml's symmetric grid (GPTQ's choice with {@code QuantSpec#ggmlGrid}: w = k·d, k an
 * integer in the type's range, d one float16 value per group of whole 32-element blocks) stored as
 * ggml's 32-element blocks without re-rounding: the block's d is the group's scale and its levels are k plus the
 * type's offset. ggml's {@code dequantize_row_q4_0} ((q − 8)·d), {@code _q5_0} ((q − 16)·d) and {@code _q8_0} (q·d)
 * then give back exactly k·d, the float product the quantizer computed; a value that is not on the grid is a bug and
 * throws.
 */
public final class GridBlocks {
    private GridBlocks() {
    }

    /** The block type whose levels hold b-bit symmetric codes: 4 → Q4_0, 5 → Q5_0, 8 → Q8_0; null for other widths. */
    public static GgufFileType typeFor(int bits) {
        return switch (bits) {
            case 4 -> GgufFileType.Q4_0;
            case 5 -> GgufFileType.Q5_0;
            case 8 -> GgufFileType.Q8_0;
            default -> null;
        };
    }

    /**
     * Writes the row-major matrix {@code x} ({@code cols} per row, a multiple of 32) as {@code type}'s blocks, the block
     * at column c of row r scaled by {@code scales[r·groups + c / group]} ({@code group} a multiple of 32, or ≥ cols).
     */
    public static void writeRows(OutputStream out, DType type, float[] x, int cols, float[] scales, int group) throws IOException {
        int groups = (cols + group - 1) / group;
        if (cols % 32 != 0 || (group % 32 != 0 && group < cols) || scales.length != x.length / cols * groups) {
            throw new IllegalArgumentException(cols + " columns, group " + group + ", " + scales.length + " scales");
        }
        float[] d = new float[cols / 32];
        for (int r = 0; r < x.length / cols; r++) {
            for (int b = 0; b < d.length; b++) {
                d[b] = scales[r * groups + b * 32 / group];
            }
            out.write(pack(type, x, r * cols, cols, d));
        }
    }

    /** {@code n} values of {@code x} from {@code p} as {@code type}'s blocks with the given block scales. */
    static byte[] pack(DType type, float[] x, int p, int n, float[] d) {
        int offset = switch (type) {
            case Q4_0 -> 8;
            case Q5_0 -> 16;
            case Q8_0 -> 0;
            default -> throw new IllegalArgumentException(type + " is not a symmetric 32-element block type");
        };
        int lo = type == DType.Q8_0 ? -128 : -offset;
        int hi = type == DType.Q8_0 ? 127 : offset - 1;
        ByteBuffer out = ByteBuffer.allocate((int) type.byteSize(n)).order(ByteOrder.LITTLE_ENDIAN);
        int[] l = new int[32];
        for (int b = 0; b < n / 32; b++) {
            short half = Float.floatToFloat16(d[b]);
            if (Float.float16ToFloat(half) != d[b]) {
                throw new IllegalArgumentException("scale " + d[b] + " is not a float16 value");
            }
            for (int j = 0; j < 32; j++) {
                float v = x[p + 32 * b + j];
                long k = d[b] == 0 ? 0 : Math.round((double) v / d[b]);
                if (k < lo || k > hi || (float) k * d[b] != v) {
                    throw new IllegalArgumentException("value " + v + " is not on the grid " + d[b] + "·k, k in [" + lo + ", " + hi + "]");
                }
                l[j] = (int) k + offset;
            }
            switch (type) {
                case Q4_0 -> {
                    out.putShort(half);
                    for (int j = 0; j < 16; j++) {
                        out.put((byte) (l[j] | l[j + 16] << 4));
                    }
                }
                case Q5_0 -> GgmlQuantizer.putQ5(half, null, l, out);
                default -> {
                    out.putShort(half);
                    for (int j = 0; j < 32; j++) {
                        out.put((byte) l[j]);
                    }
                }
            }
        }
        return out.array();
    }
}
