package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Black-box runs of {@code loupe ensemble} on label files written out by hand. */
class TestEnsembleCommand {
    @TempDir
    Path dir;

    /** The 3-class, 3-member case of the ensemble module's hand-computed test, as CSV label files. */
    private Path[] threeClass() throws IOException {
        return new Path[] {
                csv("a.csv", 0, 1, 2, 1, 2, 0), csv("b.csv", 0, 2, 2, 2, 1, 1), csv("c.csv", 1, 1, 2, 1, 0, 2),
                csv("truth.csv", 0, 1, 2, 0, 1, 2)};
    }

    @Test
    void jsonHasTheHandComputedNumbers() throws IOException {
        Path[] f = threeClass();
        CliRun r = CliRun.of("ensemble", "-p", f[0].toString(), f[1].toString(), f[2].toString(), "--labels", f[3].toString(),
                "--json", "--from", "2", "--out-dir", dir.resolve("out").toString(), "--report", dir.resolve("page.html").toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode s = Output.MAPPER.readTree(r.out()).get("stats");
        assertEquals(0.5, s.get("majorityVoteError").asDouble(), 1e-12);
        assertEquals(19.0 / 54, s.get("tandemLoss").asDouble(), 1e-12);
        assertEquals(4.0 / 9, s.get("disagreement").asDouble(), 1e-12);
        assertEquals(27.0 / 19, s.get("polarization").get("eta").asDouble(), 1e-12);
        assertEquals("[1,2,2,1]", s.get("wHistogram").get("samples").toString());
        assertTrue(Files.readString(dir.resolve("out/w_histogram.csv")).contains("3,1.000000,1"));
        assertTrue(Files.exists(dir.resolve("out/ensemble.json")));
        for (String plot : new String[] {"w_histogram", "error_vs_k", "disagreement_vs_error", "error_vs_disagreement"}) {
            assertTrue(Files.readString(dir.resolve("out").resolve(plot + ".svg")).contains("<svg"), plot);
            byte[] png = Files.readAllBytes(dir.resolve("out").resolve(plot + ".png"));
            assertEquals((byte) 0x89, png[0], plot); // PNG signature
            assertEquals('P', png[1], plot);
        }
        assertTrue(Files.readString(dir.resolve("out/ensemble.html")).contains("<svg"));
        String page = Files.readString(dir.resolve("page.html"));
        assertTrue(page.contains("<svg") && page.contains("Bounds on the majority-vote error"), "--report writes the page");
    }

    @Test
    void theOldOutSpellingStillWritesTheFolder() throws IOException {
        Path[] f = threeClass();
        CliRun r = CliRun.of("ensemble", "-p", f[0].toString(), f[1].toString(), f[2].toString(), "--labels", f[3].toString(),
                "--out", dir.resolve("old").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.exists(dir.resolve("old/ensemble.json")));
    }

    @Test
    void tablePrints() throws IOException {
        Path[] f = threeClass();
        CliRun r = CliRun.of("ensemble", "-p", f[0].toString(), f[1].toString(), f[2].toString(), "--labels", f[3].toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("polarization η = P(W > 1/2)/E[W²]") && l.endsWith(" 1.4211")),
                r.out()); // 27/19
    }

    @Test
    void sampleCountMismatchIsAUserError() throws IOException {
        Path[] f = threeClass();
        Path shortFile = csv("short.csv", 0, 1, 2);
        CliRun.of("ensemble", "-p", f[0].toString(), shortFile.toString(), "--labels", f[3].toString())
                .assertUserError(shortFile);
        Path missing = dir.resolve("missing.npy");
        CliRun.of("ensemble", "-p", missing.toString(), "--labels", f[3].toString()).assertUserError(missing);
    }

    private Path csv(String name, int... values) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int v : values) {
            sb.append(v).append('\n');
        }
        return Files.writeString(dir.resolve(name), sb.toString());
    }

    @Test
    void theDefaultRotationIsSkippedOnFlatInputsAndAnAskedOneIsRefused() throws IOException {
        Path f = dev.loupe.core.data.Fixtures.dir();
        String images = f.resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz").toString();
        String labels = f.resolve("data/fashion-mnist-test-2000-labels-idx1-ubyte.gz").toString();
        var d = dev.loupe.core.data.Datasets.read(Path.of(images), null);
        float[][] rows = new float[d.rows()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = java.util.Arrays.copyOfRange(d.features(), i * d.rowLength(), (i + 1) * d.rowLength());
        }
        Path flat = dir.resolve("flat.npy");
        dev.loupe.core.data.NpyWriter.write(flat, rows); // [2000, 784]: vectors, not 28x28 images
        String mlp = f.resolve("models/mlp.onnx").toString();
        CliRun r = CliRun.of("ensemble", "-m", mlp, mlp, "--data", flat.toString(), "--labels", labels, "--noise", "0");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("rotation 30.0° skipped"), r.err());
        CliRun asked = CliRun.of("ensemble", "-m", mlp, mlp, "--data", flat.toString(), "--labels", labels, "--rotate", "30");
        assertEquals(2, asked.exit(), asked.err());
        assertTrue(asked.err().contains("rotation needs image examples"), asked.err());
    }
}
