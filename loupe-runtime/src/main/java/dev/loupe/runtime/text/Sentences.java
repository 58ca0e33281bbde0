package dev.loupe.runtime.text;

import dev.loupe.core.LoupeException;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A sentence file as every encoder command takes it ({@code eval --text}, {@code compress --text}, {@code landscape}
 * and {@code hessian --text}): UTF-8, one sentence per line, blank lines skipped. (Decoder LMs read their text
 * whole instead: {@code dev.loupe.lm.perplexity.TextInput}.)
 */
public final class Sentences {
    private Sentences() {
    }

    /** The non-blank lines of {@code file}; at least one, else a LoupeException naming the file. */
    public static List<String> read(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(s -> !s.isBlank()).toList();
            if (lines.isEmpty()) {
                throw new LoupeException(file, "has no non-blank lines");
            }
            return lines;
        } catch (MalformedInputException e) {
            throw new LoupeException(file, "is not UTF-8 text", e);
        } catch (IOException e) {
            throw new LoupeException(file, Files.exists(file) ? "cannot read: " + e.getMessage() : "no such file", e);
        }
    }
}
