package dev.loupe.spectral.analysis;

import dev.loupe.core.bundled.BundledModels;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.layers.ConvMode;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.result.LayerMetrics;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * all-MiniLM-L6-v2 and its int8 twin (ONNX Runtime dynamic quantization: MatMulInteger with per-column
 * int8 weights, uint8 embedding tables behind Gather+DequantizeLinear): every fp32 layer has its int8
 * counterpart under the same key, and the dequantized matrices give nearly the same spectra. int8
 * rounding moves each weight by ≤ scale/2, so norms agree to ~1e-4; alpha moves more where the KS
 * scan picks a neighbouring xmin (a discrete choice), hence the distributional bounds.
 */
class TestQuantizedMiniLm {
    static Map<String, LayerMetrics> inspect(Path model) {
        InspectOptions o = new InspectOptions(Precision.FP64, ConvMode.SLICES, false, false, false, 0, 2);
        try (Checkpoint cp = Checkpoints.open(model)) {
            InspectResult r = new Inspector(Backends.best(), o).inspect(cp, Progress.NONE, "test", false);
            return r.layers().stream().collect(Collectors.toMap(LayerMetrics::name, Function.identity()));
        }
    }

    @Test
    void int8TwinAgreesLayerByLayer() {
        Map<String, LayerMetrics> fp = inspect(BundledModels.miniLm());
        Map<String, LayerMetrics> q = inspect(BundledModels.miniLmQuantized());
        assertEquals(39, fp.size());
        assertEquals(fp.keySet(), q.keySet());
        double[] dAlpha = new double[fp.size()];
        int i = 0;
        for (var e : fp.entrySet()) {
            LayerMetrics a = e.getValue();
            LayerMetrics b = q.get(e.getKey());
            assertTrue(b.layer().dtype().equals("I8") || b.layer().dtype().equals("U8"), b.layer().dtype());
            assertTrue(b.notes().get(0).startsWith("dequantized"), b.notes().toString());
            assertEquals(a.logNorm(), b.logNorm(), 1.5e-2 * Math.abs(a.logNorm()) + 1e-3, e.getKey());
            assertEquals(a.logSpectralNorm(), b.logSpectralNorm(), 1e-2, e.getKey());
            dAlpha[i++] = Math.abs(a.alpha() - b.alpha());
        }
        Arrays.sort(dAlpha);
        assertTrue(dAlpha[dAlpha.length / 2] < 0.01, "median |dalpha| " + dAlpha[dAlpha.length / 2]);
        assertTrue(dAlpha[(int) (0.85 * dAlpha.length)] < 0.05, Arrays.toString(dAlpha));
        assertTrue(dAlpha[dAlpha.length - 1] < 0.5, Arrays.toString(dAlpha));
    }
}
