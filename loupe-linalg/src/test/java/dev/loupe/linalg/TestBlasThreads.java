package dev.loupe.linalg;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TestBlasThreads {
    @Test
    void smallMatricesRunOnOneThread() {
        assertEquals(1, BlasThreads.forOrder(512, 2, 0.0, 2));
        assertEquals(1, BlasThreads.forOrder(BlasThreads.MIN_ORDER_FOR_THREADS - 1, 16, 0.0, 16));
    }

    @Test
    void largeMatricesUseTheCoresTheLoadLeaves() {
        assertEquals(2, BlasThreads.forOrder(4096, 2, 1.0, 2)); // only this call running on an idle 2-core box
        assertEquals(1, BlasThreads.forOrder(4096, 2, 27.0, 2)); // the shared machine: 2 threads were 10x slower
        assertEquals(5, BlasThreads.forOrder(4096, 8, 11.5, 16)); // floor(16 - 11.5) + 1
        assertEquals(8, BlasThreads.forOrder(4096, 8, -1, 16)); // load unknown: the caller's cap
    }

    @Test
    void capMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> BlasThreads.forOrder(4096, 0, 0.0, 2));
    }
}
