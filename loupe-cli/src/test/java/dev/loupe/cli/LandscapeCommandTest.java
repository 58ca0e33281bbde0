package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.data.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code loupe landscape} as a black box on the reference models; expectations from torch's manifest. */
class LandscapeCommandTest {
    @TempDir
    Path dir;

    private static String[] data(String... rest) {
        Path f = Fixtures.dir();
        String[] base = {"--data", f.resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz").toString(),
                "--labels", f.resolve("data/fashion-mnist-test-2000-labels-idx1-ubyte.gz").toString()};
        String[] all = new String[base.length + rest.length];
        System.arraycopy(rest, 0, all, 0, rest.length);
        System.arraycopy(base, 0, all, rest.length, base.length);
        return all;
    }

    private static JsonNode manifestEntry(String file) throws Exception {
        for (JsonNode e : new ObjectMapper().readTree(Fixtures.dir().resolve("manifest.json").toFile()).path("models")) {
            if (e.path("file").asText().equals(file)) {
                return e;
            }
        }
        throw new AssertionError(file);
    }

    /** α = 0 and α = 1 are the two checkpoints: their loss and accuracy are torch's, from the manifest. */
    @Test
    void lineBetweenCheckpointsHitsBothEnds() throws Exception {
        Path f = Fixtures.dir();
        CliRun r = CliRun.of(data("landscape", "line", f.resolve("models/cnn_epoch00.onnx").toString(), "--to",
                f.resolve("models/cnn_epoch05.onnx").toString(), "--points", "2", "--extend", "0", "--samples", "2000", "--json"));
        assertEquals(0, r.exit(), r.err());
        JsonNode got = new ObjectMapper().readTree(r.out());
        for (int i = 0; i < 2; i++) {
            JsonNode want = manifestEntry(i == 0 ? "models/cnn_epoch00.onnx" : "models/cnn_epoch05.onnx");
            assertEquals(i, got.path("alpha").get(i).asDouble(), 1e-12);
            assertEquals(want.path("mean_cross_entropy").asDouble(), got.path("loss").get(i).asDouble(), 1e-5);
            assertEquals(want.path("accuracy").asDouble(), got.path("accuracy").get(i).asDouble(), 0.0);
        }
    }

    /** The centre of the plane is the model itself; files and plots land in --out. */
    /**
     * {@code bench landscape} on the fixture CNN takes the weights-in-ORT's-layout feed (NCHWc convolutions) and says
     * so; its plane's centre is the model (torch's loss in the manifest, printed to 4 decimals).
     */
    @Test
    void benchLandscapeUsesOrtsLayoutAndItsCentreIsTheModel() throws Exception {
        Path f = Fixtures.dir();
        CliRun r = CliRun.of(data("bench", "landscape", f.resolve("models/cnn.onnx").toString(), "--grid", "3", "--samples", "2000"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("plane: weights fed as ORT's optimized graph's inputs"), r.out());
        double want = manifestEntry("models/cnn.onnx").path("mean_cross_entropy").asDouble();
        assertTrue(r.out().contains(String.format("loss at centre %.4f", want)), want + " in " + r.out());
        assertTrue(r.out().contains("plane: every point runs the whole graph"), r.out());
    }

    /**
     * On the MLP, {@code bench landscape} computes fc1 once per batch and says so; the centre is still the model
     * (torch's loss in the manifest).
     */
    @Test
    void benchLandscapeOnTheMlpPrecomputesItsFirstLayer() throws Exception {
        Path f = Fixtures.dir();
        CliRun r = CliRun.of(data("bench", "landscape", f.resolve("models/mlp.onnx").toString(), "--grid", "3", "--samples", "2000"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("plane: first layer '/fc1/Gemm' (Gemm, 784 multiply-adds per output)"), r.out());
        double want = manifestEntry("models/mlp.onnx").path("mean_cross_entropy").asDouble();
        assertTrue(r.out().contains(String.format("loss at centre %.4f", want)), want + " in " + r.out());
    }

    @Test
    void planeCentreIsTheModelAndOutputsAreWritten() throws Exception {
        Path f = Fixtures.dir();
        Path out = dir.resolve("plane");
        CliRun r = CliRun.of(data("landscape", "plane", f.resolve("models/mlp.onnx").toString(), "--grid", "5",
                "--samples", "2000", "--out", out.toString(), "--json"));
        assertEquals(0, r.exit(), r.err());
        JsonNode got = new ObjectMapper().readTree(r.out());
        JsonNode want = manifestEntry("models/mlp.onnx");
        assertEquals(want.path("mean_cross_entropy").asDouble(), got.at("/plane/loss/2/2").asDouble(), 1e-5);
        assertEquals(want.path("accuracy").asDouble(), got.at("/plane/accuracy/2/2").asDouble(), 0.0);
        assertTrue(got.at("/topology/minima").asInt() >= 1);
        for (String name : new String[]{"plane.json", "plane.csv", "plane-heatmap.svg", "plane-contour.svg",
                "plane-surface.png", "plane-profile.svg", "plane-persistence.svg", "plane.html"}) {
            assertTrue(Files.size(out.resolve(name)) > 100, name);
        }
        assertEquals(26, Files.readAllLines(out.resolve("plane.csv")).size());
    }

    @Test
    void sampleInThreeDimensionsReportsATopology() throws Exception {
        CliRun r = CliRun.of(data("landscape", "sample", Fixtures.dir().resolve("models/mlp.onnx").toString(), "--dims", "3",
                "--points", "30", "--samples", "100", "--knn", "4", "--json", "--report", dir.resolve("sample.html").toString()));
        assertEquals(0, r.exit(), r.err());
        JsonNode got = new ObjectMapper().readTree(r.out());
        assertEquals(30, got.at("/sample/loss").size());
        assertTrue(got.at("/topology/minima").asInt() >= 1);
        String html = Files.readString(dir.resolve("sample.html"));
        assertTrue(html.contains("Merge tree (" + got.at("/topology/mergeTree").size() + " nodes"), "the report draws this tree");
    }

    @Test
    void nonsenseRangeIsAUserError() {
        CliRun r = CliRun.of(data("landscape", "plane", Fixtures.dir().resolve("models/mlp.onnx").toString(), "--range", "1:0",
                "--samples", "10"));
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("--range must be MIN:MAX"), r.err());
    }
}
