package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.data.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code loupe hessian} on the reference MLP against PyHessian's numbers (fixtures/pyhessian/README.md). */
class HessianCommandTest {
    @Test
    void agreesWithPyHessianOnTheReferenceMlp() throws Exception {
        var f = Fixtures.dir();
        JsonNode ref = new ObjectMapper().readTree(f.resolve("pyhessian/mlp-1000.json").toFile());
        CliRun r = CliRun.of("hessian", f.resolve("models/mlp.onnx").toString(),
                "--data", f.resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz").toString(),
                "--labels", f.resolve("data/fashion-mnist-test-2000-labels-idx1-ubyte.gz").toString(),
                "--samples", "1000", "--top-k", "3", "--trace-samples", "100", "--density-steps", "20", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode got = new ObjectMapper().readTree(r.out());
        double top = ref.path("eigenvalues").get(0).asDouble();
        assertEquals(top, got.path("eigenvalues").get(0).asDouble(), 0.01 * top);
        double second = ref.path("eigenvalues").get(1).asDouble();
        assertEquals(second, got.path("eigenvalues").get(1).asDouble(), 0.01 * second);
        // Lanczos stops when every residual bound is below tol·|λ| (default tol 1e-3), well before its 100 steps
        assertEquals("LANCZOS", got.path("method").asText());
        for (int i = 0; i < 3; i++) {
            double l = got.path("eigenvalues").get(i).asDouble(), res = got.path("residuals").get(i).asDouble();
            assertTrue(res > 0 && res <= 1e-3 * Math.abs(l), "λ" + i + " = " + l + " ± " + res);
            assertTrue(got.path("iterations").get(i).asInt() < 100);
        }
        double trace = ref.path("trace_mean_of_runs").asDouble();
        double mine = got.path("trace").asDouble(), half = got.path("traceHalfWidth95").asDouble();
        assertTrue(Math.abs(mine - trace) <= half, mine + " ± " + half + " vs PyHessian " + trace);
        // SLQ's largest Ritz value converges to the top eigenvalue first
        double maxNode = 0;
        for (JsonNode n : got.path("nodes")) {
            maxNode = Math.max(maxNode, n.asDouble());
        }
        assertEquals(top, maxNode, 0.02 * top);
    }

    /**
     * --per-layer on the MLP's last layer (--weights fc3: the Hessian over fc3.weight and fc3.bias only): each block's
     * top eigenvalue is at most the whole Hessian's (Cauchy interlacing: λmax(H) ≥ λmax(H_ii)), the block traces add
     * up to the whole trace within the intervals (100 samples each and no early stop: vᵀHv is heavy-tailed here, and the
     * normal interval of a few dozen samples undercovers), and every eigenvalue's residual bound is in the text and the report.
     */
    @Test
    void perLayerBlocksInterlaceAndAddUp() throws Exception {
        Path out = Files.createTempDirectory("loupe-per-layer");
        CliRun r = perLayerOnMlp(out, "--samples", "200", "--trace-samples", "100", "--tol", "0", "--max-iter", "12",
                "--out-dir", out.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode got = new ObjectMapper().readTree(out.resolve("hessian.json").toFile());
        JsonNode layers = got.path("layers");
        assertEquals(2, layers.size());
        assertEquals("fc3.weight", layers.get(0).path("name").asText());
        assertEquals(1280, layers.get(0).path("parameters").asInt());
        assertEquals("fc3.bias", layers.get(1).path("name").asText());
        assertEquals(10, layers.get(1).path("parameters").asInt());
        double top = got.path("eigenvalues").get(0).asDouble(), topBound = got.path("residuals").get(0).asDouble();
        double sum = 0, half2 = Math.pow(got.path("traceHalfWidth95").asDouble(), 2);
        for (JsonNode l : layers) {
            double lt = l.path("topEigenvalue").asDouble(), lb = l.path("residual").asDouble();
            assertTrue(lb <= 1e-4 * Math.abs(lt), l.toString());
            assertTrue(lt <= top + topBound + lb, l.path("name").asText() + ": block " + lt + " above the whole Hessian's " + top);
            assertTrue(l.path("trace").asDouble() > 0 && l.path("traceHalfWidth95").asDouble() > 0, l.toString());
            sum += l.path("trace").asDouble();
            half2 += Math.pow(l.path("traceHalfWidth95").asDouble(), 2);
        }
        assertTrue(Math.abs(sum - got.path("trace").asDouble()) <= Math.sqrt(half2), sum + " vs " + got.path("trace"));
        // the weight block holds almost all of the curvature: the bias block is 10 of the 1,290 weights
        assertTrue(layers.get(0).path("topEigenvalue").asDouble() > layers.get(1).path("topEigenvalue").asDouble());
        // the residual bounds in the text, and in the report's cards and tables
        String html = Files.readString(out.resolve("hessian.html"));
        for (JsonNode l : layers) {
            String bound = String.format(Locale.ROOT, "%.2g", l.path("residual").asDouble());
            assertTrue(r.out().contains(String.format(Locale.ROOT, "top %.6g ± %s", l.path("topEigenvalue").asDouble(), bound)), r.out());
            assertTrue(html.contains(">" + bound + "<"), "report lacks " + l.path("name").asText() + "'s bound " + bound);
        }
        assertTrue(r.out().contains(String.format(Locale.ROOT, "eigenvalue 1: %.6g ± %.2g", top, topBound)), r.out());
        assertTrue(html.contains(String.format(Locale.ROOT, "%.5g ± %.2g", top, topBound)), "report card lacks the top eigenvalue's bound");
    }

    /** --per-layer with no trace samples: the blocks' eigenvalues, and "—" where a trace was not asked for, never NaN. */
    @Test
    void perLayerWithoutTracesShowsNoNaN() throws Exception {
        Path out = Files.createTempDirectory("loupe-per-layer-no-trace");
        CliRun r = perLayerOnMlp(out, "--samples", "100", "--trace-samples", "0", "--max-iter", "8");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("fc3.weight") && r.out().contains("trace —  top "), r.out());
        assertFalse(r.out().contains("NaN"), r.out());
        assertFalse(Files.readString(out.resolve("hessian.html")).contains("NaN"), "NaN in the report");
    }

    /** hessian --per-layer on the fixture MLP's last layer (fc3), no density, its report in {@code out}, plus {@code more}. */
    private static CliRun perLayerOnMlp(Path out, String... more) throws Exception {
        var f = Fixtures.dir();
        List<String> args = new ArrayList<>(List.of("hessian", f.resolve("models/mlp.onnx").toString(),
                "--data", f.resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz").toString(),
                "--labels", f.resolve("data/fashion-mnist-test-2000-labels-idx1-ubyte.gz").toString(),
                "--weights", "fc3\\..*", "--per-layer", "--density-steps", "0", "--report", out.resolve("hessian.html").toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void unsupportedOpsAreAUserError() throws Exception {
        // every model in fixtures is differentiable, so make one with an op outside the set
        var dir = java.nio.file.Files.createTempDirectory("loupe-hessian-test");
        var b = new dev.loupe.landscape.onnx.OnnxModelBuilder(13);
        b.input("x", dev.loupe.landscape.onnx.OnnxModelBuilder.FLOAT, -1, 2);
        b.initializer("w", new float[]{1, 0, 0, 1}, 2, 2);
        b.node(new dev.loupe.core.graph.Node("m", "MatMul", "", java.util.List.of("x", "w"), java.util.List.of("y"), java.util.Map.of()));
        b.node(new dev.loupe.core.graph.Node("e", "Elu", "", java.util.List.of("y"), java.util.List.of("z"), java.util.Map.of()));
        b.output("z", dev.loupe.landscape.onnx.OnnxModelBuilder.FLOAT, -1, 2);
        var model = dir.resolve("elu.onnx");
        java.nio.file.Files.write(model, b.build());
        var data = java.nio.file.Files.writeString(dir.resolve("x.csv"), "0.5,1\n-1,2\n");
        var labels = java.nio.file.Files.writeString(dir.resolve("y.csv"), "0\n1\n");
        CliRun r = CliRun.of("hessian", model.toString(), "--data", data.toString(), "--labels", labels.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("loupe: unsupported op Elu for gradients"), r.err());
    }

    /** --text misuse is a one-line user error, found before the model is run. */
    @Test
    void textOptionsAreCheckedUpFront() throws Exception {
        var f = Fixtures.dir();
        String mlp = f.resolve("models/mlp.onnx").toString(), text = f.resolve("text/fortunes-min.txt").toString();
        String images = f.resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz").toString();
        CliRun both = CliRun.of("hessian", mlp, "--text", text, "--data", images);
        assertEquals(2, both.exit(), both.err());
        assertTrue(both.err().contains("give exactly one of --data and --text"), both.err());
        CliRun neither = CliRun.of("hessian", mlp);
        assertEquals(2, neither.exit(), neither.err());
        CliRun ce = CliRun.of("hessian", mlp, "--text", text, "--loss", "cross_entropy");
        assertEquals(2, ce.exit(), ce.err());
        assertTrue(ce.err().contains("text models take the mse loss"), ce.err());
        CliRun targets = CliRun.of("hessian", mlp, "--data", images, "--targets", text);
        assertEquals(2, targets.exit(), targets.err());
        // an encoder other than the bundled MiniLM needs its own tokenizer; the MLP is no encoder at all
        CliRun notEncoder = CliRun.of("hessian", mlp, "--text", text, "--tokenizer", f.resolve("text/fortunes-min.txt").toString());
        assertEquals(2, notEncoder.exit(), notEncoder.err());
        CliRun noTokenizer = CliRun.of("hessian", mlp, "--text", text);
        assertEquals(2, noTokenizer.exit(), noTokenizer.err());
    }
}
