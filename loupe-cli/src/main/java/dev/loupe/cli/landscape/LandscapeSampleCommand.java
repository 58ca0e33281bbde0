package dev.loupe.cli.landscape;

import dev.loupe.cli.OutputOptions;
import dev.loupe.core.LoupeException;
import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.engine.SliceEvaluator;
import dev.loupe.landscape.engine.WeightFeed;
import dev.loupe.landscape.engine.LossPoint;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;
import dev.loupe.landscape.result.SampleResult;
import dev.loupe.landscape.result.TopologyResult;
import dev.loupe.landscape.slice.Slices;
import dev.loupe.landscape.topology.NeighborGraph;
import dev.loupe.landscape.topology.TopologyAnalysis;
import dev.loupe.report.landscape.LandscapePlotFiles;
import dev.loupe.report.landscape.LandscapeReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code loupe landscape sample}: n-dimensional samples and their topology (Landscaper's setting). */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = {"Loss at points of an n-dimensional subspace (top-n Hessian eigenvectors or random filter-normalized "
                + "directions), on a grid or uniformly at random in [-r, r]^n; merge tree on the grid or a k-NN graph, SMAD."})
public final class LandscapeSampleCommand implements Callable<Integer> {
    @Mixin
    ModelDataOptions in;
    @Mixin
    OutputOptions outOpts;

    @Option(paramLabel = "N", names = "--dims", defaultValue = "3", description = "Subspace dimension n (default ${DEFAULT-VALUE}).")
    int dims;

    @Option(paramLabel = "N", names = "--points", defaultValue = "1000", description = "Points (a grid uses ⌈points^(1/n)⌉ per axis) (default ${DEFAULT-VALUE}).")
    int points;

    @Option(paramLabel = "X", names = "--radius", defaultValue = "1", description = "Half-width r of the cube (default ${DEFAULT-VALUE}).")
    double radius;

    @Option(paramLabel = "SAMPLING", names = "--sampling", defaultValue = "random", description = "random or grid (default ${DEFAULT-VALUE}).")
    String sampling;

    @Option(paramLabel = "N", names = "--knn", defaultValue = "8", description = "k of the k-NN graph for random samples (default ${DEFAULT-VALUE}).")
    int knn;

    @Option(paramLabel = "DIRECTIONS", names = "--directions", defaultValue = "random", description = "random or hessian (default ${DEFAULT-VALUE}).")
    SliceDirections.Kind directions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        boolean grid = switch (sampling) {
            case "grid" -> true;
            case "random" -> false;
            default -> throw new LoupeException("--sampling must be random or grid");
        };
        if (points < 2 || points > 1_000_000 || dims > 64) {
            throw new LoupeException("--points must be between 2 and 1000000 and --dims at most 64");
        }
        if (!(radius > 0) || dims < 1 || knn < 1) {
            throw new LoupeException("--radius must be > 0, --dims and --knn at least 1");
        }
        // The default k shrinks to fit a small sample; a --knn the user gave must fit.
        boolean knnGiven = spec.commandLine().getParseResult().hasMatchedOption("--knn");
        if (!grid && knnGiven && knn >= points) {
            throw new LoupeException("--knn must be smaller than --points (" + points + "), got " + knn);
        }
        int neighbours = Math.min(knn, points - 1);
        outOpts.check(in.model, in.data, in.labels);
        Progress progress = outOpts.progress();
        try (ParameterizedModel m = in.open()) {
            Samples data = in.samples(m);
            SliceDirections.Chosen dirs = SliceDirections.pick(directions, dims, m, data, in, progress);
            double[][] coords = Slices.cubePoints(dims, radius, points, grid, in.seed);
            LossPoint[] pts;
            try (SliceEvaluator ev = new SliceEvaluator(m, data, in.loss(), in.batch(), in.threads(), dirs.directions(),
                    WeightFeed.OPTIMIZED_LAYOUT)) {
                pts = Slices.sample(ev, coords, progress);
            }
            double[] loss = new double[pts.length];
            StringBuilder csv = new StringBuilder();
            for (int k = 0; k < dims; k++) {
                csv.append("c").append(k + 1).append(',');
            }
            csv.append("loss\n");
            for (int i = 0; i < pts.length; i++) {
                loss[i] = pts[i].loss();
                for (double c : coords[i]) {
                    csv.append(c).append(',');
                }
                csv.append(loss[i]).append('\n');
            }
            int per = (int) Math.round(Math.pow(coords.length, 1.0 / dims));
            NeighborGraph g = grid ? NeighborGraph.grid(java.util.stream.IntStream.range(0, dims).map(k -> per).toArray())
                    : NeighborGraph.knn(coords, neighbours);
            TopologyResult topo = TopologyAnalysis.of(loss, coords, g, grid ? "grid" : "knn k=" + neighbours);
            SampleResult r = new SampleResult(in.model.toString(), dirs.description(), sampling, data.size(), in.seed, coords, loss);
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("sample", r);
            all.put("topology", topo);
            outOpts.emit("sample", all, csv.toString(), dir -> LandscapePlotFiles.sample(r, topo, dir),
                    html -> LandscapeReport.write(LandscapeReport.sample(r, topo, in.dataName()), html),
                    spec.commandLine().getOut(), out -> {
                        double min = java.util.Arrays.stream(loss).min().orElse(Double.NaN);
                        double max = java.util.Arrays.stream(loss).max().orElse(Double.NaN);
                        out.printf("%d points in %d dimensions (%s), %d samples; directions: %s%n", coords.length, dims, sampling,
                                data.size(), dirs.description());
                        out.printf("loss min %.4f max %.4f; topology (%s): %d minima, SMAD %.4g (normalized %.4g)%n", min, max,
                                topo.graph(), topo.minima(), topo.smad(), topo.smadNormalized());
                    });
        }
        return 0;
    }
}
