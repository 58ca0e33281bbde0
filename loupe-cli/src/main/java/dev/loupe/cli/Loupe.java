package dev.loupe.cli;

import dev.loupe.cli.bench.BenchCommand;
import dev.loupe.cli.compress.CompressCommand;
import dev.loupe.cli.diff.DiffCommand;
import dev.loupe.cli.edit.EditCommand;
import dev.loupe.cli.ensemble.EnsembleCommand;
import dev.loupe.cli.inspect.InspectCommand;
import dev.loupe.cli.landscape.HessianCommand;
import dev.loupe.cli.landscape.LandscapeCommand;
import dev.loupe.cli.zoo.ZooCommand;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code loupe} command: shows usage when no subcommand is given. */
@Command(name = "loupe", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"What is inside a trained neural network, and how to make it smaller.", ""},
        subcommands = {LsCommand.class, InspectCommand.class, DiffCommand.class, EditCommand.class, CompressCommand.class, ConvertCommand.class, EvalCommand.class, EnsembleCommand.class,
                ZooCommand.class, DemoCommand.class, LandscapeCommand.class, HessianCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 internal error (a bug: please report), 2 bad input or usage."})
public final class Loupe implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by black-box tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Loupe());
        ErrorHandler errors = new ErrorHandler();
        cl.setExecutionExceptionHandler(errors);
        cl.setParameterExceptionHandler(errors);
        cl.setExitCodeExceptionMapper(ErrorHandler::exitCode);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
