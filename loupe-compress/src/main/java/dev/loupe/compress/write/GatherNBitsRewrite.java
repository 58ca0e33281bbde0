package dev.loupe.compress.write;

import dev.loupe.core.tensor.Encode;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.quantize.QuantizedMatrix;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.format.onnx.OnnxWriter;
import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rewrites the Gathers that read a quantized lookup table (an embedding) into ONNX Runtime's contrib operator
 * {@code com.microsoft::GatherBlockQuantized} with 4-bit codes in uint8 (ORT 1.23 CPU: bits 4 or 8, gather axis 0,
 * quantize axis last), the lookup counterpart of {@link NBitsRewrite}. For a table of [V, H]:
 * <pre>
 *   data         U8  [V, H/2]          the codes of each row in H order, two per byte, low nibble first
 *                                      (H must be even: the operator's output has 2·(H/2) columns)
 *   scales       F32 [V, ceil(H/block)]   one scale per block of a row; no padding between blocks
 *   zero_points  U8  [V, ceil(blocks/2)]  packed like data; absent means 8 for every block
 *   out[…, j] = (code(row, j) − zero_point(row, j/block)) · scale(row, j/block)
 * </pre>
 * Per-row scales use one block spanning the row (the next power of two ≥ H; two blocks for asymmetric codes, see
 * {@link #blockSize}); groups use their largest power-of-two divisor (≥ 16), repeating the group's scale. Codes of 2..3 bits use the 4-bit container; symmetric codes are stored
 * offset by 8 with no zero points, as in MatMulNBits. A qualifying table is an fp32 main-graph initializer read only
 * as the data of main-graph Gathers on axis 0.
 */
public final class GatherNBitsRewrite {
    private GatherNBitsRewrite() {
    }

    /** Whether every reader of {@code l} can become GatherBlockQuantized with {@code spec}. */
    public static boolean fits(Checkpoint cp, Layer l, QuantSpec spec) {
        Graph g = cp.graph().orElse(null);
        String w = l.name();
        if (g == null || spec.bits() > 4 || l.tensor().dtype() != DType.F32 || l.tensor().rank() != 2 || l.storedInOut()
                || l.cols() % 2 != 0 || !g.initializers().contains(w) || g.outputs().contains(w) || blockSize(spec, l.cols()) == 0) {
            return false;
        }
        List<Node> readers = g.consumersOf(w);
        return !readers.isEmpty() && readers.stream().allMatch(n -> g.nodes().stream().anyMatch(m -> m == n)
                && n.opType().equals("Gather") && (n.domain().isEmpty() || n.domain().equals("ai.onnx"))
                && n.inputs().size() == 2 && n.inputs().get(0).equals(w) && !n.inputs().get(1).equals(w)
                && n.intAttribute("axis", 0) == 0 && n.outputs().size() == 1);
    }

    /**
     * The block for {@code spec} along rows of {@code cols}, or 0 when none carries it: the largest power of two
     * ≥ 16 that divides the group (a row scale: any), and for asymmetric codes only one that gives an even number
     * of blocks per row. ORT 1.23 reads the packed zero points as one flat nibble array over all V·blocks scales,
     * later versions row by row (the shape check is per row in both); with an even count the two agree.
     */
    static int blockSize(QuantSpec spec, int cols) {
        int g = spec.perTensor() ? cols : spec.groupLength(cols);
        int largest = g < cols ? g & -g : Math.max(16, Integer.highestOneBit(Math.max(1, cols - 1)) << 1);
        for (int b = largest; b >= 16; b /= 2) {
            if (spec.symmetric() || ((cols + b - 1) / b) % 2 == 0) {
                return b;
            }
        }
        return 0;
    }

    /** Stored bytes of a [rows, cols] table in this form. */
    static long bytes(int rows, int cols, QuantSpec spec) {
        long blocks = (cols + blockSize(spec, cols) - 1) / blockSize(spec, cols);
        return rows * (cols / 2 + 4 * blocks + (spec.symmetric() ? 0 : (blocks + 1) / 2));
    }

    /** Packs [V, H] codes {@code q} (a table that {@link #fits}); {@code Packed.b} is the data, its blob unused. */
    static MatMulNBitsLayout.Packed pack(QuantizedMatrix q) {
        int rows = q.rows();
        int cols = q.cols();
        int block = blockSize(q.spec(), cols);
        int blocks = (cols + block - 1) / block;
        int offset = q.spec().symmetric() ? 8 : 0;
        byte[] data = new byte[Math.multiplyExact(rows, cols / 2)];
        float[] scales = new float[rows * blocks];
        int zpRow = (blocks + 1) / 2;
        byte[] zp = q.spec().symmetric() ? null : new byte[rows * zpRow];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < blocks; j++) {
                int slot = q.slot(r, j * block);
                scales[r * blocks + j] = q.scales()[slot];
                if (zp != null) {
                    zp[r * zpRow + j / 2] |= (byte) ((q.zeros()[slot] & 0xF) << (4 * (j % 2)));
                }
            }
            for (int c = 0; c < cols; c++) {
                data[r * (cols / 2) + c / 2] |= (byte) (((q.codes()[r * cols + c] + offset) & 0xF) << (4 * (c % 2)));
            }
        }
        return new MatMulNBitsLayout.Packed(rows, cols, 4, block, blocks, data, scales, zp);
    }

    /** Replaces the Gathers reading {@code l} (which {@link #fits}) by GatherBlockQuantized over the packed {@code q}. */
    static void write(OnnxWriter w, Graph g, Names names, Layer l, QuantizedMatrix q) {
        MatMulNBitsLayout.Packed p = pack(q);
        int rows = p.n();
        int blocks = p.kBlocks();
        byte[] zp = p.zeroPoints();
        String name = l.name();
        String codesName = names.fresh(name + "_quantized");
        String scaleName = names.fresh(name + "_scale");
        String zeroName = names.fresh(name + "_zero_point");
        w.remove(name);
        w.add(codesName, DType.U8, new long[] {rows, p.k() / 2}, MemorySegment.ofArray(p.b()));
        w.add(scaleName, DType.F32, new long[] {rows, blocks}, Encode.floats(p.scales(), DType.F32));
        if (zp != null) {
            w.add(zeroName, DType.U8, new long[] {rows, zp.length / rows}, MemorySegment.ofArray(zp));
        }
        w.requireOpset("com.microsoft", 1);
        Map<String, Object> attrs = Map.of("gather_axis", 0L, "quantize_axis", 1L, "block_size", (long) p.block(), "bits", 4L);
        for (Node n : g.consumersOf(name)) {
            List<String> in = new ArrayList<>(List.of(codesName, n.inputs().get(1), scaleName));
            if (zp != null) {
                in.add(zeroName);
            }
            String nodeName = n.name().isEmpty() ? names.fresh(name + "_GatherBlockQuantized") : n.name();
            w.replaceNode(n.outputs().getFirst(), List.of(new Node(nodeName, "GatherBlockQuantized", "com.microsoft", in,
                    n.outputs(), attrs)));
        }
    }
}
