package dev.loupe.compress;

/**
 * Where GPTQ's and SparseGPT's per-layer XᵀX come from. The papers (GPTQ arXiv 2210.17323 Sec. 4, SparseGPT arXiv
 * 2301.00774 Sec. 4) compress in forward order and take each layer's inputs from the layers before it as already
 * compressed, so later layers compensate earlier errors.
 */
public enum CalibrationOrder {
    /**
     * Through the layers (ONNX: {@code engine.OnnxSequential}) or transformer blocks (LMs: {@code engine.SequentialCalibration},
     * GGUF: {@code gguf.GgufCompressor}) already compressed: the papers' way, the default.
     */
    SEQUENTIAL,
    /** Every layer's XᵀX from one pass through the uncompressed model ({@code --one-shot}). */
    ONE_SHOT
}
