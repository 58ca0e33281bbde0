package dev.loupe.cli.diff;

import dev.loupe.cli.JsonOption;
import dev.loupe.cli.Output;
import dev.loupe.cli.OutputPaths;
import dev.loupe.cli.Table;
import dev.loupe.cli.QuietOption;
import dev.loupe.core.LoupeException;
import dev.loupe.core.data.Datasets;
import dev.loupe.core.progress.Progress;
import dev.loupe.diff.CheckpointDiff;
import dev.loupe.diff.delta.LayerDelta;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.diff.edit.EditWriter;
import dev.loupe.diff.lora.LoraAdapter;
import dev.loupe.diff.lora.LoraMerge;
import dev.loupe.diff.result.DiffKind;
import dev.loupe.diff.result.DiffResult;
import dev.loupe.linalg.Backends;
import dev.loupe.report.diff.DiffReport;
import dev.loupe.spectral.layers.ConvMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code loupe diff}: base vs fine-tuned, or a LoRA adapter with or without its base. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"What fine-tuning changed: per-layer movement and the spectrum of each update ΔW = W' - W.",
                "BASE OTHER compares two checkpoints of the same architecture (any formats; layers matched by name, "
                        + "then by name without wrapper prefixes such as module. or model., then by shape and position). "
                        + "ADAPTER (a PEFT LoRA folder with adapter_config.json) analyzes the updates s*B*A from their "
                        + "rank-r factors; BASE ADAPTER also measures the merged weights W + s*B*A.",
                "Per layer: |dW|_F, |dW|/|W|, cos(W, W'), WeightWatcher's distances (euclidean; cka with --cka), the "
                        + "power-law alpha, stable rank, effective rank and top singular value of dW, and alpha before "
                        + "and after."})
public final class DiffCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..2", paramLabel = "BASE OTHER|ADAPTER",
            description = "Two checkpoints, an adapter folder, or a base checkpoint and an adapter folder.")
    List<Path> paths;

    @CommandLine.Mixin
    JsonOption json;

    @Option(names = "--csv", description = "Print one CSV row per layer instead of a table.")
    boolean csv;

    @Option(names = "--report", paramLabel = "FILE.html",
            description = "Also write the HTML report (movement across depth, ESDs of W, W' and dW, the layer table).")
    Path report;

    @Option(names = "--top", defaultValue = "5", paramLabel = "N",
            description = "How many of the layers that moved most to list under the table (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--cka", description = "Also compute WeightWatcher's uncentered CKA distance (costs O(out*in^2) per layer).")
    boolean cka;

    @Option(names = "--data", paramLabel = "FILE",
            description = "Examples (IDX/NPY/CSV) to run through BASE and OTHER (two ONNX models): each matched layer's "
                    + "output, the output of the node reading its weight, is compared between the two by linear CKA "
                    + "(Kornblith et al. 2019; 1 = the same representation up to rotation and scale).")
    Path data;

    @Option(names = "--samples", defaultValue = "500", paramLabel = "N",
            description = "With --data: how many examples, from the start of the file (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--conv", defaultValue = "slices", paramLabel = "slices|flatten",
            description = "Conv kernels as in inspect: WeightWatcher's pooled kh*kw slices (default) or one flattened matrix.")
    ConvMode conv;

    @picocli.CommandLine.Mixin
    QuietOption quiet;

    @Option(names = "--merge-out", paramLabel = "FILE",
            description = "With BASE ADAPTER: also write BASE with every update merged, W + s*B*A, as PEFT's merge_and_unload "
                    + "(.safetensors; .onnx for an ONNX base).")
    Path mergeOut;

    @Override
    public Integer call() {
        if (top < 0) {
            throw new LoupeException("--top must be >= 0, not " + top);
        }
        Path first = paths.getFirst();
        Path second = paths.size() > 1 ? paths.get(1) : null;
        OutputPaths.file(report, paths.toArray(Path[]::new));
        OutputPaths.file(mergeOut, paths.toArray(Path[]::new));
        Progress progress = quiet.progress(json.enabled() || csv);
        if (data != null && (second == null || LoraAdapter.isAdapter(second))) {
            throw new LoupeException(data, "--data compares two ONNX models' layer outputs; give BASE OTHER");
        }
        if (samples < 2) {
            throw new LoupeException("--samples must be at least 2, not " + samples);
        }
        CheckpointDiff diff = new CheckpointDiff(Backends.best(), new CheckpointDiff.Options(cka, conv,
                data == null ? null : Datasets.read(data, null), samples));
        DiffResult r;
        if (second == null) {
            if (!LoraAdapter.isAdapter(first)) {
                throw new LoupeException(first, "give two checkpoints to compare, or an adapter folder "
                        + "(with adapter_config.json)");
            }
            r = diff.adapter(first, null, progress);
        } else if (LoraAdapter.isAdapter(second)) {
            r = diff.adapter(second, first, progress);
        } else {
            r = diff.compare(first, second, progress);
        }
        if (mergeOut != null) {
            if (second == null || !LoraAdapter.isAdapter(second)) {
                throw new LoupeException("--merge-out needs BASE ADAPTER");
            }
            try (Checkpoint base = Checkpoints.open(first); LoraAdapter adapter = LoraAdapter.open(second)) {
                EditWriter.formatFor(base, mergeOut);
                EditWriter.write(base, LoraMerge.merged(adapter, base), java.util.Map.of("loupe.merged_adapter",
                        second.getFileName().toString()), mergeOut);
            }
        }
        if (report != null) {
            DiffReport.write(r, report);
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json.enabled()) {
            Output.json(r, w);
        } else if (csv) {
            w.print(DiffCsv.of(r));
        } else {
            print(w, r, top);
        }
        w.flush();
        if (report != null) {
            spec.commandLine().getErr().println("report: " + report);
        }
        if (mergeOut != null) {
            spec.commandLine().getErr().println("merged checkpoint: " + mergeOut);
        }
        return 0;
    }

    static void print(PrintWriter w, DiffResult r, int top) {
        boolean adapter = r.kind() != DiffKind.CHECKPOINTS;
        Table t = adapter
                ? new Table("module", "shape", "r", "scale", "|dW|", "|dW|/|W|", "dW stable_rank", "dW eff_rank",
                "sv1(dW)", "alpha W -> W+dW")
                : r.activations().isEmpty() ? new Table("layer", "shape", "match", "|dW|", "|dW|/|W|", "cos", "dW alpha",
                "dW stable_rank", "dW eff_rank", "sv1(dW)", "alpha W -> W'")
                : new Table("layer", "shape", "match", "|dW|", "|dW|/|W|", "cos", "dW alpha", "dW stable_rank",
                "dW eff_rank", "sv1(dW)", "alpha W -> W'", "act CKA");
        for (LayerDelta l : r.layers()) {
            String shape = "[" + l.out() + "x" + l.in() + (l.slices() > 1 ? "x" + l.slices() : "") + "]";
            String sv1 = Table.num(l.update().topSingular().length == 0 ? 0 : l.update().topSingular()[0], 4);
            String alphas = Double.isNaN(l.baseAlpha()) && Double.isNaN(l.otherAlpha()) ? ""
                    : Table.num(l.baseAlpha(), 3) + " -> " + Table.num(l.otherAlpha(), 3);
            if (adapter) {
                t.row(l.name(), shape, l.loraRank(), Table.num(l.loraScale(), 4), Table.num(l.deltaNorm(), 4),
                        Table.num(l.relative(), 4), Table.num(l.update().stableRank(), 2),
                        Table.num(l.update().effectiveRank(), 2), sv1, alphas);
            } else {
                List<Object> row = new java.util.ArrayList<>(List.of(l.name(), shape, l.match().label(),
                        Table.num(l.deltaNorm(), 4), Table.num(l.relative(), 4), Table.num(l.cosine(), 5),
                        Table.num(l.update().alpha(), 3), Table.num(l.update().stableRank(), 2),
                        Table.num(l.update().effectiveRank(), 2), sv1, alphas));
                if (!r.activations().isEmpty()) {
                    row.add(Table.num(r.activationCka(l.name()), 5));
                }
                t.row(row.toArray());
            }
        }
        t.print(w);
        w.println();
        w.println(switch (r.kind()) {
            case CHECKPOINTS -> r.base() + " -> " + r.other() + ": " + r.layers().size() + " layers compared";
            case ADAPTER_WITH_BASE -> r.other() + " on " + r.base() + ": " + r.layers().size() + " modules merged and compared";
            case ADAPTER -> r.other() + ": " + r.layers().size() + " adapted modules (no base: updates only)";
        });
        if (top > 0) {
            w.print("moved most" + (r.kind() == DiffKind.ADAPTER ? " (|dW|): " : " (|dW|/|W|): "));
            w.println(String.join(", ", r.movedMost(top).stream().map(l -> l.name() + " " + Table.num(
                    r.kind() == DiffKind.ADAPTER ? l.deltaNorm() : l.relative(), 4)).toList()));
        }
        if (!r.onlyInBase().isEmpty()) {
            w.println("only in base (" + r.onlyInBase().size() + "): " + String.join(", ", r.onlyInBase()));
        }
        if (!r.onlyInOther().isEmpty()) {
            w.println((adapter ? "adapter modules without a base weight (" : "only in other (")
                    + r.onlyInOther().size() + "): " + String.join(", ", r.onlyInOther()));
        }
        r.notes().forEach(n -> w.println("not analyzed: " + n));
        long few = r.layers().stream().filter(l -> l.update().note().startsWith("too few")).count();
        if (few > 0) {
            w.println(few + " of " + r.layers().size() + " updates have fewer than 10 nonzero eigenvalues, too few for "
                    + "a power-law fit: no dW alpha" + (adapter ? " (a rank-r update has at most r)" : ""));
        }
        if (!r.activations().isEmpty()) {
            var a = r.activations().getFirst();
            w.printf(Locale.ROOT, "act CKA: linear CKA of each layer's output (%s in the base) over %d examples%n",
                    a.baseOut(), a.examples());
        }
        w.printf(Locale.ROOT, "backend %s, %.1f s%n", r.backend(), r.seconds());
    }
}
