package dev.loupe.diff.edit;

import dev.loupe.linalg.DenseBackend;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The projection onto a matrix's top k singular directions, from the eigenvectors of its smaller Gram matrix:
 * with U_k the top-k eigenvectors of WWᵀ (rows ≤ cols) the truncated SVD is U_kU_kᵀW; with V_k those of WᵀW it is
 * WV_kV_kᵀ. Both equal Σ_{i≤k} σ_i u_i v_iᵀ, the best rank-k approximation (Eckart–Young). The Gram is a native
 * syrk; its eigenvectors come from EJML in double precision (pure Java, O(m³) for the smaller side m).
 */
final class TopDirections {
    private TopDirections() {
    }

    /**
     * @param w    row-major rows × cols, not modified
     * @param keep true: the rank-k part; false: W minus it
     * @return a new row-major rows × cols matrix
     */
    static float[] edit(DenseBackend backend, float[] w, int rows, int cols, int k, boolean keep) {
        int m = Math.min(rows, cols);
        if (k <= 0) {
            return keep ? new float[w.length] : w.clone();
        }
        if (k >= m) {
            return keep ? w.clone() : new float[w.length];
        }
        double[] wd = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            wd[i] = w[i];
        }
        double[] gram = backend.smallerGram(wd, rows, cols);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m, true, true);
        if (!eig.decompose(new DMatrixRMaj(m, m, true, gram))) {
            throw new ArithmeticException("eigendecomposition of a " + m + "x" + m + " Gram matrix did not converge");
        }
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(eig.getEigenvalue(b).real, eig.getEigenvalue(a).real));
        double[] p = new double[w.length]; // the rank-k part
        if (rows <= cols) {
            for (int t = 0; t < k; t++) {
                DMatrixRMaj u = eig.getEigenVector(order[t]);
                double[] uw = new double[cols]; // uᵀW
                for (int r = 0; r < rows; r++) {
                    double ur = u.get(r);
                    for (int c = 0; c < cols; c++) {
                        uw[c] += ur * wd[r * cols + c];
                    }
                }
                for (int r = 0; r < rows; r++) {
                    double ur = u.get(r);
                    for (int c = 0; c < cols; c++) {
                        p[r * cols + c] += ur * uw[c];
                    }
                }
            }
        } else {
            for (int t = 0; t < k; t++) {
                DMatrixRMaj v = eig.getEigenVector(order[t]);
                for (int r = 0; r < rows; r++) {
                    double wv = 0;
                    for (int c = 0; c < cols; c++) {
                        wv += wd[r * cols + c] * v.get(c);
                    }
                    for (int c = 0; c < cols; c++) {
                        p[r * cols + c] += wv * v.get(c);
                    }
                }
            }
        }
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = (float) (keep ? p[i] : wd[i] - p[i]);
        }
        return out;
    }
}
