package dev.loupe.cli.landscape;

import dev.loupe.cli.CsvCell;
import dev.loupe.cli.Output;
import dev.loupe.cli.OutputOptions;
import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;
import dev.loupe.landscape.grad.GradientEvaluator;
import dev.loupe.landscape.hessian.AnalysisHvpBatch;
import dev.loupe.landscape.hessian.HessianAnalysis;
import dev.loupe.landscape.grad.HvpBatchSize;
import dev.loupe.landscape.hessian.HessianOptions;
import dev.loupe.landscape.result.EigenMethod;
import dev.loupe.landscape.result.HessianResult;
import dev.loupe.landscape.result.LayerCurvature;
import dev.loupe.landscape.result.TraceMethod;
import dev.loupe.report.landscape.HessianReport;
import dev.loupe.report.landscape.LandscapePlotFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code loupe hessian}: top eigenvalues, trace and spectral density of the loss Hessian. */
@Command(name = "hessian", mixinStandardHelpOptions = true,
        description = {"Hessian spectrum of the mean loss at the model's weights: top-k eigenvalues, trace and density.",
                "Top-k eigenvalues by Lanczos with full reorthogonalization (or PyHessian's power iteration with deflation, --method power), each with its residual bound ‖Hv − λv‖: an exact eigenvalue lies within ± that.",
                "Trace by Hutchinson with a 95%% CI, spectral density by stochastic Lanczos quadrature (PyHessian's methods and defaults). Gradients and exact Hessian-vector products come from backward and tangent graphs "
                + "generated in ONNX and run by ONNX Runtime (MLP, CNN and transformer ops: Gemm, MatMul, Conv, MaxPool, Relu, Softmax, "
                + "LayerNorm as exported, GELU/Erf, embeddings...).",
                "Sentence encoders: --text FILE; the loss is the MSE of the pooled embeddings against --targets or, by default, the model's "
                + "own embeddings, so the Hessian is the Gauss-Newton curvature (2/dim)·JᵀJ of a self-distillation loss (positive semi-definite)."})
public final class HessianCommand implements Callable<Integer> {
    @Mixin
    ModelDataOptions in;
    @Mixin
    OutputOptions outOpts;

    @Option(paramLabel = "METHOD", names = "--method", defaultValue = "lanczos", description = "Top eigenvalues by lanczos (one Krylov space for all k, stops when every residual bound is below tol·|λ|) or power (PyHessian's power iteration with deflation, stops when λ changes by less than tol) (default ${DEFAULT-VALUE}).")
    String method;
    @Option(paramLabel = "N", names = "--top-k", defaultValue = "1", description = "Eigenvalues (default ${DEFAULT-VALUE}).")
    int topK;
    @Option(paramLabel = "N", names = "--max-iter", defaultValue = "100", description = "Lanczos steps (or power iterations per eigenvalue) and Hutchinson samples at most (default ${DEFAULT-VALUE}).")
    int maxIter;
    @Option(paramLabel = "X", names = "--tol", defaultValue = "1e-3", description = "Relative tolerance (default ${DEFAULT-VALUE}).")
    double tol;
    @Option(paramLabel = "N", names = "--trace-samples", defaultValue = "100", description = "Hutchinson samples at most; 0 skips the trace (default ${DEFAULT-VALUE}).")
    int traceSamples;
    @Option(paramLabel = "METHOD", names = "--trace-method", defaultValue = "hutchinson", description = "Trace by hutchinson (mean of vᵀHv over Rademacher v, PyHessian's) or hutchpp (Hutch++, Meyer et al. 2021: the trace on a sketched top subspace exactly plus Hutchinson on the rest, --trace-samples products in all, a third each; less variance when a few eigenvalues dominate, holds --trace-samples/3 vectors of the model's size) (default ${DEFAULT-VALUE}).")
    String traceMethod;
    @Option(names = "--per-layer", description = "Also each weight tensor's diagonal block of the Hessian (the other weights fixed), with vectors nonzero only on that tensor: its Hutchinson trace with 95%% CI (up to --trace-samples), trace per weight (HAWQ-V2's layer sensitivity), and its top eigenvalue with residual bound by Lanczos (up to --max-iter steps). Costs up to --trace-samples + --max-iter Hessian-vector products per tensor; pick tensors with --weights.")
    boolean perLayer;
    @Option(paramLabel = "N", names = "--density-steps", defaultValue = "100", description = "Lanczos steps per SLQ run; 0 skips the density (default ${DEFAULT-VALUE}).")
    int densitySteps;
    @Option(paramLabel = "N", names = "--density-runs", defaultValue = "1", description = "SLQ runs (default ${DEFAULT-VALUE}).")
    int densityRuns;
    @Option(paramLabel = "X", names = "--sigma2", defaultValue = "1e-5", description = "Gaussian broadening variance (default ${DEFAULT-VALUE}).")
    double sigma2;
    @Option(paramLabel = "N", names = "--bins", defaultValue = "10000", description = "Density grid points (default ${DEFAULT-VALUE}).")
    int bins;
    @Option(paramLabel = "X", names = "--fd-step", defaultValue = "0", description = "0: exact Hessian-vector products (R-operator); > 0: central differences of gradients with this step (default ${DEFAULT-VALUE}).")
    double step;
    @Option(paramLabel = "K", names = "--hvp-batch", description = "Independent directions per batched Hessian-vector product: "
            + "the trace samples, per-layer traces and the three groups of Hutch++ run K at a time, the forward and backward values shared and "
            + "the products with them stacked (fewer, larger GEMMs); top-k and power iteration stay one at a time. 1: no batching "
            + "(default: as memory allows, up to 16 where a pooled conv layer's prepared route takes them, else 8, where the analysis is certain to run at least 16 directions in such groups (96 for more than 8 a run), else 1; printed on stderr).")
    Integer hvpBatch;
    @Option(paramLabel = "N", names = "--intra-threads", description = "ONNX Runtime threads per gradient run (default: cores).")
    Integer intra;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        // upper bounds too: --top-k 1e8 would run for days, --bins 2e9 allocates 16 GB
        if (topK < 1 || topK > 1000 || maxIter < 1 || bins < 2 || bins > 10_000_000 || !(tol >= 0) || !(step >= 0) || !(sigma2 > 0)
                || traceSamples < 0 || densitySteps < 0 || densityRuns < 1 || (intra != null && intra < 1) || (hvpBatch != null && (hvpBatch < 1 || hvpBatch > 256))) {
            throw new dev.loupe.core.LoupeException("--top-k must be 1..1000, --hvp-batch 1..256, --max-iter, --density-runs, --intra-threads >= 1, "
                    + "--bins 2..10000000, --tol, --fd-step, --trace-samples, --density-steps >= 0, --sigma2 > 0");
        }
        EigenMethod how = switch (method.toLowerCase(java.util.Locale.ROOT)) {
            case "lanczos" -> EigenMethod.LANCZOS;
            case "power" -> EigenMethod.POWER;
            default -> throw new dev.loupe.core.LoupeException("--method must be lanczos or power, got '" + method + "'");
        };
        TraceMethod traceHow = switch (traceMethod.toLowerCase(java.util.Locale.ROOT)) {
            case "hutchinson" -> TraceMethod.HUTCHINSON;
            case "hutchpp", "hutch++" -> TraceMethod.HUTCHPP;
            default -> throw new dev.loupe.core.LoupeException("--trace-method must be hutchinson or hutchpp, got '" + traceMethod + "'");
        };
        if (traceHow == TraceMethod.HUTCHPP && traceSamples > 0 && traceSamples < 6) {
            throw new dev.loupe.core.LoupeException("--trace-method hutchpp needs --trace-samples >= 6 (a third each for sketch, subspace and remainder)");
        }
        outOpts.check(in.model, in.data, in.labels);
        HessianOptions o = new HessianOptions(how, topK, maxIter, tol, traceHow, traceSamples, densitySteps, densityRuns, sigma2, bins, step,
                perLayer, in.seed);
        // the set-up (reading, self-targets, ONNX Runtime building the graphs) takes seconds to a minute: say each step
        Progress setup = outOpts.progress();
        setup.start("hessian: reading the model", 1);
        try (ParameterizedModel m = in.open()) {
            setup.done();
            setup.start("hessian: reading the samples", 1);
            Samples data = in.samples(m);
            setup.done();
            HessianResult r;
            int threads = intra != null ? intra : Runtime.getRuntime().availableProcessors();
            // by default as many as memory allows, where the analysis has enough independent directions to repay a batched pass
            int k = hvpBatch != null ? hvpBatch : AnalysisHvpBatch.of(HvpBatchSize.of(m, in.batch()), o, m.layout().count());
            setup.start("hessian: building the gradient and Hessian-vector graphs (ONNX Runtime; " + k + " directions per batched product"
                    + (hvpBatch != null ? ")" : ", from memory and the analysis' independent directions: --hvp-batch)"), 1);
            try (GradientEvaluator g = step == 0 ? GradientEvaluator.atPoint(m, data, in.loss(), in.batch(), threads, m.theta0(), null, k)
                    : new GradientEvaluator(m, data, in.loss(), in.batch(), threads, false)) {
                setup.done();
                r = HessianAnalysis.run(g, data.size(), o, outOpts.progress());
            }
            outOpts.write("hessian.json", Output.toJson(r));
            StringBuilder csv = new StringBuilder("eigenvalue,density\n");
            for (int i = 0; i < r.densityGrid().length; i++) {
                csv.append(CsvCell.of(r.densityGrid()[i])).append(',').append(CsvCell.of(r.density()[i])).append('\n');
            }
            outOpts.write("density.csv", csv.toString());
            if (outOpts.out() != null) {
                LandscapePlotFiles.hessian(r, outOpts.out());
            }
            if (outOpts.report() != null) {
                HessianReport.write(r, in.dataName(), outOpts.report());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (outOpts.json()) {
                Output.json(r, out);
            } else {
                out.printf("Hessian of the mean %s over %d samples, %d weights (seed %d, %.1f s)%n", in.loss().name().toLowerCase(),
                        r.samples(), r.parameters(), r.seed(), r.seconds());
                for (int i = 0; i < r.eigenvalues().length; i++) {
                    out.printf("  eigenvalue %d: %.6g ± %.2g (residual bound; %d %s)%n", i + 1, r.eigenvalues()[i], r.residuals()[i],
                            r.iterations()[i], r.method() == EigenMethod.LANCZOS ? "Lanczos steps" : "power iterations");
                }
                if (r.traceSamples() > 0) {
                    out.printf("  trace: %.6g ± %.3g (95%% CI, %d %s)%n", r.trace(), r.traceHalfWidth95(), r.traceSamples(),
                            r.traceMethod() == TraceMethod.HUTCHPP ? "Hutch++ products" : "Hutchinson samples");
                }
                if (!r.layers().isEmpty()) {
                    out.printf("  per layer (block H_ii; trace ± 95%% CI, trace/weights, top eigenvalue ± residual bound, Lanczos steps):%n");
                    for (LayerCurvature l : r.layers()) { // a part not asked for (--trace-samples 0, --max-iter 0) shows as —
                        String trace = l.traceSamples() > 0 ? String.format("trace %.5g ± %.2g  (%.4g per weight)", l.trace(),
                                l.traceHalfWidth95(), l.averageEigenvalue()) : "trace —";
                        String top = l.lanczosSteps() > 0 ? String.format("top %.6g ± %.2g  (%d)", l.topEigenvalue(), l.residual(),
                                l.lanczosSteps()) : "top —";
                        out.printf("    %-32s %10d  %s  %s%n", l.name(), l.parameters(), trace, top);
                    }
                }
                if (r.nodes().length > 0) {
                    out.printf("  SLQ Ritz values: min %.4g, max %.4g (%d nodes)%n",
                            java.util.Arrays.stream(r.nodes()).min().orElse(Double.NaN),
                            java.util.Arrays.stream(r.nodes()).max().orElse(Double.NaN), r.nodes().length);
                }
            }
            out.flush();
        }
        return 0;
    }
}
