package dev.loupe.cli.inspect;

import dev.loupe.cli.JsonOption;
import dev.loupe.cli.Output;
import dev.loupe.cli.OutputPaths;
import dev.loupe.cli.Table;
import dev.loupe.cli.QuietOption;
import dev.loupe.cli.ThreadsOption;
import dev.loupe.cli.Version;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.io.AtomicOutput;
import dev.loupe.linalg.Backends;
import dev.loupe.report.inspect.InspectReport;
import dev.loupe.spectral.analysis.InspectOptions;
import dev.loupe.spectral.analysis.Inspector;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.fit.FixFingers;
import dev.loupe.spectral.fit.TailFit;
import dev.loupe.spectral.layers.ConvMode;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.ModelSummary;
import dev.loupe.spectral.result.Warning;
import dev.loupe.spectral.layers.FusedSplit;
import dev.loupe.spectral.layers.LayerFilter;
import dev.loupe.spectral.result.LayerKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code loupe inspect}: per-layer heavy-tailed spectral diagnostics (WeightWatcher's metrics). */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Per-layer spectral (HT-SR) diagnostics of a checkpoint, without data.",
                "For each weight matrix: the power-law alpha of its eigenvalue spectrum, norms, stable rank, MP spikes "
                        + "and weight statistics. Metrics follow WeightWatcher 0.7.5.5 (alpha < 2: over-trained, "
                        + "alpha > 6: under-trained).",
                "FILE may be .safetensors, .onnx, .gguf, .pt/.pth/.bin, a *.index.json shard index or a directory."})
public final class InspectCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE|DIR", description = "Checkpoint to inspect.")
    Path path;

    @CommandLine.Mixin
    JsonOption json;

    @Option(names = "--csv", description = "Print one CSV row per layer (every metric) instead of a table.")
    boolean csv;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "Also write inspect.json, inspect.csv and inspect.html into DIR.")
    Path out;

    @Option(names = "--out", hidden = true, paramLabel = "DIR", description = "The old spelling of --out-dir.")
    void oldOut(Path dir) {
        out = dir;
    }

    @Option(names = "--report", paramLabel = "FILE.html", description = "Also write the self-contained HTML report (plots, layer table) to FILE.html.")
    Path report;

    @Option(names = "--precision", defaultValue = "auto", paramLabel = "auto|fp64|fp32",
            description = "Precision of the Gram matrix and eigensolver. auto: single precision (about twice as fast), "
                    + "and double for each layer whose single-precision spectrum cannot resolve what its fits use (the "
                    + "layer's notes say why); fp64: double everywhere, WeightWatcher's exact numbers; fp32: single "
                    + "everywhere, no check (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--conv", defaultValue = "slices", paramLabel = "slices|flatten",
            description = "Conv kernels: WeightWatcher's pooled kh*kw slices (default) or one flattened matrix.")
    ConvMode conv;

    @Option(names = "--fix-fingers", paramLabel = "clip_xmax|xmin_peak",
            description = "WeightWatcher's fix_fingers. clip_xmax: refit without the 2..9 largest eigenvalues and keep "
                    + "the first fit whose alpha is lower by more than 1. xmin_peak: only xmins between "
                    + "log10(0.95*peak) and 1.5*peak are tried, the peak being the fullest of 100 bins of log10 "
                    + "eigenvalue (WeightWatcher with pl_package='powerlaw'). Default: off.")
    String fixFingers;

    @Option(names = "--vectors", description = "Also WeightWatcher's eigenvector metrics (vectors=True): discrete entropy, "
            + "localization ratio and participation ratio of every eigenvector of each layer's Gram matrix, their mean "
            + "and variance over the bulk (eigenvalue < xmin) and over the tail (in --csv/--json; costs a full "
            + "eigendecomposition per layer).")
    boolean vectors;

    @Option(names = "--no-mp-fit", description = "Skip the Marchenko-Pastur fit (num_spikes, mp_softrank).")
    boolean noMpFit;

    @Option(names = "--randomize", description = "Also analyze the element-shuffled matrices (rand_distance, correlation traps).")
    boolean randomize;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "SEED", description = "Seed of the --randomize shuffles (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Mixin
    ThreadsOption threads;

    @Option(names = "--split-fused", paramLabel = "PATTERN=SPEC",
            description = {"Analyze tensors whose name matches the regex PATTERN as parts: PATTERN=3 (equal parts), "
                    + "PATTERN=q,k,v (named), PATTERN=q:4096,k:1024,v:1024 (sizes); rank-3 expert stacks "
                    + "(E, out, in) split into their E matrices (experts=8). Optional @AXIS (0|1), else the longer "
                    + "axis. Repeatable; the first matching rule wins."})
    List<String> splitFused = new ArrayList<>();

    @Option(names = "--sketch", paramLabel = "K",
            description = {"Layers with more than K eigenvalues: only the top K, by matrix-free Lanczos, with "
                    + "their error bounds (metrics that need the whole ESD become NaN and are noted)."})
    Integer sketch;

    @Option(names = "--sketch-check", description = "With --sketch: also compute the exact ESD of sketched layers and report the sketch's error.")
    boolean sketchCheck;

    @Option(names = "--fit", paramLabel = "TPL|E_TPL",
            description = "Also fit WeightWatcher's truncated power law p ~ x^-alpha e^-Lambda x to each ESD tail, as it "
                    + "does through the powerlaw package (xmin by the TPL's KS distance; E_TPL: xmin searched as by "
                    + "--fix-fingers xmin_peak). Columns tpl_alpha, Lambda, tpl_xmin, tpl_D in --csv/--json; "
                    + "alpha stays the power law's. Costs a Nelder-Mead search per candidate xmin (seconds per layer).")
    String fit;

    @Option(names = "--ww", description = "Analyze the layers WeightWatcher 0.7.5.5's analyze() does (min_evals 10, "
            + "max_evals 15000, max_N 50000), so summary means compare with its get_summary().")
    boolean ww;

    @Option(names = "--layers", paramLabel = "REGEX", description = "Analyze only layers whose name contains a match.")
    String layers;

    @Option(names = "--types", split = ",", paramLabel = "KIND", description = "Analyze only these kinds: dense, conv2d, "
            + "conv1d, conv_flat, embedding, lm_head (comma-separated).")
    List<LayerKind> types;

    @Option(names = "--min-evals", paramLabel = "N", description = "Skip layers with fewer pooled eigenvalues (M*rf) than N (--ww: 10).")
    Integer minEvals;

    @Option(names = "--max-evals", paramLabel = "N", description = "Skip layers with more pooled eigenvalues than N (--ww: 15000).")
    Integer maxEvals;

    @Option(names = "--max-n", paramLabel = "N", description = "Skip layers whose larger side N exceeds N (--ww: 50000).")
    Integer maxN;

    @picocli.CommandLine.Mixin
    QuietOption quiet;

    @Option(names = "--no-hash", description = "Do not SHA-256 the checkpoint for provenance.")
    boolean noHash;

    @Override
    public Integer call() throws Exception {
        InspectOptions o = options();
        OutputPaths.dir(out);
        OutputPaths.file(report, path);
        InspectResult r;
        try (Checkpoint cp = Checkpoints.open(path)) {
            r = new Inspector(Backends.best(), o).inspect(cp, quiet.progress(json.enabled() || csv),
                    Version.number(), !noHash);
        }
        if (r.layers().isEmpty()) { // an empty table with exit 0 would read as "all layers fine"
            throw new LoupeException(path, "has no weight matrices to analyze (" + r.skipped().size()
                    + " tensors skipped: 1-D, integer or not a weight matrix)");
        }
        // files first: when one cannot be written, the error is the only output (stdout stays empty)
        // one set: a failure in any file (a full disk) leaves none of them
        AtomicOutput.all(() -> {
            if (out != null) { // AtomicOutput creates DIR and turns a failure into a one-line LoupeException
                AtomicOutput.writeString(out.resolve("inspect.json"), Output.toJson(r));
                AtomicOutput.writeString(out.resolve("inspect.csv"), InspectCsv.of(r));
                InspectReport.write(r, out.resolve("inspect.html"));
            }
            if (report != null) {
                InspectReport.write(r, report);
            }
        });
        PrintWriter w = spec.commandLine().getOut();
        if (json.enabled()) {
            Output.json(r, w);
        } else if (csv) {
            w.print(InspectCsv.of(r));
        } else {
            printTable(w, r);
        }
        w.flush();
        if (report != null) {
            spec.commandLine().getErr().println("report: " + report);
        }
        return 0;
    }

    private InspectOptions options() {
        Precision p = switch (precision.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> Precision.AUTO;
            case "fp64", "f64", "double" -> Precision.FP64;
            case "fp32", "f32", "float" -> Precision.FP32;
            default -> throw new LoupeException(path, "--precision must be auto, fp64 or fp32, not '" + precision + "'");
        };
        FixFingers ff = switch (fixFingers == null ? "none" : fixFingers.toLowerCase(java.util.Locale.ROOT)) {
            case "none" -> FixFingers.NONE;
            case "clip_xmax" -> FixFingers.CLIP_XMAX;
            case "xmin_peak" -> FixFingers.XMIN_PEAK;
            default -> throw new LoupeException(path, "--fix-fingers must be clip_xmax or xmin_peak, not '" + fixFingers + "'");
        };
        List<FusedSplit> splits = new ArrayList<>();
        for (String f : splitFused) {
            try {
                splits.add(FusedSplit.parse(f));
            } catch (IllegalArgumentException e) {
                throw new LoupeException(path, e.getMessage());
            }
        }
        if (sketch != null && sketch < 2) {
            throw new LoupeException(path, "--sketch K needs K >= 2");
        }
        TailFit tail = switch (fit == null ? "PL" : fit.toUpperCase(java.util.Locale.ROOT)) {
            case "PL" -> TailFit.PL;
            case "TPL" -> TailFit.TPL;
            case "E_TPL" -> TailFit.E_TPL;
            default -> throw new LoupeException(path, "--fit must be TPL or E_TPL, not '" + fit + "'");
        };
        return new InspectOptions(p, conv, false, !noMpFit, randomize, seed, threads.resolve())
                .withFixFingers(ff).withVectors(vectors).withFilter(filter())
                .withSplits(splits).withSketch(sketch == null ? 0 : sketch, sketchCheck).withTailFit(tail);
    }

    private LayerFilter filter() {
        for (Integer v : new Integer[]{minEvals, maxEvals, maxN}) {
            if (v != null && v < 0) {
                throw new LoupeException("--min-evals, --max-evals and --max-n must be >= 0, not " + v);
            }
        }
        LayerFilter f = (ww ? LayerFilter.ww() : LayerFilter.NONE).withLimits(minEvals, maxEvals, maxN);
        if (layers != null) {
            try {
                f = f.withNames(java.util.regex.Pattern.compile(layers));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new LoupeException("--layers is not a valid regular expression: " + e.getDescription());
            }
        }
        return types == null ? f : f.withKinds(java.util.Set.copyOf(types));
    }

    static void printTable(PrintWriter w, InspectResult r) {
        boolean vectors = r.layers().stream().anyMatch(m -> m.vectors() != null);
        List<String> head = new ArrayList<>(List.of("layer", "shape", "kind", "alpha", "alpha_w", "log_norm", "stable_rank",
                "hill"));
        if (vectors) {
            head.addAll(List.of("loc_ratio bulk/tail", "part_ratio bulk/tail", "vec_entropy bulk/tail"));
        }
        head.add("warning");
        Table t = new Table(head.toArray(String[]::new));
        for (LayerMetrics m : r.layers()) {
            List<Object> row = new ArrayList<>(List.of(m.name(), Table.shape(m.layer().shape()),
                    m.layer().kind().name().toLowerCase(java.util.Locale.ROOT), Table.num(m.alpha(), 3),
                    Table.num(m.alphaWeighted(), 3), Table.num(m.logNorm(), 3), Table.num(m.stableRank(), 2),
                    Table.num(m.plAlphaHill(), 3)));
            if (vectors) {
                var v = m.vectors();
                for (var bt : v == null ? List.<dev.loupe.spectral.result.VectorMetrics.BulkTail>of()
                        : List.of(v.locRatio(), v.partRatio(), v.vecEntropy())) {
                    row.add(Table.num(bt.bulkMean(), 3) + "/" + Table.num(bt.tailMean(), 3));
                }
                for (int i = v == null ? 0 : 3; i < 3; i++) {
                    row.add("");
                }
            }
            row.add(m.warning().toString());
            t.row(row.toArray());
        }
        t.print(w);
        ModelSummary s = r.summary();
        long filtered = r.skipped().stream().filter(k -> k.reason().startsWith("filtered out")).count();
        w.printf(java.util.Locale.ROOT, "%n%s (%s): %d layers analyzed (%d fitted), %d tensors not analyzed (1-D/integer)%s%n",
                r.provenance().file(), r.provenance().format(), s.layers(), s.layersWithFit(), r.skipped().size() - filtered,
                filtered == 0 ? "" : ", " + filtered + " layers filtered out (--ww/--layers/--types/limits)");
        w.printf(java.util.Locale.ROOT, "mean alpha %.3f  alpha_weighted %.3f  log_norm %.3f  log_spectral_norm %.3f  "
                        + "stable_rank %.2f  mp_softrank %.3f  PL_Alpha_Hill %.3f%n", s.alpha(), s.alphaWeighted(),
                s.logNorm(), s.logSpectralNorm(), s.stableRank(), s.mpSoftrank(), s.plAlphaHill());
        w.printf(java.util.Locale.ROOT, "over-trained (alpha<2): %d  under-trained (alpha>6): %d%s%n", s.overTrained(),
                s.underTrained(), s.tooFewEigenvalues() == 0 ? ""
                        : "  too few eigenvalues (<" + Warning.MIN_EIGENVALUES + ") to judge: " + s.tooFewEigenvalues());
        long dequantized = r.layers().stream()
                .filter(m -> m.notes().stream().anyMatch(n -> n.startsWith("dequantized"))).count();
        if (dequantized > 0) {
            w.printf("%d layers analyzed as dequantized integer weights W = (q - zp)*scale (see notes)%n", dequantized);
        }
        for (LayerMetrics m : r.layers()) {
            var sk = m.sketch();
            if (sk != null) {
                w.printf(java.util.Locale.ROOT, "sketched %s: top %d of %d eigenvalues (%s), bound %.1e*lambda_max%s%n",
                        m.name(), sk.k(), sk.totalEvals(), sk.reason(), sk.maxRelBound(), !sk.checked() ? ""
                                : String.format(java.util.Locale.ROOT, "; vs exact: eigenvalue error %.1e*lambda_max, "
                                + "alpha %.4f vs exact %.4f (exact top-%d %.4f)", sk.maxRelError(), m.alpha(),
                                sk.alphaExact(), sk.k(), sk.alphaTopK()));
            }
        }
        long flagged = r.layers().stream().filter(m -> !m.notes().isEmpty()).count();
        if (flagged > 0) {
            w.printf("notes on %d layers (e.g. layers WeightWatcher would skip): see --json or --csv%n", flagged);
        }
        long redone = r.layers().stream().filter(m -> m.notes().stream().anyMatch(n -> n.startsWith("recomputed in fp64"))).count();
        if (redone > 0) {
            w.printf("%d of %d layers recomputed in fp64 (single precision could not resolve their fit; see notes)%n", redone,
                    r.layers().size());
        }
        w.printf(java.util.Locale.ROOT, "backend %s, %s, %d threads, %.1f s, peak heap %s of %s%n",
                r.provenance().backend(), r.provenance().precision(), r.provenance().threads(),
                r.provenance().wallSeconds(), Table.bytes(r.provenance().peakHeapBytes()),
                Table.bytes(r.provenance().maxHeapBytes()));
    }
}
