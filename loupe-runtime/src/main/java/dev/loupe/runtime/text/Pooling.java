package dev.loupe.runtime.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.LoupeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How token states become one sentence vector. Encoders differ: all-MiniLM-L6-v2 and e5 average the
 * tokens (MEAN), bge takes the [CLS] token's state (CLS). The ONNX file does not say which; a
 * sentence-transformers directory does, in {@code 1_Pooling/config.json}; {@link EncoderConfig} decides.
 */
public enum Pooling {
    MEAN, CLS;

    /**
     * The pooling a sentence-transformers model directory declares next to {@code model} (in its directory or
     * the parent, since ONNX exports often sit in {@code onnx/}), if there is such a file.
     */
    public static Optional<Pooling> declaredNear(Path model) {
        Path dir = model.toAbsolutePath().getParent();
        for (Path d : new Path[] {dir, dir == null ? null : dir.getParent()}) {
            Path cfg = d == null ? null : d.resolve("1_Pooling").resolve("config.json");
            if (cfg != null && Files.isRegularFile(cfg)) {
                return Optional.of(read(cfg));
            }
        }
        return Optional.empty();
    }

    static Pooling read(Path config) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(config.toFile());
        } catch (IOException e) {
            throw new LoupeException(config, "is not a sentence-transformers pooling config: " + e.getMessage(), e);
        }
        boolean cls = n.path("pooling_mode_cls_token").asBoolean(false);
        boolean mean = n.path("pooling_mode_mean_tokens").asBoolean(false);
        if (cls == mean) {
            throw new LoupeException(config, "declares " + (cls ? "both CLS and mean" : "neither CLS nor mean")
                    + " pooling; pass --pooling mean|cls");
        }
        return cls ? CLS : MEAN;
    }
}
