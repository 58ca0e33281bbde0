package dev.loupe.cli.edit;

import dev.loupe.cli.JsonOption;
import dev.loupe.cli.Output;
import dev.loupe.cli.OutputPaths;
import dev.loupe.cli.Table;
import dev.loupe.cli.QuietOption;
import dev.loupe.cli.ThreadsOption;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.data.Dataset;
import dev.loupe.core.data.Datasets;
import dev.loupe.diff.edit.EditResult;
import dev.loupe.diff.edit.EditSpec;
import dev.loupe.diff.edit.EditWriter;
import dev.loupe.diff.edit.EditedLayer;
import dev.loupe.diff.edit.SpectralEditor;
import dev.loupe.linalg.Backends;
import dev.loupe.runtime.Evaluation;
import dev.loupe.runtime.OnnxModel;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** {@code loupe edit}: WeightWatcher's SVDSmoothing / SVDSharpness, written in the input's format. */
@Command(name = "edit", mixinStandardHelpOptions = true,
        description = {"Spectral editing of a checkpoint, written as a new one (WeightWatcher's SVDSmoothing and SVDSharpness).",
                "--smooth KEEP replaces each layer by its truncated SVD: KEEP is a count of singular directions, a fraction "
                        + "of each layer's components (WeightWatcher's default 0.8), mp (the spikes above the "
                        + "Marchenko-Pastur bulk edge) or pl (the power-law tail, eigenvalues >= xmin). --sharpen removes "
                        + "each layer's top directions, as many as the Marchenko-Pastur spikes of its element-permuted "
                        + "matrix (correlation traps). Conv kernels are edited slice by slice.",
                "ONNX in, ONNX out; safetensors, PyTorch or GGUF in, safetensors out. With --data/--labels (an ONNX "
                        + "classifier) accuracy and cross-entropy are measured before and after."})
public final class EditCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "Checkpoint to edit.")
    Path path;

    static final class Mode {
        @Option(names = "--smooth", paramLabel = "KEEP", required = true,
                description = "Keep the top singular directions: a count, a fraction in (0,1), mp or pl.")
        String smooth;

        @Option(names = "--sharpen", required = true, description = "Remove the spikes that survive a permutation.")
        boolean sharpen;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The edited checkpoint (.onnx or .safetensors).")
    Path out;

    @Option(names = "--layers", paramLabel = "REGEX", description = "Edit only layers whose name contains a match (default: all).")
    String layers;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "SEED", description = "Seed of --sharpen's permutation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data", paramLabel = "FILE", description = "Inputs (IDX/NPY/CSV) to evaluate an ONNX classifier before and after.")
    Path data;

    @Option(names = "--labels", paramLabel = "FILE", description = "Labels for --data.")
    Path labels;

    @CommandLine.Mixin
    JsonOption json;

    @CommandLine.Mixin
    ThreadsOption threads;

    @picocli.CommandLine.Mixin
    QuietOption quiet;

    @Override
    public Integer call() {
        Pattern select = null;
        if (layers != null) {
            try {
                select = Pattern.compile(layers);
            } catch (PatternSyntaxException e) {
                throw new LoupeException("--layers is not a valid regular expression: " + e.getDescription());
            }
        }
        EditSpec editSpec = mode.sharpen ? EditSpec.sharpen(select, seed) : EditSpec.smooth(mode.smooth, select);
        if ((data == null) != (labels == null)) {
            throw new LoupeException("--data and --labels go together");
        }
        OutputPaths.file(out, path);
        Dataset d = data == null ? null : Datasets.read(data, labels);
        EditResult r;
        Evaluation before = null;
        Evaluation after = null;
        try (Checkpoint cp = Checkpoints.open(path)) {
            EditWriter.formatFor(cp, out);
            if (d != null && cp.format() != dev.loupe.core.checkpoint.CheckpointFormat.ONNX) {
                throw new LoupeException(path, "--data evaluates ONNX classifiers; this is " + cp.format());
            }
            SpectralEditor.Edit e = new SpectralEditor(Backends.best()).edit(cp, editSpec, out,
                    quiet.progress(json.enabled()));
            r = e.result();
            if (d != null) {
                try (OnnxModel m = OnnxModel.open(path, threads.resolve())) {
                    before = m.evaluate(d, 256);
                }
            }
            EditWriter.write(cp, e.values(), Map.of("loupe.edit", r.kind().name().toLowerCase(Locale.ROOT) + ": " + r.rule()), out);
        }
        if (d != null) {
            try (OnnxModel m = OnnxModel.open(out, threads.resolve())) {
                after = m.evaluate(d, 256);
            }
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json.enabled()) {
            Output.json(new Report(r, before, after), w);
        } else {
            print(w, r, before, after);
        }
        w.flush();
        return 0;
    }

    /** What --json prints. */
    record Report(EditResult edit, Evaluation before, Evaluation after) {
    }

    static void print(PrintWriter w, EditResult r, Evaluation before, Evaluation after) {
        Table t = new Table("layer", "components", r.kind() == dev.loupe.diff.edit.EditKind.SMOOTH ? "kept" : "removed",
                "alpha before", "alpha after", "|W| before", "|W| after");
        for (EditedLayer l : r.layers()) {
            t.row(l.name(), l.components(), l.directions(), Table.num(l.alphaBefore(), 3), Table.num(l.alphaAfter(), 3),
                    Table.num(l.normBefore(), 4), Table.num(l.normAfter(), 4));
        }
        t.print(w);
        w.printf(Locale.ROOT, "%nwrote %s: %s (%d layers edited, %.1f s)%n", r.target(), r.rule(), r.layers().size(),
                r.seconds());
        r.skipped().forEach(s -> w.println("left unchanged: " + s));
        if (before != null) {
            w.printf(Locale.ROOT, "eval on %d examples: accuracy %.4f -> %.4f, mean cross-entropy %.4f -> %.4f%n",
                    before.n(), before.accuracy(), after.accuracy(), before.meanCrossEntropy(), after.meanCrossEntropy());
        }
    }
}
