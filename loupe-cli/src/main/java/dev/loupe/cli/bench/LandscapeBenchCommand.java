package dev.loupe.cli.bench;

import dev.loupe.cli.Table;
import dev.loupe.cli.landscape.ModelDataOptions;
import dev.loupe.landscape.bench.PlaneBenchmark;
import dev.loupe.landscape.engine.FirstLayerProducts;
import dev.loupe.landscape.engine.WeightFeed;
import dev.loupe.landscape.engine.ParameterizedModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code loupe bench landscape}: the 41×41 plane, points/s against plain forward passes in the same run. */
@Command(name = "landscape", mixinStandardHelpOptions = true,
        description = {"A GRID×GRID loss plane (default 41×41, Li et al. directions) on MODEL with --samples (default 1000); "
                + "points/s against plain forward passes of the unmodified model over the same samples, same workers "
                + "(half of them before the plane, half after)."})
public final class LandscapeBenchCommand implements Callable<Integer> {
    @Mixin
    ModelDataOptions in;

    @Option(paramLabel = "N", names = "--grid", defaultValue = "41", description = "Points per axis (default ${DEFAULT-VALUE}).")
    int grid;

    @Option(paramLabel = "FEED", names = "--weight-feed", defaultValue = "OPTIMIZED_LAYOUT",
            description = "How the plane feeds weights to ONNX Runtime: OPTIMIZED_LAYOUT (ORT's optimized graph, its "
                    + "weights in ORT's layout, e.g. NCHWc-blocked Conv filters; what `landscape` uses) or GRAPH_INPUTS "
                    + "(the model as written with its weights as graph inputs) (default ${DEFAULT-VALUE}).")
    WeightFeed feed;

    @Option(paramLabel = "USE", names = "--first-layer", defaultValue = "AUTO",
            description = "Whether the plane computes a data-fed first MatMul/Gemm/Conv once per batch (X·W₀, X·D₁, X·D₂ "
                    + "and the bias's share) and per point only their sum: AUTO (where valid and the layer does at least "
                    + "16 multiply-adds per output per product, as `landscape` does), ALWAYS (wherever valid) or NEVER "
                    + "(default ${DEFAULT-VALUE}).")
    FirstLayerProducts.Use firstLayer;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (ParameterizedModel m = in.open()) {
            PlaneBenchmark.Result r = PlaneBenchmark.run(m, in.samples(m), grid, in.batch(), in.threads(), feed, firstLayer);
            PrintWriter out = spec.commandLine().getOut();
            Table t = new Table("work", "count", "seconds", "per second", "CPU seconds", "per CPU second");
            t.row("plane points", r.points(), Table.num(r.plane().wall(), 2), Table.num(r.points() / r.plane().wall(), 2),
                    Table.num(r.plane().cpu(), 2), Table.num(r.points() / r.plane().cpu(), 2));
            t.row("forward passes", r.baselinePasses(), Table.num(r.baseline().wall(), 2),
                    Table.num(r.baselinePasses() / r.baseline().wall(), 2), Table.num(r.baseline().cpu(), 2),
                    Table.num(r.baselinePasses() / r.baseline().cpu(), 2));
            t.print(out);
            out.printf("ratio %.3f wall, %.3f CPU (plane points/s ÷ plain forward passes/s; 1 = a point costs one forward pass)%n",
                    r.ratio(), r.cpuRatio());
            out.printf("%d samples, batch %d, %d workers of 1 ONNX Runtime thread on both sides, loss at centre %.4f%n",
                    r.samples(), in.batch(), r.threads(), r.centreLoss());
            out.printf("plane: weights fed as %s; forward: the model file as is, weights constant, ORT's ALL optimizations%n",
                    r.feed() == WeightFeed.OPTIMIZED_LAYOUT ? "ORT's optimized graph's inputs, in its layout"
                            : "the plain graph's inputs");
            out.println(r.firstLayer().map(f -> "plane: first layer '" + f.layer().name() + "' (" + f.layer().opType() + ", "
                    + f.fanIn() + " multiply-adds per output) computed once per batch at θ₀ and along each direction; "
                    + "per point, their sum and the rest of the graph").orElse("plane: every point runs the whole graph"));
            out.printf("plane setup, not in the ratio (sessions, ORT's layout, first-layer products): %.2f s wall, %.2f s CPU%n",
                    r.setup().wall(), r.setup().cpu());
            out.flush();
        }
        return 0;
    }
}
