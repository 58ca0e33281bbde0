package dev.loupe.runtime.session;

/**
 * How a session runs: ONNX Runtime's intra-op and inter-op thread counts, whether the graph is optimized
 * at level ALL (operator fusion; the level every landscape session used) or at ORT's default (EXTENDED), and
 * where ORT's profiler writes its trace (null: no profiling), and where ORT saves the graph as it optimized it (null:
 * nowhere). Execution is on the CPU: the onnxruntime artifact on the classpath ships only the CPU provider.
 */
public record SessionSettings(int intraOpThreads, int interOpThreads, boolean optimizeAll, java.nio.file.Path profile,
                              java.nio.file.Path optimizedModel) {
    public SessionSettings {
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("thread counts must be >= 0 (0 = ONNX Runtime's default)");
        }
    }

    public SessionSettings(int intraOpThreads, int interOpThreads, boolean optimizeAll) {
        this(intraOpThreads, interOpThreads, optimizeAll, null, null);
    }

    /** The same with ORT writing the optimized graph to {@code file} when the session is made (null: not). */
    public SessionSettings withOptimizedModel(java.nio.file.Path file) {
        return new SessionSettings(intraOpThreads, interOpThreads, optimizeAll, profile, file);
    }

    /** The same with ORT's profiler writing to files starting with {@code prefix} (null: none). */
    public SessionSettings withProfiling(java.nio.file.Path prefix) {
        return new SessionSettings(intraOpThreads, interOpThreads, optimizeAll, prefix, optimizedModel);
    }

    /** ORT's own defaults: a thread per core, default optimization; for one-off probes of a model. */
    public static SessionSettings defaults() {
        return new SessionSettings(0, 0, false);
    }

    /** One thread per session, for callers that run batches in parallel on their own threads. */
    public static SessionSettings singleThreaded() {
        return new SessionSettings(1, 1, false);
    }

    /** The same with every graph optimization on. */
    public SessionSettings optimized() {
        return new SessionSettings(intraOpThreads, interOpThreads, true, profile, optimizedModel);
    }

    /** {@code threads} intra-op threads (at least 1), the rest unchanged. */
    public SessionSettings withIntraOpThreads(int threads) {
        return new SessionSettings(Math.max(1, threads), interOpThreads, optimizeAll, profile, optimizedModel);
    }
}
