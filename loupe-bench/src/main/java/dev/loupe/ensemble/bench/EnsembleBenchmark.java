package dev.loupe.ensemble.bench;

import dev.loupe.core.bench.Stopwatch;
import dev.loupe.ensemble.predict.Predictions;
import dev.loupe.ensemble.stats.EnsembleAnalyzer;
import dev.loupe.ensemble.stats.Extrapolator;
import dev.loupe.ensemble.stats.Indicators;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Times the ensemble statistics on a synthetic label matrix against the least any of them can do: one pass over
 * every member's labels counting errors (the baseline, measured in the same run). A ratio near 1 means the
 * statistic costs about one read of the predictions.
 */
public final class EnsembleBenchmark {
    /** One timed step: seconds (best of the runs) and its ratio to the baseline. */
    public record Result(String step, double seconds, double ratio) {
    }

    private EnsembleBenchmark() {
    }

    public static List<Result> run(int members, int samples, int classes, int orders, int runs, long seed) {
        Predictions p = synthetic(members, samples, classes, seed);
        long[] sink = new long[1];
        double base = Stopwatch.best(runs, () -> p, q -> sink[0] += countErrors(q));
        List<Result> out = new ArrayList<>();
        out.add(new Result("baseline: count errors (one pass)", base, 1));
        double stats = Stopwatch.best(runs, () -> p, q -> sink[0] += EnsembleAnalyzer.analyze(q).samples());
        out.add(new Result("statistics + bounds", stats, stats / base));
        double ind = Stopwatch.best(runs, () -> p, q -> sink[0] += Indicators.of("bench", q).samples());
        out.add(new Result("error indicators (AUROC, bins)", ind, ind / base));
        double ext = Stopwatch.best(runs, () -> p, q -> sink[0] += Extrapolator.run(q, Math.min(3, members), orders, seed).points().size());
        out.add(new Result("extrapolation, " + orders + " orders", ext, ext / base));
        if (sink[0] == 42) {
            System.out.print(""); // keep the JIT from dropping the timed work
        }
        return out;
    }

    private static long countErrors(Predictions p) {
        long wrong = 0;
        int[] truth = p.truth();
        for (int[] row : p.labels()) {
            for (int i = 0; i < truth.length; i++) {
                wrong += row[i] != truth[i] ? 1 : 0;
            }
        }
        return wrong;
    }

    /** Members right with probability 0.8, wrong votes spread over the other classes; seeded. */
    static Predictions synthetic(int members, int samples, int classes, long seed) {
        Random r = new Random(seed);
        int[] truth = new int[samples];
        int[][] labels = new int[members][samples];
        for (int i = 0; i < samples; i++) {
            truth[i] = r.nextInt(classes);
        }
        List<String> names = new ArrayList<>();
        for (int j = 0; j < members; j++) {
            names.add("m" + j);
            for (int i = 0; i < samples; i++) {
                labels[j][i] = r.nextDouble() < 0.8 ? truth[i] : (truth[i] + 1 + r.nextInt(classes - 1)) % classes;
            }
        }
        return new Predictions(names, labels, null, truth, classes);
    }
}
