package dev.loupe.spectral.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.analysis.InspectOptions;
import dev.loupe.spectral.analysis.Inspector;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.result.LayerKind;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.ModelSummary;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The layer selection against WeightWatcher 0.7.5.5's own runs (resources ww/filters, see its README). */
class TestLayerFilter {
    private static final Path MODELS = Path.of("../fixtures/models").toAbsolutePath().normalize();

    @Test
    void wwPresetSelectsWhatWeightWatcherAnalyzesAndMatchesItsSummary() throws Exception {
        check("cnn.safetensors", LayerFilter.ww(), "cnn.default");
    }

    @Test
    void minAndMaxEvalsAsWeightWatcherKwargs() throws Exception {
        check("mlp.safetensors", LayerFilter.NONE.withLimits(20, 200, null), "mlp.custom");
    }

    private static void check(String model, LayerFilter f, String ww) throws Exception {
        InspectResult r;
        try (Checkpoint cp = Checkpoints.open(MODELS.resolve(model))) {
            r = new Inspector(Backends.best(), new InspectOptions(Precision.FP64, ConvMode.SLICES, false, true, false, 0, 1)
                    .withFilter(f)).inspect(cp, Progress.NONE, "test", false);
        }
        List<String> wwNames = resource(ww + ".csv").lines().skip(1).map(l -> l.split(",")[1]).toList();
        assertEquals(wwNames, r.layers().stream().map(LayerMetrics::name).toList());
        JsonNode s = new ObjectMapper().readTree(resource(ww + ".summary.json")).get("summary");
        ModelSummary m = r.summary();
        assertEquals(s.get("alpha").asDouble(), m.alpha(), 1e-9);
        assertEquals(s.get("alpha_weighted").asDouble(), m.alphaWeighted(), 1e-9);
        assertEquals(s.get("log_norm").asDouble(), m.logNorm(), 1e-9);
        assertEquals(s.get("log_spectral_norm").asDouble(), m.logSpectralNorm(), 1e-9);
        assertEquals(s.get("stable_rank").asDouble(), m.stableRank(), 1e-9);
        assertTrue(r.skipped().stream().anyMatch(t -> t.reason().startsWith("filtered out")), "filtered layers are listed");
    }

    @Test
    void namesAndKindsAndReasons() {
        WeightMatrix fc = new WeightMatrix("enc.fc1", null, LayerKind.DENSE, "dense", 64, 1568, 1, "out,in", "", List.of());
        WeightMatrix conv = new WeightMatrix("enc.conv1", null, LayerKind.CONV2D, "conv2d", 16, 1, 9, "out,in", "", List.of());
        LayerFilter byName = LayerFilter.NONE.withNames(Pattern.compile("fc"));
        assertNull(byName.reason(fc));
        assertTrue(byName.reason(conv).contains("--layers fc"));
        LayerFilter byKind = LayerFilter.NONE.withKinds(Set.of(LayerKind.CONV2D));
        assertNull(byKind.reason(conv));
        assertTrue(byKind.reason(fc).contains("type dense"));
        assertEquals("filtered out: 9 eigenvalues < min_evals 10", LayerFilter.ww().reason(conv));
        assertEquals("filtered out: N 1568 > max_N 1000", LayerFilter.NONE.withLimits(null, null, 1000).reason(fc));
    }

    private static String resource(String name) throws Exception {
        try (InputStream in = TestLayerFilter.class.getResourceAsStream("/ww/filters/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
