package dev.loupe.spectral.fit;

import dev.loupe.spectral.WwFixtures;
import dev.loupe.spectral.result.TruncatedPowerLawFit;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.loupe.spectral.WwFixtures.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fit='TPL' and 'E_TPL' against WeightWatcher 0.7.5.5's stored run on the reference CNN (resources ww/PROVENANCE.md). */
class TestTruncatedPowerLawFitter {
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"tpl", "etpl"})
    void agreesWithWeightWatcher(String config) {
        Map<String, double[]> evals = WwFixtures.evals("fmnist_cnn.evals.csv");
        for (Map<String, String> row : WwFixtures.csv("fmnist_cnn." + config + ".csv")) {
            String key = row.get("key");
            TruncatedPowerLawFit f = TruncatedPowerLawFitter.fit(evals.get(key), config.equals("etpl"));
            assertEquals(num(row, "xmin"), f.xmin(), 1e-12 * num(row, "xmin"), key + " xmin");
            assertEquals((int) num(row, "num_pl_spikes"), f.numPlSpikes(), key + " num_pl_spikes");
            assertEquals(num(row, "alpha"), f.alpha(), 1e-9 * num(row, "alpha"), key + " alpha");
            assertEquals(num(row, "Lambda"), f.Lambda(), 1e-9 * num(row, "Lambda"), key + " Lambda");
            assertEquals(num(row, "D"), f.D(), 1e-9, key + " D");
        }
    }

    @Test
    void likelihoodOfAnImpossibleFitIsPowerlawsFloor() {
        double[] tail = {1, 2, 3};
        assertEquals(-3 * Math.log(1e-307), TruncatedPowerLawFitter.negLogLikelihood(tail, 1, 0.9, 0.5), 1e-9);
        assertEquals(-3 * Math.log(1e-307), TruncatedPowerLawFitter.negLogLikelihood(tail, 1, 2.0, 0.0), 1e-9);
        // α = 1, Λ > 0 is out of powerlaw's range too; α = 2, Λ = 1 in range: the density integrates to 1 on [1, ∞)
        assertTrue(TruncatedPowerLawFitter.negLogLikelihood(tail, 1, 2.0, 1.0) < -3 * Math.log(1e-307));
        double c = 1 / IncompleteGamma.upper(-1, 1); // Λ^(1-α) = 1
        double want = 0;
        for (double v : tail) {
            want -= Math.log(Math.pow(v, -2) * Math.exp(-v) * c);
        }
        assertEquals(want, TruncatedPowerLawFitter.negLogLikelihood(tail, 1, 2.0, 1.0), 1e-12);
    }
}
