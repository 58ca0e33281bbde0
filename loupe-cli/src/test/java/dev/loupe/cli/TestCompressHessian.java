package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.data.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code loupe compress --allocate hessian} on an ONNX classifier or encoder: HAWQ-V2 from loupe-landscape's per-layer traces. */
class TestCompressHessian {
    @TempDir
    Path dir;

    private static String fixture(String p) {
        return Fixtures.dir().resolve(p).toString();
    }

    private static final String MLP = fixture("models/mlp.onnx");
    private static final String X = fixture("data/fashion-mnist-test-2000-images-idx3-ubyte.gz");
    private static final String Y = fixture("data/fashion-mnist-test-2000-labels-idx1-ubyte.gz");

    /**
     * The traces compress allocates by are {@code loupe hessian --per-layer}'s (same weights, examples, samples and
     * seed: bit for bit), and each layer's Ω is its Tr(H)/n times its squared RTN error at the chosen width.
     */
    @Test
    void tracesAreHessianPerLayersAndOmegaIsTheirProduct() throws Exception {
        CliRun c = CliRun.of("compress", MLP, "--bits", "3", "--allocate", "hessian", "--data", X, "--labels", Y,
                "--calibration-samples", "64", "--trace-samples", "20", "--seed", "3", "--dry-run", "--json", "--quiet");
        assertEquals(0, c.exit(), c.err());
        JsonNode got = new ObjectMapper().readTree(c.out());
        CliRun h = CliRun.of("hessian", MLP, "--data", X, "--labels", Y, "--samples", "64", "--weights", "^fc[0-9]\\.weight$",
                "--per-layer", "--trace-samples", "20", "--max-iter", "1", "--density-steps", "0", "--seed", "3", "--json");
        assertEquals(0, h.exit(), h.err());
        JsonNode ref = new ObjectMapper().readTree(h.out()).path("layers");
        JsonNode sens = got.path("sensitivity");
        assertEquals(3, sens.size());
        assertEquals(3, ref.size());
        double bits = 0;
        long n = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode s = sens.get(i), r = ref.get(i);
            assertEquals(r.path("name").asText(), s.path("name").asText());
            assertEquals(r.path("parameters").asLong(), s.path("params").asLong());
            assertEquals(r.path("trace").asDouble(), s.path("trace").asDouble(), 0.0, s.toString());
            assertEquals(r.path("traceHalfWidth95").asDouble(), s.path("traceHalfWidth95").asDouble(), 0.0);
            assertEquals(r.path("traceSamples").asInt(), s.path("traceSamples").asInt());
            double mean = Math.max(0, s.path("trace").asDouble() / s.path("params").asDouble());
            assertEquals(mean, s.path("meanTrace").asDouble(), 1e-15 * mean);
            assertEquals(mean * s.path("perturbation").asDouble(), s.path("omega").asDouble(), 1e-12 * s.path("omega").asDouble());
            JsonNode layer = got.path("layers").get(i);
            assertEquals(s.path("value").asDouble(), layer.path("target").asDouble());
            assertEquals(s.path("omega").asDouble(), layer.path("metric").asDouble());
            bits += s.path("value").asDouble() * s.path("params").asLong();
            n += s.path("params").asLong();
        }
        assertTrue(bits / n <= 3 + 1e-12, "mean bits " + bits / n);
        assertEquals("hessian", got.path("allocation").asText().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * The sparsity analogue, written and evaluated: sparsities on the 5 % grid whose weighted mean reaches the target,
     * Ω = Tr(H)/n·‖P_s(W) − W‖², and each layer's achieved zeros are its allocated sparsity (magnitude, exact counts).
     */
    @Test
    void sparsityFollowsTheTracesAndIsWritten() throws Exception {
        Path out = dir.resolve("p.onnx");
        CliRun c = CliRun.of("compress", MLP, "--sparsity", "0.5", "--allocate", "hessian", "--data", X, "--labels", Y,
                "--calibration-samples", "32", "--trace-samples", "10", "--out", out.toString(), "--json", "--quiet");
        assertEquals(0, c.exit(), c.err());
        JsonNode got = new ObjectMapper().readTree(c.out());
        double zeros = 0;
        long n = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode s = got.path("sensitivity").get(i), layer = got.path("layers").get(i);
            double sp = s.path("value").asDouble();
            assertEquals(Math.round(sp * 20) / 20.0, sp, 1e-12);
            assertEquals(sp, layer.path("target").asDouble());
            assertEquals(sp, layer.path("sparsity").asDouble(), 1.0 / s.path("params").asLong());
            assertEquals(s.path("meanTrace").asDouble() * s.path("perturbation").asDouble(), s.path("omega").asDouble(),
                    1e-12 * s.path("omega").asDouble());
            zeros += layer.path("sparsity").asDouble() * s.path("params").asLong();
            n += s.path("params").asLong();
        }
        assertTrue(zeros / n >= 0.5 - 1e-9, "mean sparsity " + zeros / n);
        assertTrue(Files.exists(out));
    }

    /** The text output names every HAWQ-V2 term per layer. */
    @Test
    void textStatesTraceWeightsPerturbationOmegaAndBits() {
        CliRun c = CliRun.of("compress", MLP, "--bits", "4", "--allocate", "hessian", "--data", X, "--labels", Y,
                "--calibration-samples", "32", "--trace-samples", "10", "--dry-run", "--quiet");
        assertEquals(0, c.exit(), c.err());
        for (String s : new String[] {"Tr(H) ± 95% CI", "Tr(H)/n", "‖ΔW‖²", "Ω", "bits", "fc1.weight", "HAWQ-V2"}) {
            assertTrue(c.out().contains(s), s + " missing:\n" + c.out());
        }
    }

    /** Missing or mismatched labels and data: one line, exit 2, nothing written. */
    @Test
    void missingOrMismatchedDataIsAUserErrorAndWritesNothing() throws Exception {
        Path out = dir.resolve("o.onnx");
        Path threeLabels = Files.writeString(dir.resolve("three.csv"), "1\n2\n3\n");
        Path narrow = Files.writeString(dir.resolve("narrow.csv"), "1,2,3\n4,5,6\n");
        Path twoLabels = Files.writeString(dir.resolve("two.csv"), "1\n2\n");
        String[][] cases = {
            {"--data", X},
            {"--data", X, "--labels", threeLabels.toString()},
            {"--data", narrow.toString(), "--labels", twoLabels.toString()},
            {},
        };
        String[] why = {"add --labels", "3 labels for 2000 examples", "examples have 3 values", "--allocate hessian needs data"};
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[6 + cases[i].length];
            System.arraycopy(new String[] {"compress", MLP, "--bits", "3", "--allocate", "hessian"}, 0, args, 0, 6);
            System.arraycopy(cases[i], 0, args, 6, cases[i].length);
            String[] withOut = java.util.Arrays.copyOf(args, args.length + 2);
            withOut[args.length] = "--out";
            withOut[args.length + 1] = out.toString();
            CliRun r = CliRun.of(withOut);
            assertEquals(2, r.exit(), r.err());
            assertEquals("", r.out());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("loupe: ") && r.err().contains(why[i]), r.err());
            assertFalse(Files.exists(out), "wrote " + out + " for " + String.join(" ", cases[i]));
        }
        CliRun t = CliRun.of("compress", MLP, "--sparsity", "0.5", "--allocate", "hessian", "--text", fixture("text/fortunes-min.txt"),
                "--trace-samples", "0", "--out", out.toString());
        assertEquals(2, t.exit(), t.err());
        assertTrue(t.err().contains("no XᵀX form for sparsity"), t.err());
        CliRun r = CliRun.of("compress", MLP, "--bits", "3", "--trace-samples", "5", "--out", out.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--trace-samples"), r.err());
        assertFalse(Files.exists(out));
    }

    /**
     * On all-MiniLM-L6-v2 with --text, the traces are those of {@code loupe hessian --text --per-layer} (the
     * self-distillation MSE; same sentences, vectors and seed: bit for bit), on the first layer's query and key
     * matrices (--skip leaves the other 34 as they are) over 4 sentences with 3 vectors each, to keep it to seconds.
     */
    @Test
    void encoderTracesAreHessianTextPerLayers() throws Exception {
        String minilm = dev.loupe.core.bundled.BundledModels.miniLm().toString();
        String text = fixture("text/fortunes-min.txt");
        CliRun c = CliRun.of("compress", minilm, "--bits", "4", "--allocate", "hessian", "--text", text, "--calibration-samples", "4",
                "--trace-samples", "3", "--seed", "5", "--skip", "^(?!onnx::MatMul_78[78]$)onnx::", "--dry-run", "--json", "--quiet");
        assertEquals(0, c.exit(), c.err());
        JsonNode got = new ObjectMapper().readTree(c.out());
        CliRun h = CliRun.of("hessian", minilm, "--text", text, "--samples", "4", "--weights", "^onnx::MatMul_78[78]$", "--per-layer",
                "--trace-samples", "3", "--max-iter", "1", "--density-steps", "0", "--seed", "5", "--json");
        assertEquals(0, h.exit(), h.err());
        JsonNode ref = new ObjectMapper().readTree(h.out()).path("layers");
        JsonNode sens = got.path("sensitivity");
        assertEquals(2, sens.size());
        assertEquals(2, ref.size());
        for (int i = 0; i < 2; i++) {
            JsonNode s = sens.get(i), r = ref.get(i);
            assertEquals(r.path("name").asText(), s.path("name").asText());
            assertEquals(147_456, s.path("params").asLong());
            assertTrue(s.path("trace").asDouble() > 0, s.toString()); // Gauss-Newton: positive semi-definite
            assertEquals(r.path("trace").asDouble(), s.path("trace").asDouble(), 0.0, s.toString());
            assertEquals(r.path("traceHalfWidth95").asDouble(), s.path("traceHalfWidth95").asDouble(), 0.0);
            assertEquals(3, s.path("traceSamples").asInt());
            assertEquals(s.path("trace").asDouble() / 147_456 * s.path("perturbation").asDouble(), s.path("omega").asDouble(),
                    1e-12 * s.path("omega").asDouble());
        }
        assertTrue(got.path("notes").toString().contains("self-distillation"), got.path("notes").toString());
    }

    /** --allocate hessian --text on a model that is no sentence encoder: one line, exit 2, nothing written. */
    @Test
    void textTracesOnANonEncoderIsAUserErrorAndWritesNothing() {
        Path out = dir.resolve("e.onnx");
        String tokenizer = dev.loupe.core.bundled.BundledModels.miniLmTokenizer().toString();
        String[][] cases = {{"--bits", "4"}, {"--sparsity", "0.5"}, {"--bits", "4", "--tokenizer", tokenizer}};
        for (String[] c : cases) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("compress", MLP, "--allocate", "hessian", "--text",
                    fixture("text/fortunes-min.txt"), "--out", out.toString()));
            args.addAll(java.util.List.of(c));
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(2, r.exit(), r.err());
            assertEquals("", r.out());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("loupe: ") && r.err().contains("mlp.onnx"), r.err());
            assertFalse(Files.exists(out));
        }
    }
}
