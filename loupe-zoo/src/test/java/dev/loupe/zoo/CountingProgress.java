package dev.loupe.zoo;

import dev.loupe.core.progress.Progress;

import java.util.concurrent.atomic.AtomicLong;

/** Records what a run reported: the announced total, units advanced, whether it was closed. */
final class CountingProgress implements Progress {
    final AtomicLong total = new AtomicLong(-1);
    final AtomicLong advanced = new AtomicLong();
    volatile boolean done;

    @Override
    public void start(String task, long total) {
        this.total.set(total);
    }

    @Override
    public void advance(long units) {
        advanced.addAndGet(units);
    }

    @Override
    public void done() {
        done = true;
    }
}
