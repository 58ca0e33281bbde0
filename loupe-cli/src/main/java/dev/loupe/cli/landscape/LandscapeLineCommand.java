package dev.loupe.cli.landscape;

import dev.loupe.cli.OutputOptions;
import dev.loupe.cli.Table;
import dev.loupe.core.LoupeException;
import dev.loupe.landscape.direction.Directions;
import dev.loupe.landscape.engine.SliceEvaluator;
import dev.loupe.landscape.engine.WeightFeed;
import dev.loupe.landscape.engine.Samples;
import dev.loupe.landscape.engine.LossPoint;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.result.LineResult;
import dev.loupe.landscape.slice.Grid;
import dev.loupe.landscape.slice.Slices;
import dev.loupe.report.landscape.LandscapePlotFiles;
import dev.loupe.report.landscape.LandscapeReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code loupe landscape line}: loss between two checkpoints (and beyond), or along a random direction. */
@Command(name = "line", mixinStandardHelpOptions = true,
        description = {"Loss and accuracy along θ(α) = θ₀ + α·d: d = θ₁ − θ₀ with --to (α=0 and α=1 are the two "
                + "checkpoints, --extend goes beyond both ends), else a random filter-normalized direction over --range."})
public final class LandscapeLineCommand implements Callable<Integer> {
    @Mixin
    ModelDataOptions in;
    @Mixin
    OutputOptions outOpts;

    @Option(names = "--to", paramLabel = "OTHER.onnx", description = "Second checkpoint of the same architecture.")
    Path to;

    @Option(paramLabel = "N", names = "--points", defaultValue = "51", description = "Evenly spaced points on the line (default ${DEFAULT-VALUE}); "
            + "α = 0 (the model) and, with --to, α = 1 (the other checkpoint) are added when the grid misses them.")
    int points;

    @Option(paramLabel = "X", names = "--extend", defaultValue = "0.5", description = "With --to: go this far beyond both checkpoints (default ${DEFAULT-VALUE}).")
    double extend;

    @Option(paramLabel = "MIN:MAX", names = "--range", defaultValue = "-1:1", description = "Without --to: α range (default ${DEFAULT-VALUE}).")
    String range;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (points < 2 || points > 100_000) {
            throw new LoupeException("--points must be between 2 and 100000, got " + points);
        }
        outOpts.check(in.model, in.data, in.labels, to);
        try (ParameterizedModel m = in.open()) {
            float[] d;
            double[] alphas;
            String mode;
            if (to != null) {
                try (ParameterizedModel other = ParameterizedModel.open(to, m.layout().names()::contains)) {
                    if (!other.layout().names().equals(m.layout().names())) {
                        throw new LoupeException(to, "does not have the same weights as " + in.model);
                    }
                    d = Directions.between(m.theta0(), other.theta0());
                }
                if (!(extend >= 0)) {
                    throw new LoupeException("--extend must be >= 0");
                }
                alphas = Grid.including(Grid.linspace(-extend, 1 + extend, points), 0, 1);
                mode = "checkpoints";
            } else {
                d = Directions.filterNormalized(m.layout(), m.theta0(), in.seed);
                double[] r = Ranges.parse("--range", range);
                alphas = Grid.including(Grid.linspace(r[0], r[1], points), 0);
                mode = "direction";
            }
            LossPoint[] pts;
            Samples data = in.samples(m);
            try (SliceEvaluator ev = new SliceEvaluator(m, data, in.loss(), in.batch(), in.threads(), List.of(d),
                    WeightFeed.OPTIMIZED_LAYOUT)) {
                pts = Slices.line(ev, alphas, outOpts.progress());
            }
            double[] loss = new double[pts.length], acc = new double[pts.length];
            StringBuilder csv = new StringBuilder("alpha,loss,accuracy\n");
            for (int i = 0; i < pts.length; i++) {
                loss[i] = pts[i].loss();
                acc[i] = pts[i].accuracy();
                csv.append(alphas[i]).append(',').append(loss[i]).append(',').append(acc[i]).append('\n');
            }
            LineResult r = new LineResult(in.model.toString(), mode, data.size(), in.seed, alphas, loss, acc);
            outOpts.emit("line", r, csv.toString(), dir -> LandscapePlotFiles.line(r, dir),
                    html -> LandscapeReport.write(LandscapeReport.line(r, in.dataName()), html),
                    spec.commandLine().getOut(), out -> {
                        Table t = new Table("alpha", "loss", "accuracy");
                        for (int i = 0; i < pts.length; i++) {
                            t.row(Table.num(alphas[i], 3), Table.num(loss[i], 4), Table.num(acc[i], 4));
                        }
                        t.print(out);
                        out.printf("%s, %d samples, %d weights%n", mode.equals("checkpoints") ? "α=0: " + in.model.getFileName()
                                + ", α=1: " + to.getFileName() : "filter-normalized random direction, seed " + in.seed,
                                data.size(), m.layout().size());
                    });
        }
        return 0;
    }
}
