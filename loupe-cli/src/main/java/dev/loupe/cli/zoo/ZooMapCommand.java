package dev.loupe.cli.zoo;

import dev.loupe.cli.CsvCell;
import dev.loupe.cli.Table;
import dev.loupe.core.io.AtomicOutput;
import dev.loupe.report.zoo.ZooMapReport;
import dev.loupe.zoo.catalog.Catalog;
import dev.loupe.zoo.map.CrossValidation;
import dev.loupe.zoo.map.ZooMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code loupe zoo map}: the weight-space map of a catalog and how well weights alone predict a label. */
@Command(name = "map", mixinStandardHelpOptions = true,
        description = {"Fingerprint every analyzed model from its layer metrics (mean/min/max/std and values at "
                + "depth 0, 1/2, 1 of alpha, alpha_weighted, log_norm, log_spectral_norm, stable_rank, entropy), "
                + "project the fingerprints to 2-D with PCA, and predict a label from the manifest (e.g. test "
                + "accuracy) with ridge regression, k-fold cross-validated (lambda chosen inside each fold), against "
                + "baselines: mean alpha alone, mean log_norm alone, the training mean."})
public final class ZooMapCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--catalog", required = true, paramLabel = "FILE", description = "The DuckDB catalog.")
    Path catalog;

    @Option(names = "--manifest", required = true, paramLabel = "CSV",
            description = "CSV with a 'file' (or 'path') column, relative to the CSV's directory, and the label.")
    Path manifest;

    @Option(paramLabel = "LABEL", names = "--label", defaultValue = "test_accuracy", description = "Label column (default: ${DEFAULT-VALUE}).")
    String label;

    @Option(paramLabel = "N", names = "--folds", defaultValue = "5", description = "k of the cross-validation (default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(paramLabel = "SEED", names = "--seed", defaultValue = "0", description = "Seed of the fold assignment (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE.csv", description = "Write the map (path, pc1, pc2, label, prediction).")
    Path out;

    @Option(names = "--report", paramLabel = "FILE.html",
            description = "Write an HTML page: the map coloured by the label, predicted vs true, metric-vs-label scatter plots.")
    Path report;

    @Override
    public Integer call() {
        if (folds < 2 || folds > 100) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--folds must be 2..100");
        }
        ZooMap.Result r;
        try (Catalog c = Catalog.openExisting(catalog)) {
            r = ZooMap.build(c, manifest, label, folds, seed);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "%d models with a '%s' label (%d analyzed models without one), %d fingerprint features%n",
                r.models(), r.label(), r.unlabeled(), r.features().size());
        w.printf(Locale.ROOT, "PCA: PC1 explains %.1f%%, PC2 %.1f%% of the standardized fingerprint variance%n",
                100 * r.explained()[0], 100 * (r.explained().length > 1 ? r.explained()[1] : 0));
        w.printf(Locale.ROOT, "%nPredicting %s from weights alone (%d-fold CV, seed %d, out-of-fold scores):%n",
                r.label(), r.folds(), r.seed());
        Table t = new Table("predictor", "features", "spearman_rho", "R2");
        for (CrossValidation.Score s : r.scores()) {
            t.row(s.name(), s.features(), Table.num(s.spearman(), 3), Table.num(s.r2(), 3));
        }
        t.print(w);
        if (out != null) {
            StringBuilder b = new StringBuilder("path,pc1,pc2,").append(CsvCell.quoted(r.label())).append(",predicted\n");
            double[] pred = r.scores().getFirst().predictions();
            for (int i = 0; i < r.points().size(); i++) {
                ZooMap.Point p = r.points().get(i);
                b.append(String.join(",", CsvCell.of(p.path()), CsvCell.of(p.pc1()), CsvCell.of(p.pc2()), CsvCell.of(p.label()),
                        CsvCell.of(pred[i]))).append('\n');
            }
            AtomicOutput.writeString(out, b.toString());
            w.printf("map written to %s%n", out);
        }
        if (report != null) {
            AtomicOutput.writeString(report, ZooMapReport.html(r));
            w.printf("report written to %s%n", report);
        }
        w.flush();
        return 0;
    }
}
