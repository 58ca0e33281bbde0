package dev.loupe.diff.lora;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The nonzero eigenvalues of ΔWᵀΔW for ΔW = s·B·A without forming ΔW. With G_A = AAᵀ and G_B = BᵀB (both r × r),
 * ΔWᵀΔW = s²·AᵀG_B A has the nonzero eigenvalues of s²·G_B G_A, which are those of the symmetric
 * s²·G_A^{1/2} G_B G_A^{1/2}. Cost O(r²·(in + out) + r³) instead of O(out·in·min(out, in)).
 */
public final class FactoredSpectrum {
    private FactoredSpectrum() {
    }

    /**
     * @param a row-major r × in
     * @param b row-major out × r
     * @return the r eigenvalues, ascending, clamped at 0
     */
    public static double[] eigenvalues(float[] a, float[] b, int r, int in, int out, double scale) {
        DMatrixRMaj ga = new DMatrixRMaj(r, r);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < in; k++) {
                    s += (double) a[i * in + k] * a[j * in + k];
                }
                ga.set(i, j, s);
                ga.set(j, i, s);
            }
        }
        DMatrixRMaj gb = new DMatrixRMaj(r, r);
        for (int row = 0; row < out; row++) {
            int o = row * r;
            for (int i = 0; i < r; i++) {
                double bi = b[o + i];
                for (int j = 0; j <= i; j++) {
                    gb.add(i, j, bi * b[o + j]);
                }
            }
        }
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < i; j++) {
                gb.set(j, i, gb.get(i, j));
            }
        }
        DMatrixRMaj root = sqrtPsd(ga);
        DMatrixRMaj t = new DMatrixRMaj(r, r);
        DMatrixRMaj m = new DMatrixRMaj(r, r);
        CommonOps_DDRM.mult(root, gb, t);
        CommonOps_DDRM.mult(t, root, m);
        double[] ev = symmetricEigenvalues(m, false);
        for (int i = 0; i < r; i++) {
            ev[i] = Math.max(0, ev[i]) * scale * scale;
        }
        java.util.Arrays.sort(ev);
        return ev;
    }

    /** V·√D·Vᵀ of a symmetric positive semi-definite matrix (negative rounding clamped to 0). */
    static DMatrixRMaj sqrtPsd(DMatrixRMaj s) {
        int n = s.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(s.copy())) {
            throw new ArithmeticException("eigendecomposition of a " + n + "x" + n + " Gram matrix did not converge");
        }
        DMatrixRMaj out = new DMatrixRMaj(n, n);
        for (int k = 0; k < n; k++) {
            double d = Math.sqrt(Math.max(0, eig.getEigenvalue(k).real));
            DMatrixRMaj v = eig.getEigenVector(k);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    out.add(i, j, d * v.get(i) * v.get(j));
                }
            }
        }
        return out;
    }

    static double[] symmetricEigenvalues(DMatrixRMaj s, boolean vectors) {
        int n = s.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, vectors, true);
        if (!eig.decompose(s.copy())) {
            throw new ArithmeticException("eigendecomposition of a " + n + "x" + n + " matrix did not converge");
        }
        double[] ev = new double[n];
        for (int k = 0; k < n; k++) {
            ev[k] = eig.getEigenvalue(k).real;
        }
        return ev;
    }
}
