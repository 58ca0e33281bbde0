package dev.loupe.compress.write;

import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.quantize.QuantizedMatrix;

/**
 * The weight layout of ONNX Runtime's contrib operator {@code com.microsoft::MatMulNBits} (schema and
 * CPU kernel checks of ORT 1.23: matmul_nbits_helper.h), for a weight W of [N, K] = [out, in]:
 * <pre>
 *   B            U8  [N, k_blocks, blob]   k_blocks = ceil(K / block), blob = block·bits/8; the codes of
 *                                          row n, block j, in K order, packed low bits first: at 4 bits
 *                                          byte i holds code 2i in bits 0..3 and code 2i+1 in bits 4..7
 *   scales       F32 [N, k_blocks]         one scale per block
 *   zero_points  U8  [N, ceil(k_blocks·bits/8)]   packed like B along the blocks; optional, absent
 *                                          means 2^(bits−1) for every block
 *   Y = A · dequant(B)ᵀ,  dequant = (code − zero_point) · scale
 * </pre>
 * The kernel also takes scales and zero points flattened to 1-D, which is how {@link NBitsRewrite} writes them.
 * block is a power of two ≥ 16. ORT 1.23's CPU kernel takes bits 4 and 8 only, so codes of 2..4 bits go
 * in a 4-bit container and codes of 5..8 bits in an 8-bit one (the values are exact; only the container
 * is wider than the code). Symmetric codes q are stored as q + 2^(container−1) with no zero_points
 * input; asymmetric codes are stored as they are, with their zero points. Our per-channel and per-tensor
 * scales, and groups larger than the block, are written by repeating the group's scale in each of its
 * blocks, which is the same arithmetic. Padding past K holds the block's zero point (dequantizes to 0).
 */
public final class MatMulNBitsLayout {
    /** Widest block we pick for a whole-row group (the common GPTQ/AWQ group; MLAS has kernels for 16..256). */
    static final int MAX_ROW_BLOCK = 128;

    /**
     * A packed weight.
     *
     * @param zeroPoints null for symmetric codes (the operator's default zero point)
     */
    public record Packed(int n, int k, int bits, int block, int kBlocks, byte[] b, float[] scales, byte[] zeroPoints) {
        public int blob() {
            return block * bits / 8;
        }
    }

    private MatMulNBitsLayout() {
    }

    /** The container width ORT 1.23 runs for codes of {@code bits}: 4 or 8. */
    public static int containerBits(int bits) {
        return bits <= 4 ? 4 : 8;
    }

    /**
     * The block size that carries {@code spec} for rows of {@code cols}, or 0 when none does. A group smaller
     * than the row must be a multiple of 16: its largest power-of-two divisor becomes the block. A whole-row
     * scale (per channel or per tensor) fits any block; we take the one that stores a row in the fewest bytes
     * (padding to whole blocks against 4 bytes of scale per block), the larger on a tie.
     */
    public static int blockSize(QuantSpec spec, int cols) {
        int g = spec.perTensor() ? cols : spec.groupLength(cols);
        if (g < cols) {
            int block = g & -g;
            return block >= 16 ? block : 0;
        }
        int bits = containerBits(spec.bits());
        int best = 16;
        for (int b = 16; b <= MAX_ROW_BLOCK; b *= 2) {
            if (rowBytes(cols, b, bits) <= rowBytes(cols, best, bits)) {
                best = b;
            }
        }
        return best;
    }

    private static long rowBytes(int cols, int block, int bits) {
        long blocks = (cols + block - 1) / block;
        return blocks * (block * bits / 8 + 4);
    }

    /** Packs [N, K] codes {@code q} (no outliers) with {@link #blockSize}. */
    public static Packed pack(QuantizedMatrix q) {
        if (q.outlier() != null) {
            throw new IllegalArgumentException("dense-and-sparse outliers have no MatMulNBits form");
        }
        int block = blockSize(q.spec(), q.cols());
        if (block == 0) {
            throw new IllegalArgumentException("group size " + q.spec().groupSize() + " is not a multiple of 16");
        }
        int bits = containerBits(q.spec().bits());
        int n = q.rows();
        int k = q.cols();
        int kBlocks = (k + block - 1) / block;
        int blob = block * bits / 8;
        int offset = q.spec().symmetric() ? 1 << (bits - 1) : 0;
        byte[] b = new byte[Math.multiplyExact(Math.multiplyExact(n, kBlocks), blob)];
        float[] scales = new float[n * kBlocks];
        int zpRow = (kBlocks * bits + 7) / 8;
        byte[] zp = q.spec().symmetric() ? null : new byte[n * zpRow];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < kBlocks; j++) {
                int slot = q.slot(r, j * block);
                int zero = q.zeros()[slot] + offset;
                scales[r * kBlocks + j] = q.scales()[slot];
                if (zp != null) {
                    put(zp, r * zpRow, j, bits, zero);
                }
                int base = (r * kBlocks + j) * blob;
                for (int i = 0; i < block; i++) {
                    int c = j * block + i;
                    put(b, base, i, bits, c < k ? q.codes()[r * k + c] + offset : zero);
                }
            }
        }
        return new Packed(n, k, bits, block, kBlocks, b, scales, zp);
    }

    /** Stored bytes of a packed [N, K] weight: codes, scales and (asymmetric) zero points. */
    public static long bytes(int n, int k, QuantSpec spec) {
        int block = blockSize(spec, k);
        int bits = containerBits(spec.bits());
        long kBlocks = (k + block - 1) / block;
        long zp = spec.symmetric() ? 0 : (kBlocks * bits + 7) / 8;
        return n * (kBlocks * block * bits / 8 + 4 * kBlocks + zp);
    }

    /** Writes unsigned {@code value} as the {@code index}-th {@code bits}-wide code from byte {@code base}. */
    private static void put(byte[] out, int base, int index, int bits, int value) {
        if (bits == 8) {
            out[base + index] = (byte) value;
        } else {
            out[base + index / 2] |= (byte) ((value & 0xF) << (4 * (index % 2)));
        }
    }
}
