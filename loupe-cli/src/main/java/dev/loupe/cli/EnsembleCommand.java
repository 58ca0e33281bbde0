package dev.loupe.cli;

import dev.loupe.core.LoupeException;
import dev.loupe.core.io.AtomicOutput;
import dev.loupe.ensemble.predict.PredictionFiles;
import dev.loupe.ensemble.predict.Predictions;
import dev.loupe.ensemble.result.EnsembleReport;
import dev.loupe.ensemble.stats.EnsembleAnalysis;
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
        description = {"How many classifiers do we need? Majority-vote error, disagreement, polarization (η, vs the 4/3 law),",
                "bounds on the vote's error, extrapolation to larger ensembles, and disagreement as an error indicator (AUROC).",
                "After Kim, Hodgkinson, Theisen, Mahoney, arXiv 2411.00328. Ties in the vote count as errors."})
final class EnsembleCommand implements Callable<Integer> {
    @Option(names = {"-p", "--predictions"}, arity = "1..*", paramLabel = "FILE",
            description = "Per-member predictions (.npy/.csv): probabilities [n,k] or labels [n]; or one stacked [members,n,k] file.")
    List<Path> predictions = new ArrayList<>();

    @Option(names = "--labels", paramLabel = "FILE", required = true, description = "True labels [n] (.npy/.csv/IDX).")
    Path labels;

    @Option(names = "--shifted", paramLabel = "NAME=FILE",
            description = "A shifted input set: stacked [members,n,k] predictions on shifted inputs with the same labels (repeatable).")
    Map<String, Path> shifted = new LinkedHashMap<>();

    @Option(names = "--classes", paramLabel = "K", description = "Number of classes when only labels are given (default: inferred).")
    int classes;

    @Option(names = "--from", paramLabel = "K", defaultValue = "3", description = "Members used to extrapolate to larger ensembles (default: ${DEFAULT-VALUE}).")
    int fromK;

    @Option(names = "--orders", paramLabel = "R", defaultValue = "20", description = "Random member orders averaged (default: ${DEFAULT-VALUE}).")
    int orders;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for member orders (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print JSON instead of tables.")
    boolean json;

    @Option(names = "--out", paramLabel = "DIR", description = "Write ensemble.json and the plot data (CSV) into DIR.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (predictions.isEmpty()) {
            throw new LoupeException("give the members' predictions with --predictions");
        }
        Predictions in = PredictionFiles.load(predictions, labels, classes);
        Map<String, Predictions> shiftedSets = new LinkedHashMap<>();
        shifted.forEach((name, file) -> {
            Predictions p = PredictionFiles.load(List.of(file), labels, in.classes());
            if (p.memberCount() != in.memberCount()) {
                throw new LoupeException(file, "has " + p.memberCount() + " members but the ensemble has " + in.memberCount());
            }
            shiftedSets.put(name, p);
        });
        EnsembleReport report = EnsembleAnalysis.run(in, shiftedSets, fromK, orders, seed);
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Output.json(report, w);
        } else {
            EnsembleTables.print(report, w);
        }
        if (out != null) {
            List<Path> inputs = new ArrayList<>(predictions);
            inputs.add(labels);
            inputs.addAll(shifted.values());
            EnsemblePlotData.write(report, out, inputs);
            AtomicOutput.writeString(out.resolve("ensemble.json"), Output.toJson(report) + "\n");
        }
        w.flush();
        return 0;
    }
}
