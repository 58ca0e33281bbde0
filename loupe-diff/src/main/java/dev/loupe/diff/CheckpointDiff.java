package dev.loupe.diff;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.data.Dataset;
import dev.loupe.core.progress.Progress;
import dev.loupe.diff.activations.ActivationCka;
import dev.loupe.diff.activations.LayerActivations;
import dev.loupe.diff.delta.DeltaAnalyzer;
import dev.loupe.diff.delta.LayerDelta;
import dev.loupe.diff.delta.LayerEsds;
import dev.loupe.diff.lora.LoraAdapter;
import dev.loupe.diff.lora.LoraAnalyzer;
import dev.loupe.diff.lora.LoraModule;
import dev.loupe.diff.match.LayerMatcher;
import dev.loupe.diff.match.LayerPair;
import dev.loupe.diff.match.Matching;
import dev.loupe.diff.result.DiffKind;
import dev.loupe.diff.result.DiffResult;
import dev.loupe.linalg.DenseBackend;
import dev.loupe.spectral.esd.EsdCalculator;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.layers.ConvMode;
import dev.loupe.spectral.layers.LayerDiscovery;
import dev.loupe.spectral.layers.WeightMatrix;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares two checkpoints, or an adapter with (or without) its base: opens, discovers layers as {@code inspect}
 * does, matches them and measures each pair. Layers run one after another; the spectra use the backend's threads.
 */
public final class CheckpointDiff {
    /**
     * @param cka     also compute WeightWatcher's CKA distance (O(out · in²) per layer, so off by default)
     * @param conv    how conv kernels are read (as inspect)
     * @param data    examples to compare the layers' outputs on (two ONNX models), or null
     * @param samples how many of them
     */
    public record Options(boolean cka, ConvMode conv, Dataset data, int samples) {
        public static final Options DEFAULT = new Options(false, ConvMode.SLICES);

        public Options(boolean cka, ConvMode conv) {
            this(cka, conv, null, 0);
        }
    }

    private final DenseBackend backend;
    private final Options options;

    public CheckpointDiff(DenseBackend backend, Options options) {
        this.backend = backend;
        this.options = options;
    }

    /** Base vs other (e.g. fine-tuned): any two supported formats. */
    public DiffResult compare(Path base, Path other, Progress progress) {
        long t0 = System.nanoTime();
        try (Checkpoint a = Checkpoints.open(base); Checkpoint b = Checkpoints.open(other)) {
            List<WeightMatrix> la = LayerDiscovery.discover(a, options.conv()).matrices();
            List<WeightMatrix> lb = LayerDiscovery.discover(b, options.conv()).matrices();
            Matching m = LayerMatcher.match(la, lb);
            if (m.pairs().isEmpty()) {
                throw new LoupeException(other, "no layer matches one of " + base
                        + " by name or by shape: not two versions of the same architecture");
            }
            DeltaAnalyzer analyzer = analyzer();
            List<LayerDelta> rows = new ArrayList<>();
            List<LayerEsds> esds = new ArrayList<>();
            progress.start("comparing layers", m.pairs().size());
            try {
                for (LayerPair p : m.pairs()) {
                    DeltaAnalyzer.Outcome o = analyzer.analyze(p, base, other);
                    rows.add(o.delta());
                    esds.add(o.esds());
                    progress.advance(1);
                }
            } finally {
                progress.done();
            }
            List<LayerActivations> acts = List.of();
            if (options.data() != null) {
                progress.start("comparing layer outputs on " + Math.min(options.samples(), options.data().rows())
                        + " examples", 1);
                try {
                    acts = ActivationCka.compare(base, other, m.pairs(), options.data(), options.samples(), backend);
                } finally {
                    progress.done();
                }
            }
            return new DiffResult(DiffKind.CHECKPOINTS, base.toString(), other.toString(), rows, m.onlyInBase(),
                    m.onlyInOther(), List.of(), backend.name(), seconds(t0), esds, acts);
        }
    }

    /** A LoRA adapter folder, merged into {@code base} when that is not null. */
    public DiffResult adapter(Path adapterFolder, Path base, Progress progress) {
        long t0 = System.nanoTime();
        try (LoraAdapter adapter = LoraAdapter.open(adapterFolder);
             Checkpoint cp = base == null ? null : Checkpoints.open(base)) {
            List<WeightMatrix> layers = cp == null ? List.of() : LayerDiscovery.discover(cp, options.conv()).matrices();
            LoraAnalyzer analyzer = new LoraAnalyzer(analyzer());
            List<LayerDelta> rows = new ArrayList<>();
            List<LayerEsds> esds = new ArrayList<>();
            List<String> unmatched = new ArrayList<>();
            progress.start("analyzing adapter modules", adapter.modules().size());
            try {
                for (LoraModule mod : adapter.modules()) {
                    WeightMatrix w = cp == null ? null : LoraAnalyzer.find(layers, mod);
                    progress.advance(1);
                    if (cp != null && w == null) {
                        unmatched.add(mod.module());
                        continue;
                    }
                    DeltaAnalyzer.Outcome o = analyzer.analyze(mod, adapter.weightsFile(), w, base);
                    rows.add(o.delta());
                    esds.add(o.esds());
                }
            } finally {
                progress.done();
            }
            if (rows.isEmpty()) {
                throw new LoupeException(adapterFolder, "none of the adapter's " + adapter.modules().size()
                        + " modules adapts a weight of " + base + " (e.g. '" + adapter.modules().getFirst().baseWeight()
                        + "' is not there)");
            }
            DiffKind kind = cp == null ? DiffKind.ADAPTER : DiffKind.ADAPTER_WITH_BASE;
            return new DiffResult(kind, base == null ? "" : base.toString(), adapterFolder.toString(), rows,
                    List.of(), unmatched, adapter.skipped(), backend.name(), seconds(t0), esds);
        }
    }

    private DeltaAnalyzer analyzer() {
        return new DeltaAnalyzer(new EsdCalculator(backend, Precision.FP64), options.cka());
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
