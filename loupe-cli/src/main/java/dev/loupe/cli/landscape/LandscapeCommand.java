package dev.loupe.cli.landscape;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code loupe landscape}: loss along lines, on planes and in n-dimensional subspaces of weight space. */
@Command(name = "landscape", mixinStandardHelpOptions = true,
        description = {"Loss landscapes of an ONNX model on a dataset: lines, planes and samples, with their topology.",
                "Planes use Li et al. filter-normalized directions; topology: merge trees, persistence, profiles, SMAD."},
        subcommands = {LandscapeLineCommand.class, LandscapePlaneCommand.class, LandscapeSampleCommand.class})
public final class LandscapeCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
