package dev.loupe.core.format.onnx;

/**
 * The cap on how many nodes, attributes, tensors and dimensions one parse may read, so a hostile file of millions of
 * tiny messages fails with one line instead of exhausting memory (the byte-size caps alone do not bound the count).
 */
final class ItemBudget {
    private final long max;
    private long items;

    ItemBudget(long max) {
        this.max = max;
    }

    void count(ProtoReader p) {
        if (++items > max) {
            throw p.fail("more than " + max + " nodes, attributes and tensors");
        }
    }
}
