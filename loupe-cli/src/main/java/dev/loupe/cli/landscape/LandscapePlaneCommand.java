package dev.loupe.cli.landscape;

import dev.loupe.cli.OutputOptions;
import dev.loupe.cli.Table;
import dev.loupe.cli.TerminalProgress;
import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.engine.LossEvaluator;
import dev.loupe.landscape.engine.LossPoint;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;
import dev.loupe.landscape.result.PlaneResult;
import dev.loupe.landscape.result.TopologyResult;
import dev.loupe.landscape.slice.Grid;
import dev.loupe.landscape.slice.Slices;
import dev.loupe.landscape.topology.NeighborGraph;
import dev.loupe.landscape.topology.TopologyAnalysis;
import dev.loupe.report.landscape.LandscapePlotFiles;
import dev.loupe.report.landscape.LandscapeReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code loupe landscape plane}: the 2-D slice of Li et al. and its topology. */
@Command(name = "plane", mixinStandardHelpOptions = true,
        description = {"Loss on θ₀ + x·d₁ + y·d₂ over a grid (default 41×41 on [-1,1]²) with two random filter-normalized",
                "directions (Li et al.) or the top-2 Hessian eigenvectors; merge tree, persistence, profile and SMAD of the grid."})
public final class LandscapePlaneCommand implements Callable<Integer> {
    @Mixin
    ModelDataOptions in;
    @Mixin
    OutputOptions outOpts;

    @Option(names = "--grid", defaultValue = "41", description = "Points per axis (default ${DEFAULT-VALUE}).")
    int grid;

    @Option(names = "--range", defaultValue = "-1:1", description = "x range (default ${DEFAULT-VALUE}).")
    String xRange;

    @Option(names = "--yrange", description = "y range (default: as --range).")
    String yRange;

    @Option(names = "--directions", defaultValue = "random", description = "random or hessian (default ${DEFAULT-VALUE}).")
    SliceDirections.Kind directions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (grid < 2 || grid > 1001) {
            throw new dev.loupe.core.LoupeException("--grid must be between 2 and 1001, got " + grid);
        }
        outOpts.check(in.model, in.data, in.labels);
        Progress progress = TerminalProgress.forTerminal(false);
        try (ParameterizedModel m = in.open()) {
            Samples data = in.samples(m);
            SliceDirections.Chosen dirs = SliceDirections.pick(directions, 2, m, data, in, progress);
            double[] xr = Ranges.parse("--range", xRange), yr = Ranges.parse("--yrange", yRange == null ? xRange : yRange);
            double[] xs = Grid.linspace(xr[0], xr[1], grid), ys = Grid.linspace(yr[0], yr[1], grid);
            LossPoint[] pts;
            try (LossEvaluator ev = new LossEvaluator(m, data, in.loss(), in.batch(), in.threads())) {
                pts = Slices.plane(ev, m.theta0(), dirs.directions().get(0), dirs.directions().get(1), xs, ys, progress);
            }
            double[][] loss = new double[ys.length][xs.length], acc = new double[ys.length][xs.length];
            double[] flat = new double[pts.length];
            double[][] coords = new double[pts.length][];
            StringBuilder csv = new StringBuilder("x,y,loss,accuracy\n");
            for (int j = 0; j < ys.length; j++) {
                for (int i = 0; i < xs.length; i++) {
                    int k = j * xs.length + i;
                    loss[j][i] = flat[k] = pts[k].loss();
                    acc[j][i] = pts[k].accuracy();
                    coords[k] = new double[]{xs[i], ys[j]};
                    csv.append(xs[i]).append(',').append(ys[j]).append(',').append(loss[j][i]).append(',').append(acc[j][i]).append('\n');
                }
            }
            PlaneResult plane = new PlaneResult(in.model.toString(), dirs.description(), data.size(), in.seed, xs, ys, loss, acc);
            TopologyResult topo = TopologyAnalysis.of(flat, coords, NeighborGraph.grid(ys.length, xs.length), "grid");
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("plane", plane);
            all.put("topology", topo);
            outOpts.emit("plane", all, csv.toString(), dir -> LandscapePlotFiles.plane(plane, topo, in.dataName(), dir),
                    html -> LandscapeReport.write(LandscapeReport.plane(plane, topo, in.dataName()), html),
                    spec.commandLine().getOut(), out -> printSummary(out, plane, topo, pts.length, m.layout().size()));
        }
        return 0;
    }

    static void printSummary(PrintWriter out, PlaneResult p, TopologyResult t, int points, int weights) {
        int c = p.y().length / 2, ci = p.x().length / 2;
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        int mi = 0, mj = 0;
        for (int j = 0; j < p.y().length; j++) {
            for (int i = 0; i < p.x().length; i++) {
                if (p.loss()[j][i] < min) {
                    min = p.loss()[j][i];
                    mi = i;
                    mj = j;
                }
                max = Math.max(max, p.loss()[j][i]);
            }
        }
        out.printf("plane %d×%d (%d points), %d samples, %d weights; directions: %s%n", p.x().length, p.y().length, points,
                p.samples(), weights, p.directions());
        out.printf("loss at centre %.4f (accuracy %.4f); min %.4f at (%.3f, %.3f); max %.4f%n", p.loss()[c][ci],
                p.accuracy()[c][ci], min, p.x()[mi], p.y()[mj], max);
        out.printf("topology (%s graph): %d minima, SMAD %.4g (normalized %.4g)%n", t.graph(), t.minima(), t.smad(), t.smadNormalized());
        Table tab = new Table("birth", "death", "persistence");
        t.persistence().stream().sorted((a, b) -> Double.compare(pers(b), pers(a))).limit(5)
                .forEach(q -> tab.row(Table.num(q.birth(), 4), q.death() == null ? "inf" : Table.num(q.death(), 4),
                        q.death() == null ? "inf" : Table.num(q.death() - q.birth(), 4)));
        tab.print(out);
    }

    private static double pers(TopologyResult.PersistencePair q) {
        return q.death() == null ? Double.POSITIVE_INFINITY : q.death() - q.birth();
    }
}
