package dev.loupe.spectral.analysis;

import dev.loupe.core.data.Fixtures;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.PowerLawFit;
import dev.loupe.spectral.result.Warning;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A layer is judged over- or under-trained only when its ESD has at least WeightWatcher's 10 eigenvalues
 * (weightwatcher/constants.py DEFAULT_MIN_EVALS, below which WeightWatcher skips the layer).
 */
class TestWarnings {
    private static PowerLawFit fit(double alpha) {
        return new PowerLawFit(alpha, 1, 2, 0.1, 0.1, 5, "success", alpha, 0);
    }

    @Test
    void thresholdsApplyOnlyFromTenEigenvalues() {
        assertEquals(Warning.TOO_FEW_EIGENVALUES, Warning.of(fit(1.2), 2));
        assertEquals(Warning.TOO_FEW_EIGENVALUES, Warning.of(fit(4.0), 9));
        assertEquals(Warning.TOO_FEW_EIGENVALUES, Warning.of(PowerLawFit.failed(1), 3));
        assertEquals(Warning.OVER_TRAINED, Warning.of(fit(1.99), 10));
        assertEquals(Warning.NONE, Warning.of(fit(2.0), 10));
        assertEquals(Warning.NONE, Warning.of(fit(6.0), 10));
        assertEquals(Warning.UNDER_TRAINED, Warning.of(fit(6.01), 10));
        assertEquals(Warning.FIT_FAILED, Warning.of(PowerLawFit.failed(1), 10));
    }

    @Test
    void theReferenceCnnsFirstConvHasNineEigenvaluesAndIsNotJudged() {
        // conv1 is [16x1x3x3]: nine 16x1 slices of one eigenvalue each, pooled (WeightWatcher's conv2d slicing)
        Map<String, LayerMetrics> cnn = TestQuantizedMiniLm.inspect(Fixtures.dir().resolve("models/cnn.safetensors"));
        assertEquals(9, cnn.get("conv1").layer().numEvals());
        assertEquals(Warning.TOO_FEW_EIGENVALUES, cnn.get("conv1").warning());
        assertEquals(16 * 9, cnn.get("conv2").layer().numEvals());
        assertEquals(Warning.OVER_TRAINED, cnn.get("conv2").warning()); // alpha 1.634, README's table
    }
}
