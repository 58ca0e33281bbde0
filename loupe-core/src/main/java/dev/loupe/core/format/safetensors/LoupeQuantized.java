package dev.loupe.core.format.safetensors;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.LoadedCheckpoint;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading Loupe's quantized safetensors layout ("loupe-rtn-v1", written by loupe-compress's {@code QuantizedLayout},
 * which documents it): a weight {@code W} is stored as {@code W.qweight} (packed unsigned codes), {@code W.scales},
 * {@code W.zeros}, optionally {@code W.outlier_index/value} and {@code W.lowrank_a/b}, and described in the metadata
 * key {@code loupe.quant.W}. Here, in loupe-core, so every reader of checkpoints (the LM forward pass, the
 * compressor's tests) dequantizes the same way: W = (u − z)·scale, outliers put back, then W += A·B.
 */
public final class LoupeQuantized {
    public static final String FORMAT_KEY = "loupe.quant.format";
    public static final String FORMAT = "loupe-rtn-v1";
    public static final String LAYER_KEY_PREFIX = "loupe.quant.";
    private static final List<String> PARTS = List.of(".qweight", ".scales", ".zeros", ".outlier_index", ".outlier_value",
            ".lowrank_a", ".lowrank_b");

    private LoupeQuantized() {
    }

    /** Whether {@code cp} holds Loupe-quantized weights. */
    public static boolean isQuantized(Checkpoint cp) {
        return FORMAT.equals(cp.metadata().get(FORMAT_KEY));
    }

    /** Codes per byte for {@code bits}: two 4-bit nibbles (low first) up to 4 bits, else one. */
    public static int perByte(int bits) {
        return bits <= 4 ? 2 : 1;
    }

    /** Unpacks the codes of a [rows, cols] matrix to unsigned ints. */
    public static int[] unpack(byte[] packed, int rows, int cols, int bits) {
        int per = perByte(bits);
        int rowBytes = (cols + per - 1) / per;
        if ((long) rows * rowBytes != packed.length) {
            throw new IllegalArgumentException(packed.length + " bytes for " + rows + "x" + cols + " at " + bits + " bits");
        }
        int[] out = new int[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int b = packed[r * rowBytes + c / per] & 0xFF;
                out[r * cols + c] = per == 2 ? (b >>> (4 * (c % 2))) & 0xF : b;
            }
        }
        return out;
    }

    /** {@code w} ([rows, cols]) plus A·B, A [rows, rank], B [rank, cols], as a new array (low-rank compensation). */
    public static float[] addLowRank(float[] w, float[] a, float[] b, int rows, int rank, int cols) {
        float[] out = w.clone();
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < rank; k++) {
                float av = a[r * rank + k];
                for (int c = 0; c < cols; c++) {
                    out[r * cols + c] += av * b[k * cols + c];
                }
            }
        }
        return out;
    }

    /**
     * One weight's scales as stored: {@code scales} is [rows, ceil(cols / group)] over the codes' [rows, cols] matrix
     * (the [out, in] orientation, also for a weight stored transposed), {@code group} consecutive columns each.
     */
    public record GroupScales(int rows, int cols, int group, float[] scales) {
    }

    /** The scales of the quantized weight {@code name}. */
    public static GroupScales groupScales(Checkpoint cp, String name) {
        Layout l = layout(cp, name);
        Tensor sc = need(cp, name + ".scales", DType.F32);
        int groups = (l.cols() + l.group() - 1) / l.group();
        if (sc.numel() != (long) l.rows() * groups) {
            throw new LoupeException(cp.source(), "'" + name + "': scales do not match " + l.rows() + "x" + groups);
        }
        return new GroupScales(l.rows(), l.cols(), l.group(), sc.toFloats());
    }

    /** The names of the quantized weights in {@code cp} (as the original checkpoint named them). */
    public static List<String> quantizedNames(Checkpoint cp) {
        List<String> names = new ArrayList<>();
        for (String k : cp.metadata().keySet()) {
            if (k.startsWith(LAYER_KEY_PREFIX) && !k.equals(FORMAT_KEY)) {
                names.add(k.substring(LAYER_KEY_PREFIX.length()));
            }
        }
        return names;
    }

    /** The dequantized weight {@code name} (row-major, in its original stored shape). */
    public static float[] dequantize(Checkpoint cp, String name) {
        Layout l = layout(cp, name);
        Tensor qw = need(cp, name + ".qweight", DType.U8);
        Tensor sc = need(cp, name + ".scales", DType.F32);
        Tensor zp = need(cp, name + ".zeros", DType.U8);
        int rows = l.rows();
        int cols = l.cols();
        int group = l.group();
        int groups = (cols + group - 1) / group;
        if (sc.numel() != (long) rows * groups || zp.numel() != sc.numel()) {
            throw new LoupeException(cp.source(), "'" + name + "': scales/zeros do not match " + rows + "x" + groups);
        }
        int[] codes;
        try {
            codes = unpack(qw.storedBytes().toArray(ValueLayout.JAVA_BYTE), rows, cols, l.bits());
        } catch (IllegalArgumentException e) {
            throw new LoupeException(cp.source(), "'" + name + ".qweight': " + e.getMessage());
        }
        float[] scales = sc.toFloats();
        float[] zeros = zp.toFloats();
        float[] w = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int k = r * groups + c / group;
                w[r * cols + c] = (codes[r * cols + c] - zeros[k]) * scales[k];
            }
        }
        var idx = cp.tensor(name + ".outlier_index");
        if (idx.isPresent()) {
            double[] at = idx.get().toDoubles();
            float[] val = need(cp, name + ".outlier_value", DType.F32).toFloats();
            for (int i = 0; i < at.length; i++) {
                if (at[i] < 0 || at[i] >= w.length || i >= val.length) {
                    throw new LoupeException(cp.source(), "'" + name + "': outlier index out of range");
                }
                w[(int) at[i]] = val[i];
            }
        }
        var a = cp.tensor(name + ".lowrank_a");
        if (a.isPresent()) {
            Tensor b = need(cp, name + ".lowrank_b", DType.F32);
            long rank = a.get().numel() / Math.max(1, rows);
            if (a.get().dtype() != DType.F32 || a.get().numel() != rows * rank || b.numel() != rank * cols) {
                throw new LoupeException(cp.source(), "'" + name + "': low-rank factors do not match " + rows + "x" + cols);
            }
            w = addLowRank(w, a.get().toFloats(), b.toFloats(), rows, (int) rank, cols);
        }
        return l.transposed() ? transpose(w, rows, cols) : w;
    }

    /**
     * {@code cp} with every quantized weight replaced by an F32 tensor of its original name and shape (dequantized
     * now, held on the heap) and its parts hidden; other tensors as they are. Closing it closes {@code cp}. For
     * readers that take plain tensors (the LM forward pass evaluating a compressed model).
     */
    public static Checkpoint dequantized(Checkpoint cp) {
        Map<String, String> meta = new LinkedHashMap<>(cp.metadata());
        List<String> names = quantizedNames(cp);
        names.forEach(n -> meta.remove(LAYER_KEY_PREFIX + n));
        meta.remove(FORMAT_KEY);
        java.util.Set<String> hidden = new java.util.HashSet<>();
        for (String n : names) {
            PARTS.forEach(p -> hidden.add(n + p));
        }
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : cp.tensors()) {
            if (!hidden.contains(t.name())) {
                out.add(t);
            }
        }
        for (String n : names) {
            float[] w = dequantize(cp, n);
            ByteBuffer b = ByteBuffer.allocate(4 * w.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(w);
            out.add(Tensor.contiguous(n, DType.F32, layout(cp, n).shape(), MemorySegment.ofArray(b.array()), cp.source()));
        }
        return new LoadedCheckpoint(cp.source(), cp.format(), out, meta, cp.graph().orElse(null), List.of(cp));
    }

    /** One weight's description: bits, group size, original stored shape, whether the codes are its transpose. */
    private record Layout(int bits, int group, long[] shape, boolean transposed, int rows, int cols) {
    }

    private static Layout layout(Checkpoint cp, String name) {
        String desc = cp.metadata().get(LAYER_KEY_PREFIX + name);
        if (desc == null) {
            throw new LoupeException(cp.source(), "no quantized weight '" + name + "'");
        }
        Map<String, String> kv = new HashMap<>();
        for (String part : desc.split(";")) {
            String[] p = part.split("=", 2);
            kv.put(p[0], p.length > 1 ? p[1] : "");
        }
        try {
            int bits = Integer.parseInt(kv.get("bits"));
            int group = Integer.parseInt(kv.get("group_size"));
            boolean transposed = Boolean.parseBoolean(kv.get("transposed"));
            String[] dims = kv.get("shape").split("x");
            long[] shape = new long[dims.length];
            long numel = 1;
            for (int i = 0; i < dims.length; i++) {
                shape[i] = Long.parseLong(dims[i]);
                numel = Math.multiplyExact(numel, shape[i]);
            }
            int stored0 = (int) shape[0];
            int rows = transposed ? (int) (numel / stored0) : stored0;
            int cols = (int) (numel / rows);
            if (bits < 2 || bits > 8 || group < 1) {
                throw new IllegalArgumentException("bits " + bits + ", group " + group);
            }
            return new Layout(bits, group, shape, transposed, rows, cols);
        } catch (RuntimeException e) {
            throw new LoupeException(cp.source(), "metadata '" + LAYER_KEY_PREFIX + name + "' is not a loupe-rtn-v1 description: " + desc);
        }
    }

    private static float[] transpose(float[] w, int rows, int cols) {
        float[] t = new float[w.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = w[r * cols + c];
            }
        }
        return t;
    }

    private static Tensor need(Checkpoint cp, String name, DType dtype) {
        Tensor t = cp.tensor(name).orElseThrow(() -> new LoupeException(cp.source(), "missing tensor '" + name + "'"));
        if (t.dtype() != dtype) {
            throw new LoupeException(cp.source(), "'" + name + "' is " + t.dtype() + ", expected " + dtype);
        }
        return t;
    }
}
