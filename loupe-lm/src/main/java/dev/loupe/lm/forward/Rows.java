package dev.loupe.lm.forward;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/** Runs a per-row loop on the common pool when there is enough work to pay for it. */
final class Rows {
    private static final long PARALLEL_WORK = 1 << 17;

    private Rows() {
    }

    static void each(int rows, long workPerRow, IntConsumer body) {
        IntStream r = IntStream.range(0, rows);
        (rows > 1 && rows * workPerRow >= PARALLEL_WORK ? r.parallel() : r).forEach(body);
    }
}
