package dev.loupe.core.bundled;

import dev.loupe.core.LoupeException;
import dev.loupe.core.io.AtomicOutput;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real models that reach Loupe through Maven: all-MiniLM-L6-v2 (fp32, and its int8 twin) from the
 * langchain4j embedding artifacts, which carry the ONNX file and tokenizer as classpath resources.
 * They are copied once into a cache directory so the readers can memory-map them.
 */
public final class BundledModels {
    public static final String MINILM = "all-minilm-l6-v2";
    public static final String MINILM_Q = "all-minilm-l6-v2-q";

    private BundledModels() {
    }

    /** The fp32 all-MiniLM-L6-v2 ONNX file. */
    public static Path miniLm() {
        return extract(MINILM + ".onnx");
    }

    /** The int8-quantized all-MiniLM-L6-v2 ONNX file. */
    public static Path miniLmQuantized() {
        return extract(MINILM_Q + ".onnx");
    }

    /** The Hugging Face tokenizer.json that ships with all-MiniLM-L6-v2. */
    public static Path miniLmTokenizer() {
        return extract(MINILM + "-tokenizer.json");
    }

    /** Whether the artifact holding {@code resource} is on the classpath. */
    public static boolean available(String resource) {
        return BundledModels.class.getClassLoader().getResource(resource) != null;
    }

    /** Copies a classpath resource to the cache (once; size-checked) and returns its path. */
    public static Path extract(String resource) {
        var url = BundledModels.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new LoupeException("bundled model '" + resource + "' is not on the classpath (its Maven artifact is missing)");
        }
        Path target = cacheDir().resolve(resource);
        try {
            long size = url.openConnection().getContentLengthLong();
            if (Files.isRegularFile(target) && Files.size(target) == size) {
                return target;
            }
            AtomicOutput.write(target, out -> {
                try (InputStream in = url.openStream()) {
                    in.transferTo(out);
                }
            });
            return target;
        } catch (IOException e) {
            throw new LoupeException(target, "cannot extract bundled model: " + e.getMessage(), e);
        }
    }

    /** {@code $LOUPE_CACHE}, else {@code $XDG_CACHE_HOME/loupe}, else {@code ~/.cache/loupe}. */
    public static Path cacheDir() {
        String own = System.getenv("LOUPE_CACHE");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("loupe");
    }
}
