package dev.loupe.cli.bench;

import dev.loupe.cli.Table;
import dev.loupe.cli.landscape.ModelDataOptions;
import dev.loupe.landscape.bench.PlaneBenchmark;
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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (ParameterizedModel m = in.open()) {
            PlaneBenchmark.Result r = PlaneBenchmark.run(m, in.samples(m), grid, in.batch(), in.threads());
            PrintWriter out = spec.commandLine().getOut();
            Table t = new Table("work", "count", "seconds", "per second");
            t.row("plane points", r.points(), Table.num(r.seconds(), 2), Table.num(r.pointsPerSecond(), 2));
            t.row("forward passes", r.baselinePasses(), Table.num(r.baselineSeconds(), 2), Table.num(r.passesPerSecond(), 2));
            t.print(out);
            out.printf("ratio %.3f (plane points/s ÷ plain forward passes/s; 1 = a point costs one forward pass)%n", r.ratio());
            out.printf("%d samples, batch %d, %d workers, loss at centre %.4f%n", r.samples(), in.batch(), r.threads(), r.centreLoss());
            out.flush();
        }
        return 0;
    }
}
