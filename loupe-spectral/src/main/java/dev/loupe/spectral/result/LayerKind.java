package dev.loupe.spectral.result;

/** What a weight matrix is in its model; decides how it becomes one or more matrices. */
public enum LayerKind {
    /** A 2-D weight (Linear, MatMul/Gemm initializer). */
    DENSE,
    /** A (Cout, Cin, kh, kw) kernel: kh·kw slices of Cout×Cin, ESDs pooled (WeightWatcher's way). */
    CONV2D,
    /** A (Cout, Cin, k) kernel analyzed as WeightWatcher does: the raw tensor as one matrix. */
    CONV1D,
    /** A conv kernel flattened to Cout × (Cin·kh·kw) (option {@code --conv flatten}). */
    CONV_FLAT,
    /** A token/position embedding table (vocab × hidden). */
    EMBEDDING,
    /** The output projection to the vocabulary. */
    LM_HEAD
}
