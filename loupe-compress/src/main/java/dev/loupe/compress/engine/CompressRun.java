package dev.loupe.compress.engine;

import dev.loupe.compress.CalibrationOrder;
import dev.loupe.compress.Method;
import dev.loupe.compress.allocate.Allocation;
import dev.loupe.compress.allocate.AllocationMethod;
import dev.loupe.compress.calibrate.InputGram;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.layers.LayerFinder;
import dev.loupe.compress.memory.HardwareProfile;
import dev.loupe.compress.prune.Pruners;
import dev.loupe.compress.memory.HardwareProfiles;
import dev.loupe.compress.memory.ModelTraffic;
import dev.loupe.compress.memory.Roofline;
import dev.loupe.compress.memory.Workload;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.result.CompressionReport;
import dev.loupe.compress.result.EvalResult;
import dev.loupe.compress.result.LayerResult;
import dev.loupe.compress.result.LayerSensitivity;
import dev.loupe.compress.write.SafetensorsOutput;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.DenseBackend;
import dev.loupe.runtime.text.EncoderConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code loupe compress}'s engine: from a validated request to a written file and its report. */
public final class CompressRun {
    /** Safetensors group size when none is given (GPTQ/AWQ's common choice). */
    public static final int DEFAULT_GROUP = 128;

    private CompressRun() {
    }

    public static CompressionReport run(CompressRequest r, DenseBackend backend) {
        return run(r, backend, Progress.NONE);
    }

    /** As above, reporting calibration batches and layers done to {@code progress} (the CLI's bar on stderr). */
    public static CompressionReport run(CompressRequest r, DenseBackend backend, Progress progress) {
        return run(r, backend, progress, null);
    }

    /**
     * As above; {@code hessian} gives the per-layer loss-Hessian traces that {@code --allocate hessian} reads on an ONNX
     * classifier ({@link CompressRequest#hessianTraces()}), null where the request needs none.
     */
    public static CompressionReport run(CompressRequest r, DenseBackend backend, Progress progress, HessianTraceSource hessian) {
        List<HardwareProfile> profiles = new ArrayList<>(HardwareProfiles.builtIn());
        if (r.memory().hardware() != null) {
            profiles.addAll(HardwareProfiles.load(r.memory().hardware()));
        }
        Path normsFile = r.calibration().norms();
        Map<String, double[]> norms = normsFile == null ? Map.of() : WandaNorms.load(normsFile);
        boolean calibrate = r.goal() instanceof CompressRequest.Prune p && p.needsNorms() && normsFile == null;
        Map<String, InputGram.Gram> grams = Map.of();
        List<String> notes = new ArrayList<>();
        if (r.data().text() != null && !LanguageModelRun.applies(r.model())) { // an LM tokenizes with its own tokenizer.json
            notes.add(EncoderConfig.resolve(r.model(), r.data().encoder()).describe());
        }
        Compressor.Outcome outcome;
        List<LayerSensitivity> sensitivity = List.of();
        Map<String, Double> bytesAfter = new HashMap<>();
        Workload before;
        Workload after;
        long paramsInLayers;
        BeforeAfter baseline = null;
        dev.loupe.lm.perplexity.PerplexityResult lmBefore = null;
        long sizeEstimate = 0;
        long sizeBefore;
        try (Checkpoint cp = Checkpoints.open(r.model())) {
            sizeBefore = inputBytes(cp);
            boolean onnx = cp.format() == CheckpointFormat.ONNX;
            long opset = onnx ? StoredForms.opset(cp) : 0;
            List<Layer> layers = new ArrayList<>(LayerFinder.find(cp));
            if (r.goal() instanceof CompressRequest.Quantize q && q.embeddings()) {
                layers.addAll(LayerFinder.lookupTables(cp));
            }
            if (r.skip() != null) {
                List<String> skipped = layers.stream().filter(l -> r.skip().matcher(l.name()).find()
                        || r.skip().matcher(l.node()).find()).map(l -> l.node().isEmpty() ? l.name() : l.node()).toList();
                layers.removeIf(l -> r.skip().matcher(l.name()).find() || r.skip().matcher(l.node()).find());
                notes.add("left as they are (--skip): " + (skipped.isEmpty() ? "nothing matched" : String.join(", ", skipped)));
            }
            if (layers.isEmpty()) {
                Map<String, Integer> quantized = LayerFinder.quantizedWeights(cp);
                if (!quantized.isEmpty()) {
                    // requantizing dequantized codes would compound two rounding errors; the float original is the input to use
                    throw new LoupeException(r.model(), "is already quantized: its weight matrices are integer codes read by "
                            + quantized.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(java.util.stream.Collectors.joining(", "))
                            + "; compress the float model it was made from");
                }
                throw new LoupeException(r.model(), "has no weight matrices to compress (MatMul/Gemm/Conv weights, or rank >= 2 tensors)");
            }
            paramsInLayers = layers.stream().mapToLong(Layer::params).sum();
            sizeEstimate = sizeBefore;
            boolean lmText = r.calibration().lm() != null && r.calibration().lm().text() != null;
            // a dry run still allocates, and Hessian-aware bits are allocated from XᵀX
            boolean grammed = r.needsGram() && (!r.dryRun() || (r.goal().allocation() == AllocationMethod.HESSIAN && !r.hessianTraces()));
            // GPTQ/SparseGPT on an LM block by block as the papers, one block's XᵀX at a time; Hessian-aware bits take each
            // layer's error curve from its block's XᵀX in a first pass, then GPTQ one shot from the uncompressed model as before
            boolean lmHessian = grammed && lmText && r.goal().allocation() == AllocationMethod.HESSIAN;
            boolean perBlock = grammed && lmText && !r.dryRun() && r.goal().method().needsGram();
            boolean throughCompressed = lmText && r.calibration().order() == CalibrationOrder.SEQUENTIAL && !lmHessian;
            // on an ONNX model likewise, layer by layer in graph order (OnnxSequential), unless --one-shot
            boolean onnxSequential = grammed && onnx && !r.dryRun() && r.goal().method().needsGram()
                    && r.calibration().order() == CalibrationOrder.SEQUENTIAL
                    && r.goal().allocation() != AllocationMethod.HESSIAN;
            if (perBlock) {
                notes.add("XᵀX block by block from the LM's forward pass on up to " + r.calibration().samples() + " windows of "
                        + r.calibration().lm().text() + (throughCompressed ? ", each block's through the blocks before it as compressed "
                        + "(sequential, as the papers; --one-shot for the uncompressed model's)" : " through the uncompressed model (one shot)")
                        + "; one block's XᵀX held at a time; dampening 1 % of the mean diagonal, blocks of 128");
            }
            if (lmHessian) {
                notes.add("Hessian-aware bits: each layer's XᵀX-weighted error at every width, block by block from the LM's forward "
                        + "pass on up to " + r.calibration().samples() + " windows of " + r.calibration().lm().text()
                        + " through the uncompressed model");
            } else if (onnxSequential) {
                notes.add("XᵀX layer by layer from the first " + r.calibration().samples() + " examples of " + r.data().calibrationSource()
                        + ", each layer's through the layers before it as compressed (sequential, as the papers; --one-shot for one "
                        + "pass through the uncompressed model); dampening 1 % of the mean diagonal, blocks of 128");
            } else if (grammed && !lmText) {
                int samples = r.calibration().samples();
                grams = Calibration.grams(r.model(), layers, r.data(), samples, progress);
                notes.add("XᵀX of every layer from the first " + samples + " examples of "
                        + r.data().calibrationSource()
                        + " through the uncompressed model (one shot, not block by block); dampening 1 % of the mean diagonal, blocks of 128");
            }
            // before anything is written: with --force the output replaces the model these read
            if (r.calibration().eval() && LanguageModelRun.applies(r.model())) {
                lmBefore = LanguageModelRun.before(r);
            } else if (r.calibration().eval()) {
                baseline = BeforeAfter.before(r.model(), r.data());
            }
            if (r.goal() instanceof CompressRequest.Prune o) {
                if (calibrate && r.calibration().lm() != null && r.calibration().lm().text() != null) {
                    norms = LanguageModelRun.wandaNorms(r);
                    notes.add("Wanda norms from the LM's forward pass on up to " + r.calibration().samples() + " windows of "
                            + r.calibration().lm().text());
                } else if (calibrate) {
                    int samples = r.calibration().samples();
                    norms = Calibration.norms(r.model(), layers, r.data(), samples, progress);
                    notes.add("Wanda norms from the first " + samples + " examples of "
                            + r.data().calibrationSource());
                }
                Map<String, Double> metrics = switch (o.allocation()) {
                    case ALPHA -> Allocations.hillAlphas(layers, backend, o.metric());
                    case OWL -> Allocations.outlierRatios(layers, norms);
                    default -> null;
                };
                Allocation a;
                if (r.hessianTraces()) {
                    Allocations.HessianAllocation h = Allocations.hessianSparsity(layers, o, norms, Allocations.traces(r, layers, hessian, progress, notes));
                    a = h.allocation();
                    sensitivity = h.sensitivity();
                } else {
                    a = Allocations.allocateSparsity(layers, o, metrics);
                }
                Map<String, double[]> n = norms;
                Map<String, InputGram.Gram> gs = grams;
                List<SafetensorsOutput.Planned> plan = layers.stream().<SafetensorsOutput.Planned>map(SafetensorsOutput.Planned.Dense::new).toList();
                outcome = r.dryRun() ? new Compressor.Outcome(a, List.of(), planned(a, layers, true))
                        : EditWriter.write(r, cp, onnx, opset, plan, sink -> perBlock
                        ? SequentialCalibration.run(r, layers, a, (ls, part, g) -> Compressor.prune(ls, part, o, n, g), throughCompressed,
                        progress, sink, notes)
                        : onnxSequential
                        ? OnnxSequential.run(r, cp, opset, layers, a, (ls, part, g) -> Compressor.prune(ls, part, o, n, g), sink, progress)
                        : Compressor.prune(layers, a, o, n, gs, progress, sink));
                notes.add("unstructured zeros are stored and moved like any weight: the file and the dense-kernel memory traffic do not shrink");
            } else {
                QuantOptions o = quantOptions(r.model(), (CompressRequest.Quantize) r.goal(), onnx);
                if (onnx) {
                    StoredForms.requireOnnxForm(cp, layers, o);
                }
                Allocation a;
                if (r.hessianTraces()) {
                    Allocations.HessianAllocation h = Allocations.hessianBits(layers, o, Allocations.traces(r, layers, hessian, progress, notes));
                    a = h.allocation();
                    sensitivity = h.sensitivity();
                } else if (lmHessian) {
                    a = Allocations.allocateBits(o, Allocations.lmErrorCurves(r, layers, o, progress));
                } else {
                    a = Allocations.allocateBits(layers, o, grams);
                }
                Map<String, InputGram.Gram> gs = grams;
                List<SafetensorsOutput.Planned> plan = new ArrayList<>();
                for (int i = 0; i < layers.size(); i++) {
                    Layer l = layers.get(i);
                    plan.add(new SafetensorsOutput.Planned.Quantized(l, new QuantSpec((int) a.layers().get(i).value(), o.symmetric(),
                            o.groupSize()), o.outliers() > 0 ? (int) Pruners.prunedCount(o.outliers(), l.params()) : 0,
                            Math.min(o.lowRank(), Math.min(l.rows(), l.cols()))));
                }
                outcome = r.dryRun() ? new Compressor.Outcome(a, List.of(), planned(a, layers, false))
                        : EditWriter.write(r, cp, onnx, opset, plan, sink -> perBlock
                        ? SequentialCalibration.run(r, layers, a, (ls, part, g) -> Compressor.quantize(ls, part, o, g), throughCompressed,
                        progress, sink, notes)
                        : onnxSequential
                        ? OnnxSequential.run(r, cp, opset, layers, a, (ls, part, g) -> Compressor.quantize(ls, part, o, g), sink, progress)
                        : Compressor.quantize(layers, a, o, gs, progress, sink));
                for (int i = 0; i < layers.size(); i++) {
                    bytesAfter.put(layers.get(i).name(), StoredForms.quantizedBytes(cp, layers.get(i), (int) a.layers().get(i).value(), o, onnx));
                    // a dry run reports the file it would write: each layer's stored bytes replace its dense ones
                    sizeEstimate += Math.round(bytesAfter.get(layers.get(i).name())) - layers.get(i).tensor().byteSize();
                }
                if (onnx) {
                    notes.addAll(StoredForms.onnxForms(cp, layers, a, o));
                }
            }
            before = ModelTraffic.of(cp, layers, Map.of(), r.memory().positions());
            after = ModelTraffic.of(cp, layers, bytesAfter, r.memory().positions());
        }
        notes.add("memory wall: " + r.memory().positions() + " position(s) per inference; lookup tables count only the rows read;"
                + " activations approximated as each linear layer's fp32 input and output");
        EvalResult eval = baseline != null ? baseline.after(r.out()) : lmBefore != null ? LanguageModelRun.after(r, lmBefore) : null;
        return report(r, outcome, paramsInLayers, sizeBefore, r.dryRun() ? sizeEstimate : Checkpoints.fileBytes(r.out()), before, after,
                profiles, notes, eval, sensitivity);
    }

    private static QuantOptions quantOptions(Path model, CompressRequest.Quantize q, boolean onnx) {
        int group = q.group() != null ? q.group() : onnx ? QuantSpec.PER_CHANNEL : DEFAULT_GROUP;
        if (onnx && q.outliers() > 0) {
            throw new LoupeException(model, "--outliers (dense-and-sparse) has no ONNX form here; write safetensors");
        }
        if (!onnx && group == QuantSpec.PER_TENSOR) {
            throw new LoupeException(model, "the safetensors layout is per channel or group-wise; use --group 0 or a size");
        }
        return new QuantOptions(q.bits(), q.allocation(), group, !q.asymmetric(), q.outliers(), 2, 8, q.lowRank(),
                q.method() == Method.GPTQ ? QuantOptions.Gptq.of(q.actOrder()) : null, q.ggmlGrid());
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

    private static CompressionReport report(CompressRequest r, Compressor.Outcome o, long params, long sizeBefore, long sizeAfter,
                                            Workload before,
                                            Workload after, List<HardwareProfile> profiles, List<String> notes,
                                            EvalResult eval, List<LayerSensitivity> sensitivity) {
        double num = 0;
        for (LayerResult l : o.layers()) {
            num += l.params() * (r.prune() ? (r.dryRun() ? l.target() : l.sparsity()) : l.bits());
        }
        List<CompressionReport.MemoryRow> rows = new ArrayList<>();
        for (HardwareProfile p : profiles) {
            Roofline b = Roofline.of(before, p);
            Roofline a = Roofline.of(after, p);
            rows.add(new CompressionReport.MemoryRow(p.name(), p.bandwidthGBps(), p.peakTflops(), r.memory().positions(),
                    before.bytes(), after.bytes(), after.flops(), before.intensity(), after.intensity(),
                    b.seconds(), a.seconds(), a.bound()));
        }
        return new CompressionReport(r.model().toString(), r.dryRun() ? null : r.out().toString(),
                r.goal().mode(), r.goal().method(), o.allocation().method(), r.goal().target(), num / params, o.layers(), params, sizeBefore, sizeAfter, rows, notes, eval, sensitivity);
    }

    /**
     * Bytes on disk of everything the checkpoint is read from: the opened file plus every file its tensors
     * live in (the shards behind a *.index.json or a directory, an ONNX model's external data).
     */
    static long inputBytes(Checkpoint cp) {
        return Checkpoints.fileBytes(cp.source());
    }
}
