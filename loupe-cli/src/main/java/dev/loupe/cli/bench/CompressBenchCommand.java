package dev.loupe.cli.bench;

import dev.loupe.cli.Table;
import dev.loupe.compress.bench.CompressBenchmark;
import dev.loupe.compress.bench.SecondOrderBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code loupe bench compress}: pruning and RTN kernels on LLaMA-7B-shaped F32 matrices, against a copy and a sort. */
@Command(name = "compress", mixinStandardHelpOptions = true,
        description = {"Time the compression kernels on synthetic F32 matrices of 4096x4096 and 4096x11008.",
                "Magnitude pruning (50 %%, one ranking per layer), 2:4, RTN int8 and int4 with groups of 128, each "
                        + "as a ratio to a plain copy and to a full sort of |W| of the same matrix in the same run "
                        + "(best of --runs, one thread).",
                "Then GPTQ (int4, groups of 128, with and without act-order) and SparseGPT (50 %%, 2:4) on one "
                        + "4096x11008 layer with the XᵀX of 128x2048 calibration tokens (a Wishart sample, see --second-order), "
                        + "as ratios to RTN int4 g128 of the same weights and to one Cholesky factorization of the same XᵀX "
                        + "(all cores; several minutes on two cores)."})
public final class CompressBenchCommand implements Callable<Integer> {
    @Option(names = "--runs", defaultValue = "5", paramLabel = "N", description = "Runs per kernel; the best counts (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic weights (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--second-order", defaultValue = "4096x11008", paramLabel = "ROWSxCOLS",
            description = "Layer shape [out x in] for the GPTQ/SparseGPT part, or 'none' to skip it (default ${DEFAULT-VALUE}).")
    String secondOrder;

    @Option(names = "--tokens", defaultValue = "262144", paramLabel = "N",
            description = "Calibration tokens behind the XᵀX (default ${DEFAULT-VALUE} = 128 x 2048).")
    long tokens;

    @Option(names = "--second-order-runs", defaultValue = "1", paramLabel = "N",
            description = "Runs of each GPTQ/SparseGPT kernel; the best counts (default ${DEFAULT-VALUE}).")
    int obsRuns;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (runs < 1 || runs > 100) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be 1..100");
        }
        int[] obs = secondOrder.equals("none") ? null : shape(secondOrder);
        PrintWriter out = spec.commandLine().getOut();
        for (int[] shape : CompressBenchmark.SHAPES) {
            CompressBenchmark.Result r = CompressBenchmark.run(shape[0], shape[1], runs, seed);
            out.printf(Locale.ROOT, "%dx%d F32 (%s): copy %.3f s, sort |W| %.3f s (sort/copy %.1f)%n", r.rows(), r.cols(),
                    Table.bytes(r.bytes()), r.copySeconds(), r.sortSeconds(), r.sortSeconds() / r.copySeconds());
            Table t = new Table("kernel", "seconds", "x copy", "x sort |W|");
            for (CompressBenchmark.Kernel k : r.kernels()) {
                t.row(k.name(), Table.num(k.seconds(), 3), Table.num(k.vsCopy(), 1), Table.num(k.vsSort(), 2));
            }
            t.print(out);
            out.println();
        }
        out.println("x copy / x sort: kernel time divided by the same matrix's copy / full sort of |W| in this run");
        if (obs != null) {
            out.println();
            out.flush();
            SecondOrderBenchmark.Result r = SecondOrderBenchmark.run(obs[0], obs[1], tokens, obsRuns, seed);
            out.printf(Locale.ROOT, "%dx%d F32 layer, XᵀX of %d tokens (Wishart sample, %.1f s to draw): RTN int4 g128 %.3f s, "
                    + "Cholesky of XᵀX %.3f s%n", r.rows(), r.cols(), r.tokens(), r.setupSeconds(), r.rtnSeconds(), r.choleskySeconds());
            Table t = new Table("kernel", "seconds", "x RTN", "x Cholesky");
            for (SecondOrderBenchmark.Kernel k : r.kernels()) {
                t.row(k.name(), Table.num(k.seconds(), 3), Table.num(k.vsRtn(), 1), Table.num(k.vsCholesky(), 2));
            }
            t.print(out);
            out.println("x RTN / x Cholesky: time divided by RTN int4 g128 of the same weights / one Cholesky of the same XᵀX "
                    + "in this run (GPTQ and SparseGPT include their inverse-Hessian factor); best of "
                    + (obsRuns) + " run(s), all cores");
        }
        out.flush();
        return 0;
    }

    private int[] shape(String s) {
        String[] p = s.toLowerCase(Locale.ROOT).split("x");
        try {
            int[] d = {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
            if (p.length == 2 && d[0] >= 1 && d[1] >= 1 && d[1] <= tokens) {
                return d;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new CommandLine.ParameterException(spec.commandLine(),
                "--second-order must be ROWSxCOLS with COLS <= --tokens, or none; got " + s);
    }
}
