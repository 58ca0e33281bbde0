package dev.loupe.compress.quantize;

/**
 * A row-major [rows, cols] matrix stored as integer codes with one (scale, zero point) per group of
 * {@code spec.groupLength(cols)} consecutive input channels of a row: w ≈ (q − zero)·scale. Entries
 * marked in {@code outlier} are kept exactly in {@code outlierValues} instead (dense-and-sparse).
 *
 * @param codes         one code per entry, in [spec.qmin(), spec.qmax()]; not copied
 * @param scales        [rows, groups] row-major (one value when per tensor); not copied
 * @param zeros         [rows, groups] zero points (0 for symmetric); not copied
 * @param outlier       null, or which entries are outliers
 * @param outlierValues null, or the full-precision values of outliers (others 0)
 */
public record QuantizedMatrix(QuantSpec spec, int rows, int cols, int[] codes, float[] scales, int[] zeros,
                              boolean[] outlier, float[] outlierValues) {

    /** Groups per row. */
    public int groups() {
        int g = spec.groupLength(cols);
        return (cols + g - 1) / g;
    }

    /** Scale of the group that holds entry (r, c). */
    public float scaleAt(int r, int c) {
        return scales[slot(r, c)];
    }

    /** Index into scales/zeros of entry (r, c). */
    public int slot(int r, int c) {
        return spec.perTensor() ? 0 : r * groups() + c / spec.groupLength(cols);
    }

    /** The dequantized matrix, outliers restored. */
    public float[] dequantize() {
        float[] out = new float[codes.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                int k = slot(r, c);
                out[i] = outlier != null && outlier[i] ? outlierValues[i] : (codes[i] - zeros[k]) * scales[k];
            }
        }
        return out;
    }

    /** Number of outliers kept in full precision. */
    public int outlierCount() {
        int n = 0;
        if (outlier != null) {
            for (boolean o : outlier) {
                if (o) {
                    n++;
                }
            }
        }
        return n;
    }
}
