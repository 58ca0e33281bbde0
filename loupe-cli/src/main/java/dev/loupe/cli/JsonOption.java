package dev.loupe.cli;

import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** {@code --json}, mixed into every command whose result record can be printed as JSON instead of text. */
public final class JsonOption {
    @Option(names = "--json", description = "Print the result as JSON instead of text.")
    boolean enabled;

    /** Prints {@code result} as JSON when {@code --json} was given; says whether it did. */
    public boolean print(Object result, PrintWriter out) {
        if (enabled) {
            Output.json(result, out);
        }
        return enabled;
    }

    /** True when --json was given. */
    public boolean enabled() {
        return enabled;
    }
}
