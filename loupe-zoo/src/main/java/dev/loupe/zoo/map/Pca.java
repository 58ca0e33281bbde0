package dev.loupe.zoo.map;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Principal components by SVD of the centred (optionally standardized) data matrix, via EJML.
 * Components are sorted by variance and signed so their largest-magnitude loading is positive, which
 * makes the map reproducible across runs and platforms.
 */
public final class Pca {
    /**
     * @param scores     n × k coordinates of the rows
     * @param components k × p unit directions (in the standardized space when standardized)
     * @param explained  fraction of total variance per component
     */
    public record Result(double[][] scores, double[][] components, double[] explained) {
    }

    private Pca() {
    }

    public static Result fit(double[][] x, int k, boolean standardize) {
        int n = x.length;
        int p = x[0].length;
        double[][] z = standardize ? Standardizer.fit(x).apply(x) : centre(x);
        DMatrixRMaj a = new DMatrixRMaj(z);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(n, p, false, true, false);
        if (!svd.decompose(a)) {
            throw new IllegalStateException("SVD did not converge");
        }
        double[] s = svd.getSingularValues();
        DMatrixRMaj vt = svd.getV(null, true);
        Integer[] order = new Integer[s.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (i, j) -> Double.compare(s[j], s[i]));
        double total = 0;
        for (double v : s) {
            total += v * v;
        }
        int kk = Math.min(k, s.length);
        double[][] comps = new double[kk][p];
        double[] explained = new double[kk];
        for (int c = 0; c < kk; c++) {
            int idx = order[c];
            int big = 0;
            for (int j = 0; j < p; j++) {
                comps[c][j] = vt.get(idx, j);
                if (Math.abs(comps[c][j]) > Math.abs(comps[c][big])) {
                    big = j;
                }
            }
            if (comps[c][big] < 0) {
                for (int j = 0; j < p; j++) {
                    comps[c][j] = -comps[c][j];
                }
            }
            explained[c] = total == 0 ? 0 : s[idx] * s[idx] / total;
        }
        double[][] scores = new double[n][kk];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < kk; c++) {
                double d = 0;
                for (int j = 0; j < p; j++) {
                    d += z[i][j] * comps[c][j];
                }
                scores[i][c] = d;
            }
        }
        return new Result(scores, comps, explained);
    }

    private static double[][] centre(double[][] x) {
        Standardizer s = Standardizer.fit(x);
        double[][] z = new double[x.length][x[0].length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[0].length; j++) {
                z[i][j] = x[i][j] - s.mean()[j];
            }
        }
        return z;
    }
}
