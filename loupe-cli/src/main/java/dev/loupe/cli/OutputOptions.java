package dev.loupe.cli;

import dev.loupe.core.io.AtomicOutput;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Consumer;

/** {@code --json}, {@code --out-dir DIR}, {@code --report FILE.html} and {@code --quiet}, shared by the landscape and hessian commands. */
public final class OutputOptions {
    @Option(names = "--json", description = "Print the full result as JSON instead of a summary.")
    boolean json;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "Write JSON, CSV and SVG plots into DIR.")
    Path out;

    @Option(names = "--out", hidden = true, paramLabel = "DIR", description = "The old spelling of --out-dir.")
    void oldOut(Path dir) {
        out = dir;
    }

    @picocli.CommandLine.Mixin
    QuietOption quiet;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Also write the self-contained HTML report to FILE.html.")
    Path report;

    /** Checks --out-dir and --report before any work (see {@link OutputPaths}); the report must not replace an input. */
    public void check(Path... inputs) {
        OutputPaths.dir(out);
        OutputPaths.file(report, inputs);
    }

    /**
     * Everything a landscape or hessian command emits, always in this order: the result as JSON and its
     * table as CSV into --out-dir, the plot files into --out-dir, the HTML report, then JSON or the text summary
     * on stdout.
     */
    public void emit(String stem, Object result, String csv, Consumer<Path> plots, Consumer<Path> report,
              PrintWriter stdout, Consumer<PrintWriter> summary) {
        AtomicOutput.all(() -> { // one set: a failure in any file leaves none of them
            write(stem + ".json", Output.toJson(result));
            write(stem + ".csv", csv);
            if (out != null) {
                plots.accept(out);
            }
            if (this.report != null) {
                report.accept(this.report);
            }
        });
        if (json) {
            Output.json(result, stdout);
        } else {
            summary.accept(stdout);
        }
        stdout.flush();
    }

    /** Writes {@code name} into --out-dir (atomically), when given. */
    public void write(String name, String text) {
        if (out == null) {
            return;
        }
        AtomicOutput.writeString(out.resolve(name), text); // creates DIR; a failure is a one-line LoupeException
    }

    /** The progress bar, under the one --quiet rule (none with --json). */
    public dev.loupe.core.progress.Progress progress() {
        return quiet.progress(json);
    }

    /** --json: machine-readable output on stdout. */
    public boolean json() {
        return json;
    }

    /** --out-dir DIR, or null. */
    public Path out() {
        return out;
    }

    /** --report FILE.html, or null. */
    public Path report() {
        return report;
    }
}
