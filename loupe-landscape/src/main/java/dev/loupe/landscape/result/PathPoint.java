package dev.loupe.landscape.result;

/**
 * A checkpoint drawn on a plane: its label, its coordinates in the plane's directions (for a PCA plane, the
 * projection of its offset from the centre, which need not lie on the plane; for a plane through checkpoints,
 * exactly (0,0), (1,0), (0,1)) and the loss and accuracy at those coordinates (NaN until evaluated).
 */
public record PathPoint(String label, double x, double y, double loss, double accuracy) {
    public PathPoint(String label, double x, double y) {
        this(label, x, y, Double.NaN, Double.NaN);
    }
}
