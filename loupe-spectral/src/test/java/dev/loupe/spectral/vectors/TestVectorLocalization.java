package dev.loupe.spectral.vectors;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.WwFixtures;
import dev.loupe.spectral.analysis.InspectOptions;
import dev.loupe.spectral.analysis.Inspector;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.esd.Slices;
import dev.loupe.spectral.layers.ConvMode;
import dev.loupe.spectral.layers.LayerDiscovery;
import dev.loupe.spectral.layers.WeightMatrix;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.MetricColumns;
import dev.loupe.spectral.result.VectorMetrics;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.loupe.spectral.WwFixtures.num;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Eigenvector metrics of the reference CNN against WeightWatcher 0.7.5.5 (resources ww/vectors/README.md):
 * its own {@code analyze(vectors=True)} columns, and its RMT_Util functions on its eigenvectors split by rank.
 */
class TestVectorLocalization {
    private static final String[] COLUMNS = {"vec_entropy", "loc_ratio", "part_ratio"};

    /** inspect --vectors --precision fp64 against RMT_Util on scipy's eigenvectors, tail = num_pl_spikes vectors. */
    @Test
    void inspectMatchesRmtUtilSplitByRank() {
        InspectResult r;
        try (Checkpoint cp = Checkpoints.open(WwFixtures.path("fmnist_cnn.safetensors"))) {
            r = new Inspector(Backends.best(), new InspectOptions(Precision.FP64, ConvMode.SLICES, false, false, false, 0, 1)
                    .withVectors(true)).inspect(cp, dev.loupe.core.progress.Progress.NONE, "test", false);
        }
        for (Map<String, String> row : WwFixtures.csv("vectors/fmnist_cnn.rank_split.csv")) {
            if (!row.get("split").equals("rank")) {
                continue;
            }
            LayerMetrics m = r.layers().stream().filter(l -> l.name().equals(row.get("key"))).findFirst().orElseThrow();
            assertEquals((int) num(row, "tail"), m.vectors().tail(), row.get("key"));
            assertEquals((int) num(row, "bulk"), m.vectors().bulk(), row.get("key"));
            for (MetricColumns.Column c : MetricColumns.ALL) {
                if (c.name().matches("(bulk|tail)_.*_(entropy|ratio)")) {
                    assertClose(num(row, c.name()), ((Number) c.value().apply(m)).doubleValue(), row.get("key") + " " + c.name());
                }
            }
        }
    }

    /**
     * WeightWatcher's stored analyze(vectors=True) columns, with its own bulk/tail counts: in that run eig put each
     * layer's xmin eigenvalue a rounding error below xmin, so its vector is in the bulk (counts reproduced by
     * rmt_util_vectors.py with that run's xmin, fmnist_cnn.vectors_run_split.csv).
     */
    @Test
    void metricsMatchWeightWatchersAnalyzeColumns() {
        Map<String, Map<String, String>> counts = new java.util.HashMap<>();
        WwFixtures.csv("vectors/fmnist_cnn.vectors_run_split.csv").stream().filter(x -> x.get("split").equals("xmin"))
                .forEach(x -> counts.put(x.get("key"), x));
        try (Checkpoint cp = Checkpoints.open(WwFixtures.path("fmnist_cnn.safetensors"))) {
            List<WeightMatrix> ms = LayerDiscovery.discover(cp, ConvMode.SLICES).matrices();
            for (Map<String, String> row : WwFixtures.csv("fmnist_cnn.vectors.csv")) {
                String key = row.get("key");
                WeightMatrix w = ms.stream().filter(x -> x.name().equals(key)).findFirst().orElseThrow();
                Slices s = Slices.of(w);
                VectorMetrics v = VectorLocalization.of(Backends.best(), s.slices(), s.rows(), s.cols(), true,
                        (int) num(counts.get(key), "tail"));
                VectorMetrics.BulkTail[] parts = {v.vecEntropy(), v.locRatio(), v.partRatio()};
                for (int i = 0; i < COLUMNS.length; i++) {
                    String n = COLUMNS[i];
                    assertClose(num(row, "bulk_mean_" + n), parts[i].bulkMean(), key + " bulk_mean_" + n);
                    assertClose(num(row, "bulk_var_" + n), parts[i].bulkVar(), key + " bulk_var_" + n);
                    assertClose(num(row, "tail_mean_" + n), parts[i].tailMean(), key + " tail_mean_" + n);
                    assertClose(num(row, "tail_var_" + n), parts[i].tailVar(), key + " tail_var_" + n);
                }
            }
        }
    }

    /** Vectors from a different LAPACK driver: equal to ~1e-12 (variances of near-constant metrics: absolute). */
    private static void assertClose(double want, double got, String what) {
        assertEquals(want, got, 1e-9 * Math.abs(want) + 1e-12, what);
    }
}
