package dev.loupe.compress.engine;

import dev.loupe.compress.allocate.Allocation;
import dev.loupe.compress.allocate.AllocationMethod;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.write.OnnxOutput;
import dev.loupe.compress.write.QuantizedLayout;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;

import java.util.ArrayList;
import java.util.List;

/**
 * How the output formats store quantized layers, for {@link CompressRun}: which layers ONNX can take (refused before
 * any work), the notes on the ONNX forms chosen, each layer's stored bytes (the dry run's size estimate and the memory
 * wall), and the model's default opset.
 */
final class StoredForms {
    private StoredForms() {
    }

    /**
     * Group-wise scales and low-rank compensation exist in ONNX only as MatMulNBits: refuse, before any work, a
     * layer that cannot take it.
     */
    static void requireOnnxForm(Checkpoint cp, List<Layer> layers, QuantOptions o) {
        // bits matter only for lookup tables (packed at <= 4 bits); an allocated run is checked at its fewest bits
        // here, and a table it then gives more bits with group-wise scales is refused by the writer
        int bits = o.allocation() == AllocationMethod.UNIFORM ? (int) Math.round(o.averageBits()) : o.minBits();
        QuantSpec spec = new QuantSpec(bits, o.symmetric(), o.groupSize());
        for (Layer l : layers) {
            OnnxOutput.requireForm(cp, l, spec);
            if (o.lowRank() > 0) {
                OnnxOutput.requireLowRankForm(cp, l, spec);
            }
        }
    }

    /** How the ONNX output stores the weights, and where the container is wider than the codes. */
    static List<String> onnxForms(Checkpoint cp, List<Layer> layers, Allocation a, QuantOptions o) {
        List<String> nbits = new ArrayList<>();
        int gathers = 0;
        List<String> wide = new ArrayList<>();
        boolean narrowInNibbles = false;
        boolean midInBytes = false;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            int bits = (int) a.layers().get(i).value();
            boolean nb = o.lowRank() > 0 || OnnxOutput.usesNBits(cp, l, new QuantSpec(bits, o.symmetric(), o.groupSize()));
            if (nb) {
                nbits.add(l.name());
                gathers += l.consumer().equals("Gather") ? 1 : 0;
                narrowInNibbles |= bits < 4;
                midInBytes |= bits > 4 && bits < 8;
            } else if (bits < 8) {
                wide.add(l.node().isEmpty() ? l.name() : l.node());
            }
        }
        List<String> notes = new ArrayList<>();
        if (!nbits.isEmpty()) {
            notes.add("ONNX: " + (nbits.size() - gathers) + " of " + layers.size() + " weights as com.microsoft MatMulNBits"
                    + (gathers > 0 ? ", " + gathers + " lookup tables as com.microsoft GatherBlockQuantized" : "")
                    + " (ONNX Runtime contrib ops; 4-bit codes packed two per byte)"
                    + (narrowInNibbles ? "; 2..3-bit codes use the 4-bit container" : "")
                    + (midInBytes ? "; 5..7-bit codes use MatMulNBits' 8-bit container (ORT 1.23 runs bits 4 and 8 only)" : "")
                    + (o.lowRank() > 0 ? "; rank-" + o.lowRank() + " correction as two fp32 MatMuls and an Add per reader" : ""));
        }
        if (!wide.isEmpty()) {
            notes.add("ONNX: codes of fewer than 8 bits stored in int8 containers (DequantizeLinear; the packed contrib ops "
                    + "take only fp32 MatMul/Gemm weights and <= 4-bit Gather tables, int4 DequantizeLinear needs opset 21): "
                    + String.join(", ", wide.subList(0, Math.min(6, wide.size()))) + (wide.size() > 6 ? ", ..." : ""));
        }
        return notes;
    }

    /** Stored bytes of a quantized layer: codes, plus 4-byte scales and zero points per group. */
    static double quantizedBytes(Checkpoint cp, Layer l, int bits, QuantOptions o, boolean onnx) {
        if (onnx) {
            return OnnxOutput.storedBytes(cp, l, new QuantSpec(bits, o.symmetric(), o.groupSize()), o.lowRank());
        }
        int g = o.groupSize() == 0 ? l.cols() : Math.min(o.groupSize(), l.cols());
        double groups = (double) l.rows() * ((l.cols() + g - 1) / g);
        int per = QuantizedLayout.perByte(bits);
        int rank = Math.min(o.lowRank(), Math.min(l.rows(), l.cols()));
        return (double) l.rows() * ((l.cols() + per - 1) / per) + groups * 5 + o.outliers() * l.params() * 8
                + 4.0 * rank * (l.rows() + l.cols());
    }

    static long opset(Checkpoint cp) {
        String imports = cp.metadata().getOrDefault("opset_import", "");
        for (String part : imports.split(",")) {
            String[] kv = part.split(":");
            if (kv.length == 2 && (kv[0].equals("ai.onnx") || kv[0].isEmpty())) {
                return Long.parseLong(kv[1].trim());
            }
        }
        throw new LoupeException(cp.source(), "does not import the default ONNX opset");
    }
}
