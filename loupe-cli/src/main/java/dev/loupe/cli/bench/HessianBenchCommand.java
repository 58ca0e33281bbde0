package dev.loupe.cli.bench;

import dev.loupe.cli.Table;
import dev.loupe.cli.landscape.ModelDataOptions;
import dev.loupe.landscape.bench.HessianBenchmark;
import dev.loupe.landscape.bench.Span;
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
                + "(half of them before, half after). The ratio HVP ÷ forward is the cost of one HVP in forward passes; theory says 4 to 6. "
                + "Wall and process CPU time are both shown: on a loaded machine compare the CPU ratios, with --threads 1."})
public final class HessianBenchCommand implements Callable<Integer> {
    @Mixin
    ModelDataOptions in;

    @Option(paramLabel = "N", names = "--hvps", defaultValue = "10", description = "Hessian-vector products timed (default ${DEFAULT-VALUE}).")
    int hvps;

    @Option(names = "--hvp-batch", paramLabel = "K", split = ",",
            description = "Also time batched products, K directions per ONNX Runtime run, for each K given (comma-separated; "
                    + "default: 4, 8 and the most `loupe hessian` takes as memory allows); 1 alone times single products only.")
    int[] hvpBatches;

    @Option(names = "--profile", paramLabel = "PREFIX", description = "Write ONNX Runtime's profiler trace (JSON, chrome://tracing) of the gradient and HVP runs to PREFIX_<date>.json, and of each batched pass to PREFIX_k<K>_<date>.json.")
    Path profile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static void row(Table t, String work, int count, Span s, HessianBenchmark.Result r) {
        t.row(work, count, Table.num(s.wall(), 4), Table.num(s.wall() / r.forward().wall(), 2), Table.num(s.cpu(), 4),
                Table.num(s.cpu() / r.forward().cpu(), 2));
    }

    @Override
    public Integer call() {
        if (hvps < 1) {
            throw new dev.loupe.core.LoupeException("--hvps must be at least 1");
        }
        try (ParameterizedModel m = in.open()) {
            int[] ks = hvpBatches != null ? hvpBatches
                    : new int[]{4, 8, dev.loupe.landscape.grad.HvpBatchSize.of(m, in.batch())};
            int[] batches = java.util.Arrays.stream(ks).filter(k -> k > 1).distinct().sorted().toArray();
            if (java.util.Arrays.stream(ks).anyMatch(k -> k < 1)) {
                throw new dev.loupe.core.LoupeException("--hvp-batch must be at least 1");
            }
            HessianBenchmark.Result r = HessianBenchmark.run(m, in.samples(m), in.loss(), in.batch(), in.threads(), hvps, profile, batches,
                    dev.loupe.cli.TerminalProgress.forLongRun(false, "phases", 4 + batches.length, 5));
            PrintWriter out = spec.commandLine().getOut();
            Table t = new Table("work", "count", "seconds each", "forward passes", "CPU seconds each", "forward passes (CPU)");
            row(t, "forward pass", r.forwardPasses(), r.forward(), r);
            row(t, "gradient (any point)", r.gradients(), r.gradient(), r);
            row(t, "HVP setup at the point (once)", 1, r.prepare(), r);
            row(t, "Hessian-vector product", r.hvps(), r.hvp(), r);
            for (HessianBenchmark.Batched b : r.batched()) {
                row(t, "HVP setup, single + " + b.k() + "-direction passes (once)", 1, b.prepare(), r);
                row(t, "HVP in runs of " + b.k() + " directions, per direction", b.products(), b.perVector(), r);
            }
            t.print(out);
            out.printf("HVP/forward %.2f wall, %.2f CPU (one Hessian-vector product costs this many forward passes)%n", r.hvpRatio(), r.hvpCpuRatio());
            for (HessianBenchmark.Batched b : r.batched()) {
                out.printf("HVP/forward in runs of %d directions: %.2f wall, %.2f CPU per direction%s%n", b.k(),
                        b.perVector().wall() / r.forward().wall(), b.perVector().cpu() / r.forward().cpu(),
                        b.k() == r.defaultBatch() ? " (the most `loupe hessian` takes here by default, as memory allows)" : "");
            }
            out.printf("HVP batch as memory allows: %d directions per run (estimated %,d MB per direction); `loupe hessian` takes it where its "
                    + "analysis is certain of at least 16 independent directions (96 for more than 8 a run), else 1 (--hvp-batch K sets it)%n",
                    r.defaultBatch(), dev.loupe.landscape.grad.HvpBatchSize.perDirection(m, in.batch()) >> 20);
            out.printf("forward pass: ONNX Runtime on the unmodified model file (weights as initializers, all graph optimizations), "
                    + "%d samples in batches of %d, %d ONNX Runtime threads, the same as the HVPs, timed in this run (half before, half after)%n",
                    r.samples(), r.batch(), r.threads());
            if (r.macs() != null) {
                out.printf("multiply-add floor: an HVP's tangent passes do %.2f forward passes of Conv/Gemm/MatMul work "
                        + "(%,d against %,d per sample); below it only with faster kernels than the forward pass's%n",
                        r.macs().ratio(), r.macs().tangent(), r.macs().forward());
                for (HessianBenchmark.Batched b : r.batched()) {
                    if (b.macs() != null && b.macs().tangent() != r.macs().tangent()) {
                        out.printf("multiply-add floor in runs of %d directions: %.2f forward passes per direction (%,d per sample; "
                                + "pooled conv layers go through their prepared Q and M there)%n", b.k(), b.macs().ratio(), b.macs().tangent());
                    }
                }
            }
            if (r.profile() != null) {
                out.printf("profile: %s%n", r.profile());
            }
            for (HessianBenchmark.Batched b : r.batched()) {
                if (b.profile() != null) {
                    out.printf("profile of the %d-direction runs: %s%n", b.k(), b.profile());
                }
            }
            out.flush();
        }
        return 0;
    }
}
