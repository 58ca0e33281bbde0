package dev.loupe.spectral.analysis;

import java.util.concurrent.BlockingDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * Parts of a layer's work that do not need its ESD (the weight statistics), offered to workers that have
 * no layer left to start, so the last layers' cores are not idle while one layer's eigensolver still
 * runs: three LLaMA-shaped layers on two workers end with one core idle for the whole of the third
 * layer. The layer's own thread runs its part at the end when nobody took it (no extra thread, no
 * oversubscription while every worker has a layer).
 */
final class SideWork {
    private final BlockingDeque<FutureTask<?>> offered = new LinkedBlockingDeque<>();

    /** Offers {@code c} to idle workers; pass the result to {@link #await}. */
    <T> FutureTask<T> offer(Callable<T> c) {
        FutureTask<T> f = new FutureTask<>(c);
        offered.addLast(f);
        return f;
    }

    /** The part's result: computed here when no idle worker took it, else awaited from the one that did. */
    <T> T await(FutureTask<T> f) {
        if (offered.remove(f)) {
            f.run();
        }
        return result(f);
    }

    /** The future's value; what it threw is rethrown as it was (unchecked) or wrapped (checked). */
    static <T> T result(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Runs offered parts until {@code done} opens: what a worker does once no layer is left to start. */
    void help(CountDownLatch done) throws InterruptedException {
        while (done.getCount() > 0) {
            FutureTask<?> f = offered.pollFirst(20, TimeUnit.MILLISECONDS);
            if (f != null) {
                f.run();
            }
        }
    }
}
