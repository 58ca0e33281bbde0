package dev.loupe.cli.bench;

import dev.loupe.cli.Table;
import dev.loupe.ensemble.bench.EnsembleBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code loupe bench ensemble}: the ensemble statistics against one pass over the predictions. */
@Command(name = "ensemble", mixinStandardHelpOptions = true,
        description = {"Time the ensemble statistics (bounds, error indicators, extrapolation over random member orders) on a "
                + "seeded synthetic label matrix, best of --runs after a warm-up, as ratios to a baseline measured in the same "
                + "run: one pass over every member's labels counting errors."})
public final class EnsembleBenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(paramLabel = "N", names = "--members", defaultValue = "10", description = "Ensemble members (default: ${DEFAULT-VALUE}).")
    int members;

    @Option(paramLabel = "N", names = "--samples", defaultValue = "100000", description = "Samples (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(paramLabel = "N", names = "--classes", defaultValue = "10", description = "Classes (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(paramLabel = "N", names = "--orders", defaultValue = "20", description = "Random member orders for the extrapolation (default: ${DEFAULT-VALUE}).")
    int orders;

    @Option(paramLabel = "N", names = "--runs", defaultValue = "5", description = "Timed runs; the fastest counts (default: ${DEFAULT-VALUE}).")
    int runs;

    @Override
    public Integer call() {
        if (members < 2 || samples < 1 || classes < 2 || orders < 1 || runs < 1) {
            throw new dev.loupe.core.LoupeException("bench ensemble needs --members >= 2, --classes >= 2 and positive --samples, --orders, --runs");
        }
        EnsembleBenchmark.run(members, Math.min(samples, 10_000), classes, orders, 2, 1); // warm-up
        List<EnsembleBenchmark.Result> rs = EnsembleBenchmark.run(members, samples, classes, orders, runs, 1);
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "%d members x %,d samples, %d classes, best of %d%n", members, samples, classes, runs);
        Table t = new Table("step", "seconds", "Msamples/s", "vs baseline");
        for (EnsembleBenchmark.Result r : rs) {
            t.row(r.step(), Table.num(r.seconds(), 4), Table.num(samples / r.seconds() / 1e6, 2), String.format(Locale.ROOT, "%.1fx", r.ratio()));
        }
        t.print(w);
        w.flush();
        return 0;
    }
}
