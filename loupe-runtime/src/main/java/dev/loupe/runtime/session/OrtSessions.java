package dev.loupe.runtime.session;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.loupe.core.LoupeException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Makes every ONNX Runtime session Loupe uses, so that threads, optimization, logging, the time limit and the
 * ordered shutdown are decided in one place. ONNX Runtime's own log goes to the process's raw stderr (coloured,
 * several lines per failure) and has no Java callback, so it is set to FATAL: the error of a failed call reaches
 * the user as that call's exception, turned into one line naming the model. {@code LOUPE_DEBUG=1} lets ORT's
 * warnings through for diagnosis.
 */
public final class OrtSessions {
    /**
     * The default limit on one model run (one batch through one session). Minutes of CPU for a single batch mean a
     * runaway graph (a Loop of 2^62 trips, an exploding shape), not a big model: MiniLM batches take milliseconds.
     */
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofMinutes(10);

    private static final OrtEnvironment ENV = createEnvironment();

    private OrtSessions() {
    }

    /** The process's one ORT environment, for creating tensors. */
    public static OrtEnvironment environment() {
        return ENV;
    }

    /** Sets the limit on each model run; zero means none. */
    public static void timeLimit(Duration limit) {
        if (limit.isNegative()) {
            throw new IllegalArgumentException("negative time limit " + limit);
        }
        RunGuard.timeLimit(limit);
    }

    public static Duration timeLimit() {
        return RunGuard.timeLimit();
    }

    /** Opens the ONNX file {@code file} (external data beside it is resolved by ORT). */
    public static ModelSession open(Path file, SessionSettings settings) {
        if (!Files.isRegularFile(file)) {
            throw new LoupeException(file, Files.exists(file) ? "is not a regular file" : "no such file");
        }
        return create(file, settings, (env, o) -> env.createSession(file.toString(), o));
    }

    /** Opens a model held in memory (a generated graph); {@code source} is the file errors name. */
    public static ModelSession open(byte[] model, Path source, SessionSettings settings) {
        return create(source, settings, (env, o) -> env.createSession(model, o));
    }

    /**
     * Fails with one line naming {@code file} unless ONNX Runtime accepts it as a model: a writer's last check
     * before renaming a generated ONNX file into place, so that no invalid graph is published.
     */
    public static void validate(Path file, Path named) {
        try (ModelSession ignored = createOrFail(named, SessionSettings.singleThreaded(), (env, o) -> env.createSession(file.toString(), o))) {
            // opening is the check: ORT parses the graph, resolves every name and infers every shape
        } catch (OrtException e) {
            throw new LoupeException(named, "the model written would not load in ONNX Runtime, so it was not written: "
                    + String.valueOf(e.getMessage()).replace(file.toString(), named.toString()), e);
        }
    }

    /** "10 min", "2.5 s": a time limit as the user gave it. */
    static String describe(Duration d) {
        long ms = d.toMillis();
        return ms % 60_000 == 0 ? ms / 60_000 + " min" : ms % 1000 == 0 ? ms / 1000 + " s" : ms / 1000.0 + " s";
    }

    @FunctionalInterface
    private interface Creator {
        OrtSession create(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;
    }

    private static ModelSession create(Path source, SessionSettings s, Creator creator) {
        try {
            return createOrFail(source, s, creator);
        } catch (OrtException e) {
            throw new LoupeException(source, "ONNX Runtime: " + e.getMessage(), e);
        }
    }

    private static ModelSession createOrFail(Path source, SessionSettings s, Creator creator) throws OrtException {
        RunGuard.Call call;
        try {
            call = RunGuard.begin();
        } catch (RunGuard.ShuttingDown e) {
            throw new LoupeException(source, "not opened: Loupe is shutting down");
        }
        try (call; OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            if (s.intraOpThreads() > 0) {
                o.setIntraOpNumThreads(s.intraOpThreads());
            }
            if (s.interOpThreads() > 0) {
                o.setInterOpNumThreads(s.interOpThreads());
            }
            if (s.optimizeAll()) {
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            }
            if (s.profile() != null) {
                o.enableProfiling(s.profile().toString());
            }
            if (s.optimizedModel() != null) {
                o.setOptimizedModelFilePath(s.optimizedModel().toString());
            }
            o.setSessionLogLevel(logLevel());
            return new ModelSession(creator.create(ENV, o), source);
        }
    }

    private static OrtLoggingLevel logLevel() {
        return "1".equals(System.getenv("LOUPE_DEBUG")) ? OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING : OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
    }

    private static OrtEnvironment createEnvironment() {
        try {
            return OrtEnvironment.getEnvironment(logLevel(), "loupe");
        } catch (RuntimeException e) {
            throw new IllegalStateException("ONNX Runtime failed to start: " + e.getMessage(), e);
        }
    }
}
