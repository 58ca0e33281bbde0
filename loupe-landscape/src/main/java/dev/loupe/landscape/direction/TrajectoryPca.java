package dev.loupe.landscape.direction;

import dev.loupe.core.LoupeException;
import dev.loupe.landscape.engine.ParameterLayout;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.List;

/**
 * The plane of a training trajectory, as Li et al. draw it (arXiv 1712.09913 §7; tomgoldstein/loss-landscape,
 * plot_trajectory.py and projection.py): the offsets δ_i = θ_i − θ_final of the saved checkpoints, biases and
 * BatchNorm parameters zeroed (ignore='biasbn'), their first two principal components (sklearn's PCA, which
 * centres the rows) as unit directions, and each checkpoint projected as (⟨δ_i, d₁⟩, ⟨δ_i, d₂⟩).
 * The n × n Gram matrix of the offsets gives the components without forming a P × P covariance.
 *
 * @param d1        first principal direction (unit norm)
 * @param d2        second principal direction (unit norm)
 * @param explained the fraction of the offsets' variance along d₁ and d₂
 * @param x         each checkpoint's first coordinate
 * @param y         each checkpoint's second coordinate
 */
public record TrajectoryPca(float[] d1, float[] d2, double[] explained, double[] x, double[] y) {
    public static TrajectoryPca of(ParameterLayout layout, float[] thetaFinal, List<float[]> trajectory) {
        int n = trajectory.size();
        if (n < 2) {
            throw new LoupeException("--trajectory needs at least 2 checkpoints besides the model for a PCA plane, got " + n);
        }
        int p = thetaFinal.length;
        double[][] delta = new double[n][p];
        boolean[] ignored = ignoredBiasBn(layout);
        double[] mean = new double[p];
        for (int i = 0; i < n; i++) {
            float[] t = trajectory.get(i);
            for (int k = 0; k < p; k++) {
                delta[i][k] = ignored[k] ? 0 : (double) t[k] - thetaFinal[k];
                mean[k] += delta[i][k] / n;
            }
        }
        DMatrixRMaj gram = new DMatrixRMaj(n, n); // of the centred offsets
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < p; k++) {
                    s += (delta[i][k] - mean[k]) * (delta[j][k] - mean[k]);
                }
                gram.set(i, j, s);
                gram.set(j, i, s);
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(gram)) {
            throw new ArithmeticException("eigendecomposition of the trajectory's " + n + "x" + n + " Gram matrix failed");
        }
        Integer[] order = new Integer[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            total += Math.max(0, eig.getEigenvalue(i).real);
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(eig.getEigenvalue(b).real, eig.getEigenvalue(a).real));
        if (!(eig.getEigenvalue(order[1]).real > 0)) {
            throw new LoupeException("the trajectory's checkpoints span fewer than two directions (identical checkpoints?)");
        }
        float[][] dirs = new float[2][];
        double[] explained = new double[2];
        for (int c = 0; c < 2; c++) {
            DMatrixRMaj a = eig.getEigenVector(order[c]);
            double[] d = new double[p];
            for (int i = 0; i < n; i++) {
                double ai = a.get(i);
                for (int k = 0; k < p; k++) {
                    d[k] += ai * (delta[i][k] - mean[k]);
                }
            }
            double norm = 0;
            for (double v : d) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            dirs[c] = new float[p];
            for (int k = 0; k < p; k++) {
                dirs[c][k] = (float) (d[k] / norm);
            }
            explained[c] = eig.getEigenvalue(order[c]).real / total;
        }
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = dot(delta[i], dirs[0]);
            y[i] = dot(delta[i], dirs[1]);
        }
        return new TrajectoryPca(dirs[0], dirs[1], explained, x, y);
    }

    /** Li et al.'s ignore='biasbn': parameters of rank ≤ 1 are left out of the offsets. */
    private static boolean[] ignoredBiasBn(ParameterLayout layout) {
        boolean[] out = new boolean[layout.size()];
        for (int q = 0; q < layout.count(); q++) {
            if (layout.shapes().get(q).length <= 1) {
                java.util.Arrays.fill(out, layout.offset(q), layout.offset(q) + layout.length(q), true);
            }
        }
        return out;
    }

    private static double dot(double[] a, float[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}
