package dev.loupe.report.inspect;

import dev.loupe.core.bundled.BundledModels;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.analysis.InspectOptions;
import dev.loupe.spectral.analysis.Inspector;
import dev.loupe.spectral.result.InspectResult;

import java.nio.file.Path;

/**
 * Writes the report of a real inspect run on the bundled all-MiniLM-L6-v2 ONNX, for the visual check
 * (needs the MiniLM artifact on the class path): {@code java ... WriteMiniLmReport out.html}.
 */
public final class WriteMiniLmReport {
    private WriteMiniLmReport() {
    }

    public static void main(String[] args) throws Exception {
        try (Checkpoint cp = Checkpoints.open(BundledModels.miniLm())) {
            InspectResult r = new Inspector(Backends.best(), InspectOptions.defaults())
                    .inspect(cp, Progress.NONE, "dev", false);
            InspectReport.write(r, Path.of(args[0]));
        }
    }
}
