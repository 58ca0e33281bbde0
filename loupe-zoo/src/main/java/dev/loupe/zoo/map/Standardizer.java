package dev.loupe.zoo.map;

/**
 * Column centring and scaling to unit (population) standard deviation, fitted on one set of rows
 * and applied to others, so cross-validation never sees the held-out rows' statistics. A constant
 * column maps to 0.
 */
record Standardizer(double[] mean, double[] sd) {
    static Standardizer fit(double[][] x) {
        int p = x[0].length;
        double[] mean = new double[p];
        double[] sd = new double[p];
        for (double[] r : x) {
            for (int j = 0; j < p; j++) {
                mean[j] += r[j] / x.length;
            }
        }
        for (double[] r : x) {
            for (int j = 0; j < p; j++) {
                sd[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / x.length;
            }
        }
        for (int j = 0; j < p; j++) {
            sd[j] = Math.sqrt(sd[j]);
        }
        return new Standardizer(mean, sd);
    }

    double[][] apply(double[][] x) {
        double[][] z = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            z[i] = apply(x[i]);
        }
        return z;
    }

    double[] apply(double[] r) {
        double[] z = new double[r.length];
        for (int j = 0; j < r.length; j++) {
            z[j] = sd[j] > 1e-12 * Math.max(1, Math.abs(mean[j])) ? (r[j] - mean[j]) / sd[j] : 0;
        }
        return z;
    }
}
