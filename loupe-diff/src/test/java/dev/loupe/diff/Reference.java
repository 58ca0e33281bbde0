package dev.loupe.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** fixtures/diff/reference.json: numbers computed by torch in float64 (fixtures/make_diff_fixtures.py). */
public final class Reference {
    public static final Path FIXTURES = Path.of("../fixtures").toAbsolutePath().normalize();

    private Reference() {
    }

    public static JsonNode json() {
        try {
            return new ObjectMapper().readTree(FIXTURES.resolve("diff/reference.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path model(String name) {
        return FIXTURES.resolve("models").resolve(name);
    }

    public static void assertRel(double expected, double actual, double tol, String what) {
        double rel = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
        if (!(rel <= tol)) {
            throw new AssertionError(what + ": expected " + expected + " got " + actual + " (relative error " + rel + ")");
        }
    }
}
