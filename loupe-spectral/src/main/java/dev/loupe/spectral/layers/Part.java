package dev.loupe.spectral.layers;

/**
 * One block of a fused tensor analyzed on its own: indices {@code [start, start+size)} along {@code axis}.
 * For a stacked rank-3 tensor (experts × rows × cols) split along axis 0 each part has size 1 and is the
 * rows × cols matrix of one expert.
 *
 * @param label name suffix of the part ("q", "k", "v" or "part0", ...)
 * @param index position among the parts
 * @param count number of parts
 * @param axis  the split axis of the stored tensor
 * @param start first index along {@code axis}
 * @param size  number of indices along {@code axis}
 */
public record Part(String label, int index, int count, int axis, long start, long size) {
    /** This part of the row-major {@code full} tensor of {@code shape} (rank 2, or rank 3 along axis 0). */
    public float[] extract(float[] full, long[] shape) {
        long inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        if (axis == 0) {
            int from = (int) (start * inner);
            return java.util.Arrays.copyOfRange(full, from, from + (int) (size * inner));
        }
        // axis 1 of a rank-2 tensor: a column block of every row
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        int w = (int) size;
        float[] out = new float[rows * w];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(full, r * cols + (int) start, out, r * w, w);
        }
        return out;
    }
}
