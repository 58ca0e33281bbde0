package dev.loupe.core.progress;

/**
 * How long work reports how far it got. The library calls it; the CLI shows a bar; tests pass
 * {@link #NONE}. Implementations must be thread-safe: layers are analyzed in parallel.
 */
public interface Progress {
    /** Starts a task of {@code total} units (bytes, layers, grid points). */
    void start(String task, long total);

    /** Adds {@code units} done; each call is one item finished (a layer, a file), which a bar may count. */
    void advance(long units);

    /**
     * Adds {@code units} done within an item that is still running (a phase of one long layer), so that a bar moves
     * during it; the item's own {@link #advance} then adds only the rest. Counts no item.
     */
    default void advanceWithin(long units) {
        advance(units);
    }

    /** The task is finished (or abandoned). */
    void done();

    Progress NONE = new Progress() {
        @Override
        public void start(String task, long total) {
        }

        @Override
        public void advance(long units) {
        }

        @Override
        public void done() {
        }
    };
}
