package dev.loupe.spectral.analysis;

import dev.loupe.core.tensor.Tensor;
import dev.loupe.spectral.layers.WeightMatrix;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Pages in the stored bytes of the layer a worker will take next, on one background thread, while the
 * workers compute: a memory-mapped shard is otherwise read by page faults inside the worker's decode, the
 * disk then idle while the CPUs compute and the CPUs idle while it reads. Only mapped bytes are touched
 * ({@link MemorySegment#load}: the OS page cache, not the heap), one layer per worker ahead, so the heap
 * budget is unchanged; a failure only means the worker reads the bytes itself.
 */
final class ReadAhead implements AutoCloseable {
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "loupe-readahead");
        t.setDaemon(true);
        return t;
    });

    /** Starts paging in {@code m}'s stored bytes (no-op for bytes not mapped from a file, or a strided view). */
    void prefetch(WeightMatrix m) {
        Tensor t = m.tensor();
        if (!t.isContiguous()) {
            return;
        }
        MemorySegment s = t.storedBytes();
        if (!s.isMapped()) {
            return;
        }
        io.submit(() -> {
            try {
                s.load();
            } catch (RuntimeException | Error e) { // a closed arena or an I/O error: the worker's own read reports it
            }
        });
    }

    /** Drops what is queued and waits for a page-in under way, so the checkpoint can be closed after this. */
    @Override
    public void close() {
        io.shutdownNow();
        try {
            io.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
