package dev.loupe.cli.landscape;

import dev.loupe.cli.OutputOptions;
import dev.loupe.cli.Table;
import dev.loupe.cli.OutputPaths;
import dev.loupe.core.LoupeException;
import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.direction.DirectionFile;
import dev.loupe.landscape.direction.PlaneDirections;
import dev.loupe.landscape.engine.SliceEvaluator;
import dev.loupe.landscape.engine.WeightFeed;
import dev.loupe.landscape.engine.LossPoint;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;
import dev.loupe.landscape.result.PathPoint;
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
import java.nio.file.Path;
import java.util.List;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code loupe landscape plane}: the 2-D slice of Li et al. and its topology. */
@Command(name = "plane", mixinStandardHelpOptions = true,
        description = {"Loss on θ₀ + x·d₁ + y·d₂ over a grid (default 41×41 on [-1,1]²) with two random filter-normalized "
                + "directions (Li et al.), the top-2 Hessian eigenvectors, the plane through two more checkpoints "
                + "(--through B C: θ₀, B, C at (0,0), (1,0), (0,1)), the PCA plane of a training trajectory "
                + "(--directions pca --trajectory CKPT...: Li et al.'s, with the checkpoints drawn on it) or directions "
                + "saved earlier (--directions FILE.npy); merge tree, persistence, profile and SMAD of the grid."})
public final class LandscapePlaneCommand implements Callable<Integer> {
    @Mixin
    ModelDataOptions in;
    @Mixin
    OutputOptions outOpts;

    @Option(paramLabel = "N", names = "--grid", defaultValue = "41", description = "Points per axis (default ${DEFAULT-VALUE}).")
    int grid;

    @Option(paramLabel = "MIN:MAX", names = "--range", description = "x range (default -1:1; with --through -0.5:1.5; with pca the trajectory "
            + "with a margin).")
    String xRange;

    @Option(paramLabel = "MIN:MAX", names = "--yrange", description = "y range (default: as --range).")
    String yRange;

    @Option(names = "--directions", defaultValue = "random", paramLabel = "random|hessian|pca|FILE.npy",
            description = "How d₁, d₂ are made (default ${DEFAULT-VALUE}); pca needs --trajectory; a .npy file is one "
                    + "written by --save-directions for this model.")
    String directions;

    @Option(names = "--through", arity = "2", paramLabel = "CKPT",
            description = "Two more checkpoints of the same architecture: the plane through the model and them.")
    List<Path> through;

    @Option(names = "--trajectory", arity = "1..*", paramLabel = "CKPT",
            description = "With --directions pca: the checkpoints saved during training (the model is the last one).")
    List<Path> trajectory;

    @Option(names = "--save-directions", paramLabel = "FILE.npy",
            description = "Also save d₁, d₂ as a float32 [2, weights] .npy, to redraw the same plane later.")
    Path saveDirections;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (grid < 2 || grid > 1001) {
            throw new dev.loupe.core.LoupeException("--grid must be between 2 and 1001, got " + grid);
        }
        outOpts.check(in.model, in.data, in.labels);
        OutputPaths.file(saveDirections, in.model, in.data, in.labels);
        boolean pca = directions.equals("pca");
        if ((trajectory != null) != pca) {
            throw new LoupeException(pca ? "--directions pca needs --trajectory CKPT..." : "--trajectory goes with --directions pca");
        }
        if (through != null && !directions.equals("random")) {
            throw new LoupeException("--through defines the plane itself; leave out --directions " + directions);
        }
        Progress progress = outOpts.progress();
        try (ParameterizedModel m = in.open()) {
            Samples data = in.samples(m);
            PlaneDirections dirs;
            if (through != null) {
                dirs = PlaneDirections.through(m, through.get(0), through.get(1));
            } else if (pca) {
                dirs = PlaneDirections.pca(m, trajectory);
            } else if (directions.equals("random") || directions.equals("hessian")) {
                SliceDirections.Chosen c = SliceDirections.pick(SliceDirections.Kind.valueOf(directions), 2, m, data, in, progress);
                dirs = new PlaneDirections(c.description(), c.directions().get(0), c.directions().get(1), List.of(),
                        new double[]{-1, 1}, new double[]{-1, 1});
            } else {
                dirs = PlaneDirections.file(m, Path.of(directions));
            }
            if (saveDirections != null) {
                DirectionFile.write(saveDirections, List.of(dirs.d1(), dirs.d2()));
            }
            double[] xr = xRange == null ? dirs.xRange() : Ranges.parse("--range", xRange);
            double[] yr = yRange != null ? Ranges.parse("--yrange", yRange) : xRange != null ? xr : dirs.yRange();
            double[] xs = Grid.linspace(xr[0], xr[1], grid), ys = Grid.linspace(yr[0], yr[1], grid);
            LossPoint[] pts;
            List<PathPoint> path = new ArrayList<>();
            try (SliceEvaluator ev = new SliceEvaluator(m, data, in.loss(), in.batch(), in.threads(), List.of(dirs.d1(), dirs.d2()),
                    WeightFeed.OPTIMIZED_LAYOUT)) {
                pts = Slices.plane(ev, xs, ys, progress);
                double[][] at = dirs.path().stream().map(q -> new double[]{q.x(), q.y()}).toArray(double[][]::new);
                LossPoint[] onPath = Slices.sample(ev, at, Progress.NONE);
                for (int i = 0; i < at.length; i++) {
                    PathPoint q = dirs.path().get(i);
                    path.add(new PathPoint(q.label(), q.x(), q.y(), onPath[i].loss(), onPath[i].accuracy()));
                }
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
            PlaneResult plane = new PlaneResult(in.model.toString(), dirs.description(), data.size(), in.seed, xs, ys, loss, acc,
                    path);
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
        if (!p.path().isEmpty()) {
            Table path = new Table("checkpoint", "x", "y", "loss", "accuracy");
            p.path().forEach(q -> path.row(q.label(), Table.num(q.x(), 4), Table.num(q.y(), 4), Table.num(q.loss(), 4),
                    Table.num(q.accuracy(), 4)));
            path.print(out);
        }
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
