package dev.loupe.cli;

import dev.loupe.core.io.AtomicOutput;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --json} and {@code --out DIR}, shared by the landscape and hessian commands. */
final class OutputOptions {
    @Option(names = "--json", description = "Print the full result as JSON instead of a summary.")
    boolean json;

    @Option(names = "--out", paramLabel = "DIR", description = "Write JSON, CSV and SVG plots into DIR.")
    Path out;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Also write the self-contained HTML report to FILE.html.")
    Path report;

    /** Writes {@code name} into --out (atomically), when given. */
    void write(String name, String text) {
        if (out == null) {
            return;
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicOutput.writeString(out.resolve(name), text);
    }
}
