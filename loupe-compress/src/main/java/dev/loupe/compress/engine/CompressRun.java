package dev.loupe.compress.engine;

import dev.loupe.compress.allocate.Allocation;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.layers.LayerFinder;
import dev.loupe.compress.memory.HardwareProfile;
import dev.loupe.compress.memory.HardwareProfiles;
import dev.loupe.compress.memory.ModelTraffic;
import dev.loupe.compress.memory.Roofline;
import dev.loupe.compress.memory.Workload;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.result.CompressionReport;
import dev.loupe.compress.result.EvalResult;
import dev.loupe.compress.result.LayerResult;
import dev.loupe.compress.write.LayerEdit;
import dev.loupe.compress.write.OnnxOutput;
import dev.loupe.compress.write.QuantizedLayout;
import dev.loupe.compress.write.SafetensorsOutput;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.linalg.DenseBackend;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code loupe compress}'s engine: from a validated request to a written file and its report. */
public final class CompressRun {
    /** Safetensors group size when none is given (GPTQ/AWQ's common choice). */
    public static final int DEFAULT_GROUP = 128;

    private CompressRun() {
    }

    public static CompressionReport run(CompressRequest r, DenseBackend backend) {
        List<HardwareProfile> profiles = new ArrayList<>(HardwareProfiles.builtIn());
        if (r.hardware() != null) {
            profiles.addAll(HardwareProfiles.load(r.hardware()));
        }
        Map<String, double[]> norms = r.norms() == null ? Map.of() : WandaNorms.load(r.norms());
        boolean calibrate = r.prune() && (r.method().equals("wanda") || r.allocate().equals("owl")) && r.norms() == null;
        List<String> notes = new ArrayList<>();
        Compressor.Outcome outcome;
        Map<String, Double> bytesAfter = new HashMap<>();
        Workload before;
        Workload after;
        long paramsInLayers;
        BeforeAfter baseline = null;
        long sizeBefore;
        try (Checkpoint cp = Checkpoints.open(r.model())) {
            sizeBefore = inputBytes(cp);
            boolean onnx = cp.format() == CheckpointFormat.ONNX;
            long opset = onnx ? opset(cp) : 0;
            List<Layer> layers = new ArrayList<>(LayerFinder.find(cp));
            if (r.embeddings()) {
                layers.addAll(LayerFinder.lookupTables(cp));
            }
            if (r.skip() != null) {
                List<String> skipped = layers.stream().filter(l -> r.skip().matcher(l.name()).find()
                        || r.skip().matcher(l.node()).find()).map(l -> l.node().isEmpty() ? l.name() : l.node()).toList();
                layers.removeIf(l -> r.skip().matcher(l.name()).find() || r.skip().matcher(l.node()).find());
                notes.add("left as they are (--skip): " + (skipped.isEmpty() ? "nothing matched" : String.join(", ", skipped)));
            }
            if (layers.isEmpty()) {
                throw new LoupeException(r.model(), "has no weight matrices to compress (MatMul/Gemm/Conv weights, or rank >= 2 tensors)");
            }
            paramsInLayers = layers.stream().mapToLong(Layer::params).sum();
            if (r.prune()) {
                if (calibrate) {
                    norms = Calibration.norms(r.model(), layers, r.data(), r.calibrationSamples());
                    notes.add("Wanda norms from the first " + r.calibrationSamples() + " examples of "
                            + (r.data().data() != null ? r.data().data() : r.data().text()));
                }
                PruneOptions o = new PruneOptions(r.sparsity(), r.allocate(), r.epsilon(),
                        PruneMethod.valueOf(r.method().toUpperCase(java.util.Locale.ROOT)), r.nmN(), r.nmM(), norms, r.blockWise());
                Map<String, Double> metrics = switch (r.allocate()) {
                    case "alpha" -> Compressor.hillAlphas(layers, backend);
                    case "owl" -> Compressor.outlierRatios(layers, norms);
                    default -> null;
                };
                Allocation a = Compressor.allocateSparsity(layers, o, metrics);
                outcome = r.dryRun() ? new Compressor.Outcome(a, List.of(), planned(a, layers, true))
                        : Compressor.prune(layers, a, o);
                notes.add("unstructured zeros are stored and moved like any weight: the file and the dense-kernel memory traffic do not shrink");
            } else {
                QuantOptions o = quantOptions(r, onnx, notes);
                Allocation a = Compressor.allocateBits(layers, o);
                outcome = r.dryRun() ? new Compressor.Outcome(a, List.of(), planned(a, layers, false))
                        : Compressor.quantize(layers, a, o);
                for (int i = 0; i < layers.size(); i++) {
                    bytesAfter.put(layers.get(i).name(), quantizedBytes(layers.get(i), (int) a.layers().get(i).value(), o, onnx));
                }
                if (onnx && r.bits() < 8) {
                    notes.add("ONNX: codes of fewer than 8 bits are stored in int8 containers (4-bit DequantizeLinear needs opset 21)");
                }
            }
            before = ModelTraffic.of(cp, layers, Map.of(), r.positions());
            after = ModelTraffic.of(cp, layers, bytesAfter, r.positions());
            if (r.eval()) {
                baseline = BeforeAfter.before(r.model(), r.data());
            }
            if (!r.dryRun()) {
                write(r, cp, onnx, opset, outcome.edits());
            }
        }
        notes.add("memory wall: " + r.positions() + " position(s) per inference; lookup tables count only the rows read;"
                + " activations approximated as each linear layer's fp32 input and output");
        EvalResult eval = baseline != null ? baseline.after(r.out()) : null;
        return report(r, outcome, paramsInLayers, sizeBefore, before, after, profiles, notes, eval);
    }

    private static QuantOptions quantOptions(CompressRequest r, boolean onnx, List<String> notes) {
        int group = r.group() != null ? r.group() : onnx ? QuantSpec.PER_CHANNEL : DEFAULT_GROUP;
        if (onnx && group > 0) {
            throw new LoupeException(r.model(), "ONNX weights are quantized per channel (--group 0) or per tensor (--group -1); "
                    + "group-wise DequantizeLinear needs opset 21");
        }
        if (onnx && r.outliers() > 0) {
            throw new LoupeException(r.model(), "--outliers (dense-and-sparse) has no ONNX form here; write safetensors");
        }
        if (!onnx && group == QuantSpec.PER_TENSOR) {
            throw new LoupeException(r.model(), "the safetensors layout is per channel or group-wise; use --group 0 or a size");
        }
        return new QuantOptions(r.bits(), r.allocate(), group, !r.asymmetric(), r.outliers(), 2, 8, r.lowRank());
    }

    /** Stored bytes of a quantized layer: codes, plus 4-byte scales and zero points per group. */
    private static double quantizedBytes(Layer l, int bits, QuantOptions o, boolean onnx) {
        if (onnx) {
            double scales = o.groupSize() == QuantSpec.PER_TENSOR ? 1 : l.rows();
            return l.params() + scales * (4 + (o.symmetric() ? 1 : 4));
        }
        int g = o.groupSize() == 0 ? l.cols() : Math.min(o.groupSize(), l.cols());
        double groups = (double) l.rows() * ((l.cols() + g - 1) / g);
        int per = QuantizedLayout.perByte(bits);
        int rank = Math.min(o.lowRank(), Math.min(l.rows(), l.cols()));
        return (double) l.rows() * ((l.cols() + per - 1) / per) + groups * 5 + o.outliers() * l.params() * 8
                + 4.0 * rank * (l.rows() + l.cols());
    }

    private static void write(CompressRequest r, Checkpoint cp, boolean onnx, long opset, List<LayerEdit> edits) {
        Path out = r.out();
        boolean overwrite = r.force() && sameFile(r.model(), out);
        // the writers refuse to write over their input; with --force write beside it, then rename over it
        Path target = overwrite ? out.resolveSibling("." + out.getFileName() + ".loupe-new") : out;
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("loupe.compress", (r.prune() ? "prune sparsity=" + r.sparsity() + " method=" + r.method()
                : "quantize bits=" + r.bits()) + " allocate=" + r.allocate());
        if (onnx) {
            OnnxOutput.write(r.model(), opset, edits, target);
        } else {
            SafetensorsOutput.write(cp, edits, meta, target);
        }
        if (overwrite) {
            try {
                try {
                    Files.move(target, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(target, out, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new LoupeException(out, "cannot replace the input: " + e.getMessage(), e);
            }
        }
    }

    private static List<LayerResult> planned(Allocation a, List<Layer> layers, boolean prune) {
        List<LayerResult> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            var s = a.layers().get(i);
            out.add(new LayerResult(s.name(), layers.get(i).node(), s.params(), s.metric(), s.value(), Double.NaN,
                    prune ? 8.0 * layers.get(i).tensor().dtype().elementBytes() : s.value(), Double.NaN));
        }
        return out;
    }

    private static CompressionReport report(CompressRequest r, Compressor.Outcome o, long params, long sizeBefore,
                                            Workload before,
                                            Workload after, List<HardwareProfile> profiles, List<String> notes,
                                            EvalResult eval) {
        double num = 0;
        for (LayerResult l : o.layers()) {
            num += l.params() * (r.prune() ? (r.dryRun() ? l.target() : l.sparsity()) : l.bits());
        }
        List<CompressionReport.MemoryRow> rows = new ArrayList<>();
        for (HardwareProfile p : profiles) {
            Roofline b = Roofline.of(before, p);
            Roofline a = Roofline.of(after, p);
            rows.add(new CompressionReport.MemoryRow(p.name(), p.bandwidthGBps(), p.peakTflops(), r.positions(),
                    before.bytes(), after.bytes(), after.flops(), before.intensity(), after.intensity(),
                    b.seconds(), a.seconds(), a.bound()));
        }
        long sizeAfter = r.dryRun() ? -1 : size(r.out());
        return new CompressionReport(r.model().toString(), r.dryRun() ? null : r.out().toString(),
                r.prune() ? "prune" : "quantize", r.method(), o.allocation().method(),
                r.prune() ? r.sparsity() : r.bits(), num / params, o.layers(), params, sizeBefore, sizeAfter, rows, notes, eval);
    }

    private static long opset(Checkpoint cp) {
        String imports = cp.metadata().getOrDefault("opset_import", "");
        for (String part : imports.split(",")) {
            String[] kv = part.split(":");
            if (kv.length == 2 && (kv[0].equals("ai.onnx") || kv[0].isEmpty())) {
                return Long.parseLong(kv[1].trim());
            }
        }
        throw new LoupeException(cp.source(), "does not import the default ONNX opset");
    }

    /**
     * Bytes on disk of everything the checkpoint is read from: the opened file plus every file its tensors
     * live in (the shards behind a *.index.json or a directory, an ONNX model's external data).
     */
    static long inputBytes(Checkpoint cp) {
        java.util.Set<Path> files = new java.util.LinkedHashSet<>();
        if (Files.isRegularFile(cp.source())) {
            files.add(cp.source().toAbsolutePath().normalize());
        }
        cp.tensors().forEach(t -> files.add(t.file().toAbsolutePath().normalize()));
        return files.stream().filter(Files::isRegularFile).mapToLong(CompressRun::size).sum();
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new LoupeException(p, "cannot read size: " + e.getMessage(), e);
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            throw new LoupeException(b, "cannot check output path: " + e.getMessage(), e);
        }
    }
}
