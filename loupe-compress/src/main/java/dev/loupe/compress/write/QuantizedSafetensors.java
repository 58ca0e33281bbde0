package dev.loupe.compress.write;

import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.quantize.LowRankCompensation;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;

import java.util.HashMap;
import java.util.Map;

/** Reads a weight back from the {@link QuantizedLayout}: the dequantized values in the original stored layout. */
public final class QuantizedSafetensors {
    private QuantizedSafetensors() {
    }

    /** Whether {@code cp} holds Loupe-quantized weights. */
    public static boolean isQuantized(Checkpoint cp) {
        return QuantizedLayout.FORMAT.equals(cp.metadata().get(QuantizedLayout.FORMAT_KEY));
    }

    /** The dequantized weight {@code name} (row-major, in its original stored shape). */
    public static float[] dequantize(Checkpoint cp, String name) {
        String desc = cp.metadata().get(QuantizedLayout.LAYER_KEY_PREFIX + name);
        if (desc == null) {
            throw new LoupeException(cp.source(), "no quantized weight '" + name + "'");
        }
        Map<String, String> kv = new HashMap<>();
        for (String part : desc.split(";")) {
            String[] p = part.split("=", 2);
            kv.put(p[0], p.length > 1 ? p[1] : "");
        }
        int bits = Integer.parseInt(kv.get("bits"));
        int group = Integer.parseInt(kv.get("group_size"));
        boolean transposed = Boolean.parseBoolean(kv.get("transposed"));
        Tensor qw = need(cp, name + ".qweight", DType.U8);
        Tensor sc = need(cp, name + ".scales", DType.F32);
        Tensor zp = need(cp, name + ".zeros", DType.U8);
        String[] dims = kv.get("shape").split("x");
        long numel = 1;
        for (String d : dims) {
            numel = Math.multiplyExact(numel, Long.parseLong(d));
        }
        int stored0 = Integer.parseInt(dims[0]);
        int rows = transposed ? (int) (numel / stored0) : stored0;
        int cols = (int) (numel / rows);
        int groups = (cols + group - 1) / group;
        if (sc.numel() != (long) rows * groups || zp.numel() != sc.numel()) {
            throw new LoupeException(cp.source(), "'" + name + "': scales/zeros do not match " + rows + "x" + groups);
        }
        byte[] packed = qw.storedBytes().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        int[] codes = QuantizedLayout.unpack(packed, rows, cols, bits);
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
            w = new LowRankCompensation.Factors(rows, cols, (int) rank, a.get().toFloats(), b.toFloats(), new double[0]).addTo(w);
        }
        return transposed ? Layer.transpose(w, rows, cols) : w;
    }

    private static Tensor need(Checkpoint cp, String name, DType dtype) {
        Tensor t = cp.tensor(name).orElseThrow(() -> new LoupeException(cp.source(), "missing tensor '" + name + "'"));
        if (t.dtype() != dtype) {
            throw new LoupeException(cp.source(), "'" + name + "' is " + t.dtype() + ", expected " + dtype);
        }
        return t;
    }
}
