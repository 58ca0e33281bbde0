package dev.loupe.compress.result;

/**
 * What compression did to one layer.
 *
 * @param name          weight name
 * @param node          the ONNX node reading it, or ""
 * @param params        parameters
 * @param metric        the allocation's driving metric (alpha, or the layer's error at its bits), NaN if none
 * @param target        allocated sparsity, or bits
 * @param sparsity      achieved fraction of zeros
 * @param bits          stored bits per weight (the source width for pruned layers)
 * @param relativeError ‖W − Ŵ‖_F / ‖W‖_F
 */
public record LayerResult(String name, String node, long params, double metric, double target, double sparsity, double bits,
                          double relativeError) {
}
