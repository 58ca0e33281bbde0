package dev.loupe.cli.ensemble;

import dev.loupe.cli.JsonOption;
import dev.loupe.cli.Output;
import dev.loupe.cli.OutputPaths;
import dev.loupe.cli.ThreadsOption;
import dev.loupe.core.LoupeException;
import dev.loupe.core.data.Dataset;
import dev.loupe.core.data.Datasets;
import dev.loupe.core.io.AtomicOutput;
import dev.loupe.ensemble.predict.ModelPredictions;
import dev.loupe.ensemble.predict.PredictionFiles;
import dev.loupe.ensemble.predict.PredictionWriter;
import dev.loupe.ensemble.predict.Predictions;
import dev.loupe.ensemble.result.EnsembleReport;
import dev.loupe.ensemble.shift.ImageShift;
import dev.loupe.ensemble.stats.EnsembleAnalysis;
import dev.loupe.report.ensemble.EnsemblePlotFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code loupe ensemble}: disagreement, polarization, majority-vote bounds and error indicators of an ensemble. */
@Command(name = "ensemble", mixinStandardHelpOptions = true,
        description = {"How many classifiers do we need? Error, disagreement and polarization of a majority-vote ensemble.",
                "Majority-vote error, disagreement, polarization (η, vs the 4/3 law), bounds on the vote's error, "
                        + "extrapolation to larger ensembles, and disagreement as an error indicator (AUROC).",
                "Members come either as stored predictions (--predictions) or as ONNX models run on --data "
                        + "(--models; --threads batches run concurrently).",
                "After Kim, Hodgkinson, Theisen, Mahoney, arXiv 2411.00328. Ties in the vote count as errors."})
public final class EnsembleCommand implements Callable<Integer> {
    @Option(names = {"-p", "--predictions"}, arity = "1..*", paramLabel = "FILE",
            description = "Per-member predictions (.npy/.csv): probabilities [n,k] or labels [n]; or one stacked [members,n,k] file.")
    List<Path> predictions = new ArrayList<>();

    @Option(names = {"-m", "--models"}, arity = "1..*", paramLabel = "FILE.onnx",
            description = "ONNX classifiers (logits [batch, classes]) run on --data with ONNX Runtime.")
    List<Path> models = new ArrayList<>();

    @Option(names = "--data", paramLabel = "X", description = "Inputs for --models: IDX[.gz], .npy or .csv, first dimension = examples.")
    Path data;

    @Option(names = "--labels", paramLabel = "FILE", required = true, description = "True labels [n] (.npy/.csv/IDX).")
    Path labels;

    @Option(names = "--noise", paramLabel = "SIGMA", split = ",", defaultValue = "0.2",
            description = "With --models: shifted sets with Gaussian noise of SIGMA x (data range), comma-separated; 0 = none (default: ${DEFAULT-VALUE}).")
    List<Double> noise;

    @Option(names = "--rotate", paramLabel = "DEG", split = ",", defaultValue = "30",
            description = "With --models: shifted sets rotated by DEG degrees, comma-separated; 0 = none (default: ${DEFAULT-VALUE}, "
                    + "skipped with a note when the inputs are flat vectors rather than images).")
    List<Double> rotate;

    @Option(names = "--batch", defaultValue = "256", paramLabel = "N", description = "Examples per ONNX Runtime call (default: ${DEFAULT-VALUE}).")
    int batch;

    @CommandLine.Mixin
    ThreadsOption threads;

    @Option(names = "--shifted", paramLabel = "NAME=FILE",
            description = "A shifted input set: stacked [members,n,k] predictions on shifted inputs with the same labels (repeatable).")
    Map<String, Path> shifted = new LinkedHashMap<>();

    @Option(names = "--classes", paramLabel = "K", description = "Number of classes when only labels are given (default: inferred).")
    int classes;

    @Option(names = "--from", paramLabel = "K", defaultValue = "3", description = "Members used to extrapolate to larger ensembles (default: ${DEFAULT-VALUE}, or all members if fewer).")
    int fromK;

    @Option(names = "--orders", paramLabel = "R", defaultValue = "20", description = "Random member orders averaged (default: ${DEFAULT-VALUE}).")
    int orders;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "SEED",
            description = "Seed for member orders and the --noise shift (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Mixin
    JsonOption json;

    @Option(names = "--out", paramLabel = "DIR", description = "Write ensemble.json, ensemble.html, the plots (SVG and PNG) and their data (CSV) into DIR.")
    Path out;

    @Option(names = "--save-predictions", paramLabel = "DIR",
            description = "With --models: write each member's predicted labels (.csv) and probabilities (.npy) per input set into DIR.")
    Path savePredictions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (predictions.isEmpty() == models.isEmpty()) {
            throw new LoupeException("give either the members' stored predictions (--predictions) or ONNX models (--models with --data)");
        }
        if (savePredictions != null && models.isEmpty()) {
            throw new LoupeException("--save-predictions needs --models");
        }
        OutputPaths.dir(out);
        OutputPaths.dir(savePredictions);
        Map<String, Predictions> shiftedSets = new LinkedHashMap<>();
        Predictions in = predictions.isEmpty() ? fromModels(shiftedSets) : PredictionFiles.load(predictions, labels, classes);
        shifted.forEach((name, file) -> {
            Predictions p = PredictionFiles.load(List.of(file), labels, in.classes());
            if (p.memberCount() != in.memberCount()) {
                throw new LoupeException(file, "has " + p.memberCount() + " members but the ensemble has " + in.memberCount());
            }
            shiftedSets.put(name, p);
        });
        // The default 3 shrinks to fit a smaller ensemble; a --from the user gave must fit.
        if (spec.commandLine().getParseResult().hasMatchedOption("--from") && (fromK < 2 || fromK > in.memberCount())) {
            throw new LoupeException("--from must be between 2 and the number of members (" + in.memberCount() + "), got " + fromK);
        }
        EnsembleReport report = EnsembleAnalysis.run(in, shiftedSets, fromK, orders, seed);
        // files before stdout, and only once the analysis succeeded: a failure leaves no partial output
        if (savePredictions != null) {
            List<Path> inputs = new ArrayList<>(models);
            inputs.addAll(java.util.Arrays.asList(data, labels));
            for (Path f : PredictionWriter.files(savePredictions, in, shiftedSets)) {
                AtomicOutput.refuseOverwrite(f, inputs);
            }
            AtomicOutput.all(() -> PredictionWriter.write(savePredictions, in, shiftedSets));
        }
        if (out != null) {
            List<Path> inputs = new ArrayList<>(predictions);
            inputs.addAll(models);
            if (data != null) {
                inputs.add(data);
            }
            inputs.add(labels);
            inputs.addAll(shifted.values());
            List<Path> files = new ArrayList<>(EnsemblePlotFiles.files(out));
            files.add(out.resolve("ensemble.json"));
            for (Path f : files) {
                AtomicOutput.refuseOverwrite(f, inputs);
            }
            AtomicOutput.all(() -> {
                EnsemblePlotFiles.write(report, out);
                AtomicOutput.writeString(out.resolve("ensemble.json"), Output.toJson(report) + "\n");
            });
        }
        PrintWriter w = spec.commandLine().getOut();
        if (!json.print(report, w)) {
            EnsembleTables.print(report, w);
        }
        w.flush();
        return 0;
    }

    /** In-distribution predictions of the models, and (into {@code shiftedSets}) their predictions on shifted inputs. */
    private Predictions fromModels(Map<String, Predictions> shiftedSets) {
        if (data == null) {
            throw new LoupeException("--models needs --data (the inputs) and --labels");
        }
        int t = threads.resolve();
        Dataset d = Datasets.read(data, labels);
        List<ImageShift> shifts = new ArrayList<>();
        for (double s : noise) {
            if (s < 0 || !Double.isFinite(s)) {
                throw new LoupeException("--noise must be a non-negative number, got " + s);
            }
            if (s > 0) {
                shifts.add(new ImageShift.GaussianNoise(s, seed));
            }
        }
        for (double deg : rotate) {
            if (!Double.isFinite(deg)) {
                throw new LoupeException("--rotate must be a number of degrees, got " + deg);
            }
            if (deg != 0) {
                shifts.add(new ImageShift.Rotation(deg));
            }
        }
        boolean rotateGiven = spec.commandLine().getParseResult().hasMatchedOption("--rotate");
        for (ImageShift s : shifts) {
            if (!s.appliesTo(d) && !rotateGiven) {
                // the default rotation is skipped on flat inputs; one the user asked for still fails with the reason
                spec.commandLine().getErr().println("note: " + s.name() + " skipped: " + data + " holds flat vectors, not images");
                continue;
            }
            shiftedSets.put(s.name(), ModelPredictions.compute(models, s.apply(d), batch, t));
        }
        return ModelPredictions.compute(models, d, batch, t);
    }
}
