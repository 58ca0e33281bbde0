package dev.loupe.runtime.session;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.loupe.core.LoupeException;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An ONNX Runtime session opened by {@link OrtSessions}: the model's metadata, and runs that obey the time limit
 * and the ordered shutdown of {@link RunGuard}. Safe for concurrent {@code run} like the session it wraps. Failures
 * come back as a LoupeException naming {@link #source()}, the model file (or the file a generated graph came from).
 */
public final class ModelSession implements AutoCloseable {
    private final OrtSession session;
    private final Path source;
    private final AtomicBoolean closed = new AtomicBoolean();

    ModelSession(OrtSession session, Path source) {
        this.session = session;
        this.source = source;
        RunGuard.opened(this);
    }

    /** The file this session's model came from: what error messages name. */
    public Path source() {
        return source;
    }

    public Set<String> getInputNames() {
        return session.getInputNames();
    }

    public Set<String> getOutputNames() {
        return session.getOutputNames();
    }

    public long getNumInputs() {
        return session.getNumInputs();
    }

    public long getNumOutputs() {
        return session.getNumOutputs();
    }

    public Map<String, NodeInfo> getInputInfo() throws OrtException {
        return session.getInputInfo();
    }

    public Map<String, NodeInfo> getOutputInfo() throws OrtException {
        return session.getOutputInfo();
    }

    /** Runs the model on {@code inputs}, returning every output. The caller closes the result. */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs) throws OrtException {
        return run(inputs, session.getOutputNames());
    }

    /**
     * Runs the model on {@code inputs}, returning the {@code outputs} asked for. A run past the time limit, or one
     * cut short by shutdown, ends in a LoupeException saying so (the OrtException ORT throws for a terminated run
     * would only say "terminate flag").
     */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs, Set<String> outputs) throws OrtException {
        RunGuard.Call call;
        try {
            call = RunGuard.beginRun();
        } catch (RunGuard.ShuttingDown e) {
            throw new LoupeException(source, "model run refused: Loupe is shutting down");
        }
        try (call) {
            return session.run(inputs, outputs, call.options);
        } catch (OrtException e) {
            if (call.timedOut()) {
                throw new LoupeException(source, "a model run exceeded the time limit of " + OrtSessions.describe(RunGuard.timeLimit())
                        + " and was stopped (raise it with --timeout, 0 = no limit)", e);
            }
            if (RunGuard.closing()) {
                throw new LoupeException(source, "model run stopped: Loupe is shutting down", e);
            }
            throw e;
        }
    }

    /** Stops ONNX Runtime's profiler (see {@link SessionSettings#withProfiling}) and returns the trace file it wrote. */
    public String endProfiling() throws OrtException {
        return session.endProfiling();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            RunGuard.closed(this);
            try {
                session.close();
            } catch (OrtException e) {
                throw new LoupeException(source, "ONNX Runtime: " + e.getMessage(), e);
            }
        }
    }

    void closeQuietly() {
        try {
            close();
        } catch (RuntimeException ignored) {
            // shutdown: the process is exiting either way
        }
    }
}
