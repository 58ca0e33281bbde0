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

import dev.loupe.runtime.session.OrtSessions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.time.Duration;

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

    /** Inherited by every subcommand, so that each command that runs a model obeys it without its own option. */
    @CommandLine.Option(names = "--timeout", scope = CommandLine.ScopeType.INHERIT, paramLabel = "SECONDS", defaultValue = "600",
            description = "Longest time one ONNX Runtime model run (one batch) may take, in seconds; a run past it is stopped and "
                    + "the command fails saying so (0 = no limit). Default: ${DEFAULT-VALUE}.")
    void timeout(double seconds) {
        if (!(seconds >= 0) || seconds > 1e9) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be a number of seconds >= 0, got " + seconds);
        }
        OrtSessions.timeLimit(Duration.ofNanos(Math.round(seconds * 1e9)));
    }

    public static void main(String[] args) {
        CommandLine cl = commandLine();
        cl.setOut(new PrintWriter(TerminalText.escaping(new OutputStreamWriter(System.out, System.out.charset())), true));
        cl.setErr(new PrintWriter(TerminalText.escaping(new OutputStreamWriter(System.err, System.err.charset())), true));
        int exit = cl.execute(args);
        cl.getOut().flush();
        cl.getErr().flush();
        System.exit(exit);
    }

    /** The configured command line, also used by black-box tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Loupe());
        ErrorHandler errors = new ErrorHandler();
        cl.setExecutionExceptionHandler(errors);
        cl.setParameterExceptionHandler(errors);
        cl.setExitCodeExceptionMapper(ErrorHandler::exitCode);
        cl.setExecutionStrategy(errors::runLast);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        giveVersion(cl);
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF)); // see TerminalText
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Every subcommand's standard --version prints what `loupe --version` does (picocli leaves it empty otherwise). */
    private static void giveVersion(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().versionProvider() == null && sub.getCommandSpec().version().length == 0) {
                sub.getCommandSpec().versionProvider(new Version());
            }
            giveVersion(sub);
        }
    }
}
