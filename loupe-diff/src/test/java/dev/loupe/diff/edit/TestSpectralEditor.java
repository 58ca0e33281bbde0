package dev.loupe.diff.edit;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.progress.Progress;
import dev.loupe.diff.Reference;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.esd.EsdCalculator;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.esd.Slices;
import dev.loupe.spectral.layers.ConvMode;
import dev.loupe.spectral.layers.LayerDiscovery;
import dev.loupe.spectral.layers.WeightMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import static dev.loupe.diff.Reference.assertRel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestSpectralEditor {
    private static final EsdCalculator ESD = new EsdCalculator(Backends.best(), Precision.FP64);

    @Test
    void keepingAndRemovingTopDirectionsSplitTheSpectrum() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int[] shape : new int[][]{{30, 50}, {50, 30}}) {
            int rows = shape[0];
            int cols = shape[1];
            float[] w = new float[rows * cols];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) rnd.nextGaussian();
            }
            double[] ev = ESD.eigenvalues(w, rows, cols); // ascending
            int m = ev.length;
            int k = 7;
            double[] kept = ESD.eigenvalues(TopDirections.edit(Backends.best(), w, rows, cols, k, true), rows, cols);
            double[] rest = ESD.eigenvalues(TopDirections.edit(Backends.best(), w, rows, cols, k, false), rows, cols);
            for (int i = 0; i < m; i++) {
                if (i < m - k) {
                    assertTrue(kept[i] < 1e-9 * ev[m - 1], "kept part has rank k");
                    assertRel(ev[i], rest[i + k], 1e-5, "remaining eigenvalue " + i);
                } else {
                    assertRel(ev[i], kept[i], 1e-5, "kept eigenvalue " + i);
                    assertTrue(rest[i - (m - k)] < 1e-9 * ev[m - 1], "removed directions are gone");
                }
            }
        }
    }

    @Test
    void smoothedCheckpointHasExactlyTheRequestedSpectra(@TempDir Path dir) {
        Path out = dir.resolve("mlp-7.safetensors");
        Map<String, double[]> expected = new java.util.HashMap<>();
        try (Checkpoint cp = Checkpoints.open(Reference.model("mlp.safetensors"))) {
            for (WeightMatrix m : LayerDiscovery.discover(cp, ConvMode.SLICES).matrices()) {
                expected.put(m.name(), ESD.spectrum(Slices.of(m)).eigenvalues());
            }
            SpectralEditor.Edit e = new SpectralEditor(Backends.best()).edit(cp, EditSpec.smooth("7", null), out, Progress.NONE);
            assertEquals(3, e.result().layers().size());
            EditWriter.write(cp, e.values(), Map.of(), out);
        }
        try (Checkpoint cp = Checkpoints.open(out)) {
            List<WeightMatrix> layers = LayerDiscovery.discover(cp, ConvMode.SLICES).matrices();
            assertEquals(3, layers.size());
            for (WeightMatrix m : layers) {
                double[] before = expected.get(m.name());
                double[] after = ESD.spectrum(Slices.of(m)).eigenvalues();
                int n = before.length;
                for (int i = 0; i < n; i++) {
                    if (i >= n - 7) {
                        assertRel(before[i], after[i], 1e-4, m.name() + " kept eigenvalue"); // float32 storage
                    } else {
                        assertTrue(after[i] < 1e-6 * before[n - 1], m.name() + " eigenvalue " + i + " " + after[i]);
                    }
                }
            }
        }
    }

    @Test
    void convKernelsAreEditedSliceBySliceAndOnlySelectedLayers(@TempDir Path dir) {
        Path out = dir.resolve("cnn.onnx");
        try (Checkpoint cp = Checkpoints.open(Reference.model("cnn.onnx"))) {
            SpectralEditor.Edit e = new SpectralEditor(Backends.best())
                    .edit(cp, EditSpec.smooth("18", Pattern.compile("conv2")), out, Progress.NONE);
            assertEquals(1, e.result().layers().size());
            EditedLayer l = e.result().layers().getFirst();
            assertEquals(144, l.components()); // 16 per 3x3 slice
            assertEquals(18, l.directions()); // ceil(18/9) = 2 per slice
            EditWriter.write(cp, e.values(), Map.of(), out);
        }
        try (Checkpoint cp = Checkpoints.open(out)) {
            WeightMatrix conv2 = LayerDiscovery.discover(cp, ConvMode.SLICES).matrices().stream()
                    .filter(m -> m.name().contains("conv2")).findFirst().orElseThrow();
            for (float[] slice : Slices.of(conv2).slices()) {
                double[] ev = ESD.eigenvalues(slice, conv2.rows(), conv2.cols());
                assertTrue(ev[ev.length - 3] < 1e-6 * ev[ev.length - 1], "each slice has rank 2");
            }
        }
    }

    @Test
    void badRequestsAreOneLine() {
        for (String s : List.of("0", "1.5", "-3", "abc", "")) {
            assertThrows(LoupeException.class, () -> Keep.parse(s), s);
        }
        assertEquals(new Keep.Fraction(0.8), Keep.parse("0.8"));
        assertEquals(new Keep.Count(12), Keep.parse("12"));
        try (Checkpoint cp = Checkpoints.open(Reference.model("mlp.safetensors"))) {
            LoupeException e = assertThrows(LoupeException.class,
                    () -> EditWriter.formatFor(cp, Path.of("x.onnx")));
            assertTrue(e.getMessage().contains("needs an ONNX input"), e.getMessage());
            assertThrows(LoupeException.class, () -> EditWriter.formatFor(cp, Path.of("x.pt")));
            e = assertThrows(LoupeException.class, () -> new SpectralEditor(Backends.best())
                    .edit(cp, EditSpec.smooth("3", Pattern.compile("nothing")), Path.of("x.safetensors"), Progress.NONE));
            assertTrue(e.getMessage().contains("no layer name matches"), e.getMessage());
        }
    }
}
