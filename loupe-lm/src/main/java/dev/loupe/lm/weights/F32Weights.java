package dev.loupe.lm.weights;

import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * F32 views of the weights for sgemm, under the memory target "resident ≤ model size + 1 GB":
 * <ul>
 * <li>a contiguous F32 tensor is used where it lies, in the memory-mapped file (no copy, no heap);</li>
 * <li>other dtypes (F16, BF16, ggml blocks) are decoded to F32. If all of them decoded fit in
 * {@code cacheBytes} (1 GiB by default) the copies are kept for the model's lifetime; otherwise each matrix is
 * decoded when a layer needs it into one reusable buffer the size of the largest matrix, which costs a decode per
 * window (about a tenth of the matmul time at a 512-token window) but never more than one F32 matrix of memory.</li>
 * </ul>
 * Norm weights and biases (vectors) are always decoded once. Not thread-safe: one forward pass at a time.
 */
public final class F32Weights {
    /** Default budget for decoded copies: the "+ 1 GB" of the memory target. */
    public static final long DEFAULT_CACHE_BYTES = 1L << 30;

    private final Map<Tensor, float[]> cache = new IdentityHashMap<>();
    private final Map<Tensor, float[]> vectors = new IdentityHashMap<>();
    /** Copies of one block's matrices held while a caller works on that block ({@link #bind}), replacements included. */
    private final Map<Tensor, float[]> bound = new IdentityHashMap<>();
    private final boolean keep;
    private float[] scratch;
    /** The largest decoded matrix: the scratch buffer's size, allocated at first use (a block-at-a-time caller never needs it). */
    private final long scratchSize;

    public F32Weights(LmWeights w, long cacheBytes) {
        List<Tensor> decoded = matrices(w).stream().filter(t -> !isMappedF32(t)).toList();
        long bytes = decoded.stream().mapToLong(t -> 4 * t.numel()).sum();
        keep = bytes <= cacheBytes;
        scratchSize = keep ? 0 : decoded.stream().mapToLong(Tensor::numel).max().orElse(0);
    }

    /** Whether decoded copies are kept (small or F32 models) rather than decoded per use. */
    public boolean keepsCopies() {
        return keep;
    }

    /**
     * The weight of {@code l} as F32 in its stored orientation. The segment is valid until the next call (it may be
     * the shared decode buffer).
     */
    public MemorySegment matrix(Linear l) {
        Tensor t = l.weight();
        float[] b = bound.get(t);
        if (b != null) {
            return MemorySegment.ofArray(b);
        }
        if (isMappedF32(t)) {
            return t.storedBytes();
        }
        if (keep) {
            return MemorySegment.ofArray(cache.computeIfAbsent(t, F32Weights::decode));
        }
        if (scratch == null) {
            scratch = new float[Math.toIntExact(scratchSize)];
        }
        decodeInto(t, scratch);
        return MemorySegment.ofArray(scratch).asSlice(0, 4 * t.numel());
    }

    /**
     * Decodes {@code block}'s matrices to F32 copies held until {@link #release}: one block of floats (~0.8 GB at
     * LLaMA-7B's shape), read by every window without a decode per use. Mapped F32 weights are read where they lie.
     */
    public void bind(Block block) {
        for (Linear l : block.linears()) {
            if (!isMappedF32(l.weight())) {
                bound.computeIfAbsent(l.weight(), F32Weights::decode);
            }
        }
    }

    /** {@code l}'s weight read as {@code stored} (its stored orientation and size) until its block is released. */
    public void replace(Linear l, float[] stored) {
        if (stored.length != l.weight().numel()) {
            throw new IllegalArgumentException("'" + l.name() + "' has " + l.weight().numel() + " weights, not " + stored.length);
        }
        bound.put(l.weight(), stored);
    }

    /** Drops the copies and replacements of {@code block}'s matrices. */
    public void release(Block block) {
        block.linears().forEach(l -> bound.remove(l.weight()));
    }

    /** A vector (norm weight, bias), decoded once; null for null. */
    public float[] vector(Tensor t) {
        return t == null ? null : vectors.computeIfAbsent(t, Tensor::toFloats);
    }

    /** Row {@code row} of a 2-D table (embedding, positions) into {@code dst[off..off+cols)}. */
    public static void row(Tensor t, int row, float[] dst, int off) {
        int cols = (int) t.dim(1);
        t.readFloats((long) row * cols, dst, off, cols);
    }

    static boolean isMappedF32(Tensor t) {
        return t.dtype() == DType.F32 && t.isContiguous() && t.storedBytes().isNative();
    }

    private static List<Tensor> matrices(LmWeights w) {
        List<Tensor> out = new java.util.ArrayList<>(w.linears().stream().map(Linear::weight).toList());
        out.add(w.head().weight());
        return out.stream().distinct().toList();
    }

    private static float[] decode(Tensor t) {
        float[] a = new float[Math.toIntExact(t.numel())];
        decodeInto(t, a);
        return a;
    }

    /** Decodes whole rows in parallel (ggml block rows are whole blocks: ne[0] is a multiple of the block size). */
    private static void decodeInto(Tensor t, float[] dst) {
        int cols = (int) t.dim(t.rank() - 1);
        int rows = (int) (t.numel() / cols);
        int rowsPerTask = Math.max(1, (1 << 18) / cols);
        int tasks = (rows + rowsPerTask - 1) / rowsPerTask;
        IntStream.range(0, tasks).parallel().forEach(k -> {
            int r0 = k * rowsPerTask;
            int n = Math.min(rowsPerTask, rows - r0);
            t.readFloats((long) r0 * cols, dst, r0 * cols, n * cols);
        });
    }
}
