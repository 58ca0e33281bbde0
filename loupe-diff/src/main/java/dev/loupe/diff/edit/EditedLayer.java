package dev.loupe.diff.edit;

/**
 * One edited layer.
 *
 * @param name        layer name
 * @param components  eigenvalues of its pooled ESD (M·rf)
 * @param directions  singular directions kept (smooth) or removed (sharpen), summed over slices
 * @param alphaBefore power-law alpha before (NaN when not fitted)
 * @param alphaAfter  power-law alpha after
 * @param normBefore  ‖W‖_F before
 * @param normAfter   ‖W‖_F after
 */
public record EditedLayer(String name, int components, int directions, double alphaBefore, double alphaAfter,
                          double normBefore, double normAfter) {
}
