package dev.loupe.cli.bench;

import dev.loupe.cli.Loupe;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code loupe bench}: benchmarks of the hot paths. Each prints its figures as ratios against a
 * baseline measured in the same run, so numbers compare across machines.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks of Loupe's hot paths; each prints ratios against a baseline measured in the same run."},
        subcommands = {ReadBenchCommand.class, BenchLinalgCommand.class, InspectBenchCommand.class, EnsembleBenchCommand.class,
                ZooBenchCommand.class, LandscapeBenchCommand.class, HessianBenchCommand.class, CompressBenchCommand.class,
                GgufBenchCommand.class, LmBenchCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
