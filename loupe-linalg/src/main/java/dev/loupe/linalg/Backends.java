package dev.loupe.linalg;

/** Picks the fastest backend that loads on this machine. */
public final class Backends {
    private Backends() {
    }

    /** The best available backend (native OpenBLAS once it lands; EJML otherwise). */
    public static DenseBackend best() {
        return Holder.BEST;
    }

    /** The pure-Java backend, always available. */
    public static DenseBackend pureJava() {
        return new EjmlBackend();
    }

    private static final class Holder {
        static final DenseBackend BEST = new EjmlBackend();
    }
}
