package dev.loupe.core.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's fixtures/ directory from a module's working directory. */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path dir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("fixtures/make_reference_models.py"))) {
                return p.resolve("fixtures");
            }
        }
        throw new IllegalStateException("fixtures/make_reference_models.py not found above " + Path.of("").toAbsolutePath());
    }
}
