package dev.loupe.core.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's fixtures/ directory from a module's working directory. */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("fixtures/manifest.json"))) {
                return p.resolve("fixtures");
            }
        }
        throw new IllegalStateException("fixtures/manifest.json not found above " + Path.of("").toAbsolutePath());
    }
}
