package dev.loupe.runtime.session;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Watches every native ONNX Runtime call Loupe makes. A model run gets {@link #timeLimit()}: a watchdog thread
 * sets the run's {@code RunOptions} terminate flag when it is exceeded (ORT checks the flag between nodes and
 * inside Loop/Scan bodies, so a Loop with 2^62 trips stops too). On SIGTERM/SIGINT a shutdown hook refuses new
 * calls, terminates the runs in flight, waits (bounded) for every native call to return and then closes the open
 * sessions: exiting the JVM while a thread is inside {@code Session::Run} segfaults in ORT's static destructors
 * and leaves an {@code hs_err_pid*.log} behind.
 */
final class RunGuard {
    /** How long the shutdown hook waits for native calls to return before letting the JVM go. */
    private static final long SHUTDOWN_WAIT_MS = 5_000;

    private static volatile Duration timeLimit = OrtSessions.DEFAULT_TIME_LIMIT;
    private static volatile boolean closing;
    private static final Set<Call> calls = ConcurrentHashMap.newKeySet();
    private static final Set<ModelSession> sessions = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService watchdog = watchdog();

    static {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("loupe-ort-shutdown").unstarted(RunGuard::shutdown));
    }

    private RunGuard() {
    }

    static Duration timeLimit() {
        return timeLimit;
    }

    static void timeLimit(Duration limit) {
        timeLimit = limit;
    }

    static boolean closing() {
        return closing;
    }

    /** One native call in flight; a model run also carries its RunOptions and its watchdog task. */
    static final class Call implements AutoCloseable {
        final OrtSession.RunOptions options;
        private ScheduledFuture<?> timer;
        private boolean done;
        private volatile boolean timedOut;

        private Call(OrtSession.RunOptions options) {
            this.options = options;
        }

        boolean timedOut() {
            return timedOut;
        }

        /** Sets the terminate flag unless the run already returned (its RunOptions may then be freed). */
        synchronized void terminate(boolean byTimer) {
            if (!done && options != null) {
                timedOut |= byTimer;
                try {
                    options.setTerminate(true);
                } catch (OrtException ignored) {
                    // the run ends by itself or at the JVM's exit; nothing better to do from a timer or a hook
                }
            }
        }

        @Override
        public synchronized void close() {
            done = true;
            if (timer != null) {
                timer.cancel(false);
            }
            calls.remove(this);
            if (options != null) {
                options.close();
            }
        }
    }

    /** Registers a native call that is not a run (session creation, closing): waited for at shutdown. */
    static Call begin() {
        return register(new Call(null));
    }

    /** Registers a model run with fresh RunOptions and arms the time limit. */
    static Call beginRun() throws OrtException {
        Call c = register(new Call(new OrtSession.RunOptions()));
        Duration limit = timeLimit;
        if (limit != null && !limit.isZero()) {
            synchronized (c) {
                c.timer = watchdog.schedule(() -> c.terminate(true), limit.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
        return c;
    }

    private static Call register(Call c) {
        calls.add(c);
        if (closing) { // checked after adding, so that shutdown() either sees this call or this call sees closing
            c.close();
            throw new ShuttingDown();
        }
        return c;
    }

    static void opened(ModelSession s) {
        sessions.add(s);
    }

    static void closed(ModelSession s) {
        sessions.remove(s);
    }

    /** Thrown to a caller that starts native work after shutdown began. */
    static final class ShuttingDown extends RuntimeException {
        ShuttingDown() {
            super("Loupe is shutting down", null, false, false);
        }
    }

    private static void shutdown() {
        closing = true;
        calls.forEach(c -> c.terminate(false));
        long end = System.currentTimeMillis() + SHUTDOWN_WAIT_MS;
        while (!calls.isEmpty() && System.currentTimeMillis() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
        if (calls.isEmpty()) {
            sessions.forEach(ModelSession::closeQuietly);
        }
    }

    private static ScheduledExecutorService watchdog() {
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1,
                r -> Thread.ofPlatform().name("loupe-ort-watchdog").daemon().unstarted(r));
        ex.setRemoveOnCancelPolicy(true);
        return ex;
    }
}
