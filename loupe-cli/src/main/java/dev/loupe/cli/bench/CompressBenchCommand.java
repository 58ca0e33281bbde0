package dev.loupe.cli.bench;

import dev.loupe.cli.Table;
import dev.loupe.compress.bench.CompressBenchmark;
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
                        + "(best of --runs, one thread)."})
public final class CompressBenchCommand implements Callable<Integer> {
    @Option(names = "--runs", defaultValue = "5", paramLabel = "N", description = "Runs per kernel; the best counts (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic weights (default ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (runs < 1 || runs > 100) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be 1..100");
        }
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
        out.flush();
        return 0;
    }
}
