package dev.loupe.landscape.engine;

/** How the weights reach ONNX Runtime ({@link LossSession}, {@link OptimizedFeed}). */
public enum WeightFeed {
    /** ORT's optimized graph with its (reordered, blocked) weight tensors as inputs, filled from θ per point. */
    OPTIMIZED_LAYOUT,
    /** The model as written, its weights as graph inputs (no constant-weight kernels such as NCHWc Conv). */
    GRAPH_INPUTS
}
