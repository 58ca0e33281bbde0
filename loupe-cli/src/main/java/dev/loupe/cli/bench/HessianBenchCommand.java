package dev.loupe.cli.bench;

import dev.loupe.cli.Table;
import dev.loupe.cli.landscape.ModelDataOptions;
import dev.loupe.landscape.bench.HessianBenchmark;
import dev.loupe.landscape.engine.ParameterizedModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code loupe bench hessian}: seconds per Hessian-vector product against plain forward passes in the same run. */
@Command(name = "hessian", mixinStandardHelpOptions = true,
        description = {"Hessian-vector products (exact, R-operator) and gradients of the mean loss of MODEL over --samples (default 1000), "
                + "against plain forward passes of the unmodified model over the same samples, same batches and same ONNX Runtime threads "
                + "(half of them before, half after). The ratio HVP ÷ forward is the cost of one HVP in forward passes; theory says 4 to 6."})
public final class HessianBenchCommand implements Callable<Integer> {
    @Mixin
    ModelDataOptions in;

    @Option(paramLabel = "N", names = "--hvps", defaultValue = "10", description = "Hessian-vector products timed (default ${DEFAULT-VALUE}).")
    int hvps;

    @Option(names = "--profile", paramLabel = "PREFIX", description = "Write ONNX Runtime's profiler trace (JSON, chrome://tracing) of the gradient and HVP runs to PREFIX_<date>.json.")
    Path profile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (hvps < 1) {
            throw new dev.loupe.core.LoupeException("--hvps must be at least 1");
        }
        try (ParameterizedModel m = in.open()) {
            HessianBenchmark.Result r = HessianBenchmark.run(m, in.samples(m), in.loss(), in.batch(), in.threads(), hvps, profile);
            PrintWriter out = spec.commandLine().getOut();
            Table t = new Table("work", "count", "seconds each", "forward passes");
            t.row("forward pass", r.forwardPasses(), Table.num(r.forwardSeconds(), 4), "1");
            t.row("gradient (any point)", r.gradients(), Table.num(r.gradientSeconds(), 4), Table.num(r.gradientRatio(), 2));
            t.row("HVP setup at the point (once)", 1, Table.num(r.prepareSeconds(), 4), Table.num(r.prepareRatio(), 2));
            t.row("Hessian-vector product", r.hvps(), Table.num(r.hvpSeconds(), 4), Table.num(r.hvpRatio(), 2));
            t.print(out);
            out.printf("HVP/forward %.2f (one Hessian-vector product costs this many forward passes)%n", r.hvpRatio());
            out.printf("%d samples, batch %d, %d ONNX Runtime threads%n", r.samples(), r.batch(), r.threads());
            if (r.profile() != null) {
                out.printf("profile: %s%n", r.profile());
            }
            out.flush();
        }
        return 0;
    }
}
