package dev.loupe.compress.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.LoupeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Wanda's per-input-channel activation norms from a JSON file: {@code {"layer weight name": [‖X_1‖, ...]}}.
 * A stop-gap until they are collected with ONNX Runtime on a calibration set.
 */
public final class WandaNorms {
    private static final long MAX_FILE = 256L << 20;

    private WandaNorms() {
    }

    public static Map<String, double[]> load(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new LoupeException(file, "no such norms file");
            }
            if (Files.size(file) > MAX_FILE) {
                throw new LoupeException(file, "norms file is larger than 256 MB");
            }
            Map<String, double[]> m = new ObjectMapper().readValue(Files.readAllBytes(file), new TypeReference<>() { });
            if (m == null) {
                throw new LoupeException(file, "expected a JSON object of layer name -> array of norms");
            }
            return m;
        } catch (JsonProcessingException e) {
            throw new LoupeException(file, "not a norms file: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new LoupeException(file, "cannot read: " + e.getMessage(), e);
        }
    }
}
