package dev.loupe.spectral.analysis;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-off of a layer's weight statistics: run by its owner when nobody took it, else by the idle worker. */
class TestSideWork {
    @Test
    void ownerRunsItsPartWhenNoWorkerIsIdle() {
        SideWork side = new SideWork();
        FutureTask<String> f = side.offer(() -> Thread.currentThread().getName());
        assertEquals(Thread.currentThread().getName(), side.await(f));
    }

    @Test
    void idleWorkerTakesTheOfferedPartAndStopsWhenTheLayersAreDone() throws Exception {
        SideWork side = new SideWork();
        CountDownLatch layersLeft = new CountDownLatch(1);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread helper = new Thread(() -> {
            try {
                side.help(layersLeft);
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "idle-worker");
        helper.start();
        FutureTask<String> f = side.offer(() -> Thread.currentThread().getName());
        // the helper polls every 20 ms: it takes the part long before the owner asks for it
        Thread.sleep(300);
        assertEquals("idle-worker", side.await(f));
        layersLeft.countDown();
        helper.join(TimeUnit.SECONDS.toMillis(5));
        assertTrue(!helper.isAlive() && failed.get() == null, "helper stopped cleanly: " + failed.get());
    }

    @Test
    void aFailingPartFailsItsLayer() {
        SideWork side = new SideWork();
        FutureTask<Object> f = side.offer(() -> {
            throw new IllegalArgumentException("bad weights");
        });
        assertEquals("bad weights", assertThrows(IllegalArgumentException.class, () -> side.await(f)).getMessage());
    }
}
