package dev.loupe.diff.lora;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.core.LoupeException;
import dev.loupe.core.progress.Progress;
import dev.loupe.diff.CheckpointDiff;
import dev.loupe.diff.Reference;
import dev.loupe.diff.delta.LayerDelta;
import dev.loupe.diff.result.DiffKind;
import dev.loupe.diff.result.DiffResult;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.esd.EsdCalculator;
import dev.loupe.spectral.esd.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.loupe.diff.Reference.assertRel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rank-4 PEFT adapter of the MLP (fixtures/diff/mlp_lora), against torch's SVD of scale·B·A. */
class TestLoraAdapter {
    private static final Path ADAPTER = Reference.FIXTURES.resolve("diff/mlp_lora");
    private static final CheckpointDiff DIFF = new CheckpointDiff(Backends.best(), CheckpointDiff.Options.DEFAULT);

    @Test
    void adapterAloneGivesTorchSingularValues() {
        DiffResult r = DIFF.adapter(ADAPTER, null, Progress.NONE);
        assertEquals(DiffKind.ADAPTER, r.kind());
        JsonNode ref = Reference.json().path("mlp_lora");
        assertEquals(2, r.layers().size());
        for (LayerDelta l : r.layers()) {
            JsonNode t = ref.get(l.name());
            assertEquals(4, l.loraRank());
            assertEquals(2.0, l.loraScale(), 0.0); // lora_alpha 8 / r 4
            assertRel(t.get("delta_fro").asDouble(), l.deltaNorm(), 1e-9, l.name());
            for (int i = 0; i < 4; i++) {
                assertRel(t.get("delta_sv").get(i).asDouble(), l.update().topSingular()[i], 1e-7, l.name() + " sigma" + i);
            }
            assertEquals(4, l.update().nonzero());
            assertTrue(l.update().note().startsWith("too few eigenvalues"), l.update().note());
        }
    }

    @Test
    void withBaseTheMergedWeightIsMeasured() {
        DiffResult r = DIFF.adapter(ADAPTER, Reference.model("mlp.safetensors"), Progress.NONE);
        assertEquals(DiffKind.ADAPTER_WITH_BASE, r.kind());
        JsonNode ref = Reference.json().path("mlp_lora");
        for (LayerDelta l : r.layers()) {
            JsonNode t = ref.get(l.name());
            assertRel(t.get("base_fro").asDouble(), l.baseNorm(), 1e-9, l.name());
            assertRel(t.get("delta_fro").asDouble(), l.deltaNorm(), 1e-6, l.name()); // from the float32 merged weight
            assertTrue(Double.isFinite(l.baseAlpha()) && Double.isFinite(l.otherAlpha()));
        }
    }

    @Test
    void factoredEigenvaluesEqualThoseOfTheMaterializedUpdate() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        int r = 5;
        int in = 70;
        int out = 40;
        float[] a = new float[r * in];
        float[] b = new float[out * r];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rnd.nextGaussian();
        }
        double s = 0.75;
        double[] factored = FactoredSpectrum.eigenvalues(a, b, r, in, out, s);
        // materialized in double: ΔW = s·B·A, eigenvalues of its Gram through the same ESD code inspect uses
        float[] d = LoraAnalyzer.product(a, b, r, in, out, (float) s);
        double[] full = new EsdCalculator(Backends.best(), Precision.FP64).eigenvalues(d, out, in);
        for (int i = 0; i < r; i++) {
            assertRel(full[full.length - 1 - i], factored[r - 1 - i], 1e-5, "eigenvalue " + i);
        }
        for (int i = 0; i < full.length - r; i++) {
            assertTrue(full[i] < 1e-3 * full[full.length - 1], "rank-r update has only r nonzero eigenvalues");
        }
    }

    @Test
    void rankOneIsTheProductOfNorms() {
        // ΔW = s·b·aᵀ has the single singular value s·‖a‖·‖b‖: here 2 · 5 · 13 = 130
        float[] a = {3, 4};
        float[] b = {5, 12};
        double[] ev = FactoredSpectrum.eigenvalues(a, b, 1, 2, 2, 2.0);
        assertEquals(130.0 * 130.0, ev[0], 1e-9);
    }

    @Test
    void rsLoraScaleAndRankPattern(@TempDir Path dir) throws IOException {
        Path c = dir.resolve("adapter_config.json");
        Files.writeString(c, "{\"r\": 16, \"lora_alpha\": 32, \"use_rslora\": true, \"rank_pattern\": {\"fc2\": 4},"
                + " \"alpha_pattern\": {\"fc2\": 8}}");
        LoraConfig cfg = LoraConfig.read(c);
        assertEquals(32 / 4.0, cfg.scaleOf("model.fc1"), 1e-12); // 32/√16
        assertEquals(4, cfg.rankOf("model.fc2"));
        assertEquals(8 / 2.0, cfg.scaleOf("model.fc2"), 1e-12); // 8/√4
    }

    @Test
    void inconsistentAdaptersAreOneLine(@TempDir Path dir) throws IOException {
        Files.copy(ADAPTER.resolve("adapter_model.safetensors"), dir.resolve("adapter_model.safetensors"));
        Files.writeString(dir.resolve("adapter_config.json"), "{\"r\": 8, \"lora_alpha\": 8}");
        LoupeException e = assertThrows(LoupeException.class, () -> DIFF.adapter(dir, null, Progress.NONE));
        assertTrue(e.getMessage().contains("rank r = 8"), e.getMessage());
        Files.writeString(dir.resolve("adapter_config.json"), "{\"r\": 4}");
        e = assertThrows(LoupeException.class, () -> DIFF.adapter(dir, null, Progress.NONE));
        assertTrue(e.getMessage().contains("lora_alpha"), e.getMessage());
        Files.writeString(dir.resolve("adapter_config.json"), "{\"r\": 4, \"lora_alpha\": 8}");
        e = assertThrows(LoupeException.class, () -> DIFF.adapter(dir, Reference.model("cnn.safetensors"), Progress.NONE));
        // the CNN has an 'fc1' too, of another shape: the adapter belongs to another model
        assertTrue(e.getMessage().contains("module 'fc1' adapts a 256x784 weight but the base layer 'fc1' is 64x1568"),
                e.getMessage());
        Path ens = Reference.model("ensemble_cnn_seed100.onnx");
        e = assertThrows(LoupeException.class, () -> DIFF.adapter(dir, ens, Progress.NONE));
        assertTrue(e.getMessage().contains("adapts a 256x784") || e.getMessage().contains("none of the adapter's 2 modules"),
                e.getMessage());
        for (String s : List.of("[1,2]", "not json", "{\"peft_type\": \"IA3\", \"r\": 4, \"lora_alpha\": 8}")) {
            Files.writeString(dir.resolve("adapter_config.json"), s);
            assertThrows(LoupeException.class, () -> DIFF.adapter(dir, null, Progress.NONE), s);
        }
    }
}
