package dev.loupe.diff.delta;

/**
 * The eigenvalues behind one row, for plots: the ESD of W, of W' and of ΔW (ascending; ΔW's may hold zeros).
 *
 * @param name  layer name
 * @param base  eigenvalues of WᵀW (empty for an adapter without its base)
 * @param other eigenvalues of W'ᵀW' (for an adapter: of the merged weight; empty without the base)
 * @param delta eigenvalues of ΔWᵀΔW
 */
public record LayerEsds(String name, double[] base, double[] other, double[] delta) {
}
