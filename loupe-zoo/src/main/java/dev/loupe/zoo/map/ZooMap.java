package dev.loupe.zoo.map;

import dev.loupe.core.LoupeException;
import dev.loupe.zoo.catalog.Catalog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the map of a catalog's models: fingerprints from the {@code layers} view, PCA to 2-D, and
 * the cross-validated predictors of a manifest label (all-feature ridge against the one-metric and
 * constant baselines).
 */
public final class ZooMap {
    /** A model on the map. */
    public record Point(String path, double pc1, double pc2, double label) {
    }

    /**
     * @param label      the label column predicted
     * @param models     models on the map (analyzed and labeled)
     * @param unlabeled  analyzed models the manifest had no label for (left out)
     * @param features   fingerprint feature names
     * @param explained  PCA explained-variance fraction of PC1, PC2
     * @param points     the map
     * @param fingerprints per point, its fingerprint (NaN imputed), in {@code features} order
     * @param scores     predictors, all-feature ridge first, then baselines
     * @param folds      k of the cross-validation
     * @param seed       seed of the fold assignment
     */
    public record Result(String label, int models, int unlabeled, List<String> features, double[] explained,
                         List<Point> points, List<double[]> fingerprints, List<CrossValidation.Score> scores,
                         int folds, long seed) {
        public Result {
            fingerprints = fingerprints.stream().map(double[]::clone).toList();
        }

        /** One fingerprint feature across the points. */
        public double[] feature(String name) {
            int j = features.indexOf(name);
            if (j < 0) {
                throw new IllegalArgumentException("no feature " + name);
            }
            return fingerprints.stream().mapToDouble(f -> f[j]).toArray();
        }
    }

    private ZooMap() {
    }

    public static Result build(Catalog catalog, Path manifestFile, String label, int folds, long seed) {
        Manifest manifest = Manifest.read(manifestFile, label);
        String cols = String.join(", ", Fingerprints.METRICS);
        Map<String, List<double[]>> layers = new LinkedHashMap<>();
        for (List<Object> r : catalog.query("SELECT path, " + cols + " FROM layers ORDER BY path, layer_id").rows()) {
            double[] v = new double[Fingerprints.METRICS.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.get(i + 1) == null ? Double.NaN : ((Number) r.get(i + 1)).doubleValue();
            }
            layers.computeIfAbsent((String) r.get(0), k -> new ArrayList<>()).add(v);
        }
        List<String> paths = new ArrayList<>();
        List<double[]> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        int unlabeled = 0;
        for (Map.Entry<String, List<double[]>> e : layers.entrySet()) {
            var l = manifest.label(e.getKey());
            if (l.isEmpty() || !Double.isFinite(l.get())) {
                unlabeled++;
                continue;
            }
            paths.add(e.getKey());
            x.add(Fingerprints.of(e.getValue()));
            y.add(l.get());
        }
        if (paths.size() < 2 * folds) {
            throw new LoupeException(manifestFile, "only " + paths.size() + " analyzed models have a '" + label
                    + "' label; the map needs at least " + 2 * folds + " for " + folds + "-fold cross-validation");
        }
        double[][] xm = impute(x.toArray(double[][]::new));
        double[] ym = y.stream().mapToDouble(Double::doubleValue).toArray();
        Pca.Result pca = Pca.fit(xm, 2, true);
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            points.add(new Point(paths.get(i), pca.scores()[i][0], pca.scores()[i].length > 1 ? pca.scores()[i][1] : 0, ym[i]));
        }
        List<String> names = Fingerprints.featureNames();
        List<CrossValidation.Score> scores = List.of(
                CrossValidation.ridge("ridge on the fingerprint (" + names.size() + " features)", xm, ym, folds, seed),
                CrossValidation.ridge("mean alpha alone", column(xm, names.indexOf("alpha_mean")), ym, folds, seed),
                CrossValidation.ridge("mean log_norm alone", column(xm, names.indexOf("log_norm_mean")), ym, folds, seed),
                CrossValidation.constant(ym, folds, seed));
        return new Result(label, paths.size(), unlabeled, names, pca.explained(), points, List.of(xm), scores, folds,
                seed);
    }

    /** NaN features (e.g. no layer with a successful fit) get the column's mean over the models. */
    static double[][] impute(double[][] x) {
        int p = x[0].length;
        for (int j = 0; j < p; j++) {
            double s = 0;
            int n = 0;
            for (double[] r : x) {
                if (Double.isFinite(r[j])) {
                    s += r[j];
                    n++;
                }
            }
            double m = n == 0 ? 0 : s / n;
            for (double[] r : x) {
                if (!Double.isFinite(r[j])) {
                    r[j] = m;
                }
            }
        }
        return x;
    }

    private static double[][] column(double[][] x, int j) {
        double[][] c = new double[x.length][1];
        for (int i = 0; i < x.length; i++) {
            c[i][0] = x[i][j];
        }
        return c;
    }
}
