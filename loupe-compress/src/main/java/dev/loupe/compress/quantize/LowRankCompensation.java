package dev.loupe.compress.quantize;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Low-rank compensation of quantization error (LoRC, ZeroQuant-V2, Yao et al. 2023, arXiv 2303.08302):
 * the error E = W − deq(Q(W)) is approximated by its best rank-r factors U_r·Σ_r·V_rᵀ (Eckart–Young), stored
 * as two small matrices A = U_r·Σ_r [rows, r] and B = V_rᵀ [r, cols], so that W ≈ deq(Q(W)) + A·B.
 * EJML's dense SVD is enough for the layer sizes this runs on (it is already on the classpath).
 */
public final class LowRankCompensation {
    /** The factors and the singular values of the whole error (descending). */
    public record Factors(int rows, int cols, int rank, float[] a, float[] b, double[] singularValues) {
        /** A·B added to {@code base} (row-major [rows, cols]); {@code base} is not modified. */
        public float[] addTo(float[] base) {
            return dev.loupe.core.format.safetensors.LoupeQuantized.addLowRank(base, a, b, rows, rank, cols);
        }
    }

    private LowRankCompensation() {
    }

    /** Rank-{@code rank} factors of {@code original − approx}. */
    public static Factors of(float[] original, float[] approx, int rows, int cols, int rank) {
        if (rank < 1 || rank > Math.min(rows, cols)) {
            throw new IllegalArgumentException("rank " + rank + " for a " + rows + "x" + cols + " matrix");
        }
        DMatrixRMaj e = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < original.length; i++) {
            e.data[i] = (double) original[i] - approx[i];
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(rows, cols, true, true, false);
        if (!svd.decompose(e)) {
            throw new IllegalStateException("SVD did not converge on a " + rows + "x" + cols + " error matrix");
        }
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj v = svd.getV(null, false);
        double[] sv = svd.getSingularValues();
        int n = svd.numberOfSingularValues();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // EJML does not promise an order; rank by singular value, descending
        java.util.Arrays.sort(order, (x, y) -> Double.compare(sv[y], sv[x]));
        float[] a = new float[rows * rank];
        float[] b = new float[rank * cols];
        for (int k = 0; k < rank; k++) {
            int j = order[k];
            for (int r = 0; r < rows; r++) {
                a[r * rank + k] = (float) (u.get(r, j) * sv[j]);
            }
            for (int c = 0; c < cols; c++) {
                b[k * cols + c] = (float) v.get(c, j);
            }
        }
        double[] sorted = new double[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = sv[order[i]];
        }
        return new Factors(rows, cols, rank, a, b, sorted);
    }
}
