package dev.loupe.zoo.map;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Ridge regression on standardized features with an unpenalized intercept:
 * β = (ZᵀZ + λI)⁻¹ Zᵀ(y − ȳ), prediction ȳ + z·β. Standardizing first makes one λ mean the same
 * for every feature whatever its units.
 */
public final class Ridge {
    private final Standardizer std;
    private final double intercept;
    private final double[] beta;

    private Ridge(Standardizer std, double intercept, double[] beta) {
        this.std = std;
        this.intercept = intercept;
        this.beta = beta;
    }

    public static Ridge fit(double[][] x, double[] y, double lambda) {
        Standardizer std = Standardizer.fit(x);
        double[][] z = std.apply(x);
        int n = z.length;
        int p = z[0].length;
        double ybar = 0;
        for (double v : y) {
            ybar += v / n;
        }
        DMatrixRMaj zm = new DMatrixRMaj(z);
        DMatrixRMaj a = new DMatrixRMaj(p, p);
        CommonOps_DDRM.multTransA(zm, zm, a);
        for (int j = 0; j < p; j++) {
            a.add(j, j, lambda);
        }
        DMatrixRMaj b = new DMatrixRMaj(p, 1);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                b.add(j, 0, z[i][j] * (y[i] - ybar));
            }
        }
        DMatrixRMaj beta = new DMatrixRMaj(p, 1);
        if (!CommonOps_DDRM.solve(a, b, beta)) {
            throw new IllegalStateException("ridge system is singular (lambda " + lambda + ")");
        }
        return new Ridge(std, ybar, beta.data.clone());
    }

    public double predict(double[] x) {
        double[] z = std.apply(x);
        double s = intercept;
        for (int j = 0; j < z.length; j++) {
            s += z[j] * beta[j];
        }
        return s;
    }

    /** Coefficients on the standardized features. */
    public double[] beta() {
        return beta.clone();
    }

    public double intercept() {
        return intercept;
    }
}
