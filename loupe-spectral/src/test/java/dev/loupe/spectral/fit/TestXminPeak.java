package dev.loupe.spectral.fit;

import dev.loupe.spectral.WwFixtures;
import dev.loupe.spectral.result.PowerLawFit;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.loupe.spectral.WwFixtures.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fix_fingers='xmin_peak' against WeightWatcher 0.7.5.5 with pl_package='powerlaw' (resources ww/PROVENANCE.md),
 * on its own eigenvalues.
 */
class TestXminPeak {
    @Test
    void agreesWithWeightWatcher() {
        for (String model : List.of("fmnist_cnn", "synthetic")) {
            Map<String, double[]> evals = WwFixtures.evals(model + ".evals.csv");
            for (Map<String, String> row : WwFixtures.csv(model + ".xmin_peak.csv")) {
                String key = row.get("key");
                PowerLawFit fit = PowerLawFitter.fit(evals.get(key), FixFingers.XMIN_PEAK);
                if (row.get("status").equals("failed")) {
                    assertFalse(fit.ok(), key);
                    continue;
                }
                // the stored ESDs come from WeightWatcher's default run; its xmin_peak run's SVD differs in the last bits
                assertEquals(num(row, "alpha"), fit.alpha(), 1e-9 * num(row, "alpha"), key + " alpha");
                assertEquals(num(row, "xmin"), fit.xmin(), 1e-12 * num(row, "xmin"), key + " xmin");
                assertEquals(num(row, "D"), fit.D(), 1e-9, key + " D");
                assertEquals(num(row, "sigma"), fit.sigma(), 1e-9 * num(row, "sigma"), key + " sigma");
                assertEquals((int) num(row, "num_pl_spikes"), fit.numPlSpikes(), key + " num_pl_spikes");
            }
        }
    }

    @Test
    void windowAroundTheHistogramPeak() {
        // 90 values at 2.0 and 10 spread up to 200: the fullest log10 bin starts at log10(2) -> peak 2,
        // window [log10(1.9), 3.0]
        double[] x = new double[100];
        for (int i = 0; i < 90; i++) {
            x[i] = 2.0;
        }
        for (int i = 0; i < 10; i++) {
            x[90 + i] = 20.0 * (i + 1);
        }
        XminPeak w = XminPeak.of(x);
        assertEquals(Math.log10(0.95 * 2.0), w.lo(), 1e-12);
        assertEquals(3.0, w.hi(), 1e-12);
        assertTrue(w.contains(2.0));
        assertFalse(w.contains(20.0));
    }

    @Test
    void noCandidateInTheWindowFails() {
        // one distinct value in the window is also "the xmax" powerlaw drops: nothing left to fit
        double[] x = {2, 2, 2, 2, 2, 2, 2, 2, 50, 60};
        assertFalse(PowerLawFitter.fit(x, FixFingers.XMIN_PEAK).ok());
    }
}
