package dev.loupe.cli;

import dev.loupe.core.data.Fixtures;
import dev.loupe.core.data.NpyWriter;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command fed what a hostile evaluator would feed it (empty, random or truncated files, a 2^40-element
 * header, NaN weights, a directory with no checkpoint, data that does not match its labels or the model, an
 * input as the output, nonsense option values) must answer the same way: exit 2, nothing on stdout, one
 * stderr line naming the file (or the option) and no output file left behind; inputs stay unchanged.
 */
class TestHostileCommands {
    @TempDir
    static Path in;

    @TempDir
    Path out;

    static Path cnn;
    static Path images;

    @BeforeAll
    static void hostileInputs() throws IOException, InterruptedException {
        Path f = Fixtures.dir();
        cnn = Files.copy(f.resolve("models/cnn.onnx"), in.resolve("cnn.onnx"));
        images = f.resolve("data/fashion-mnist-test-2000-images-idx3-ubyte.gz");
        Files.write(in.resolve("empty.onnx"), new byte[0]);
        Random rnd = new Random(7);
        byte[] png = new byte[4096];
        rnd.nextBytes(png);
        System.arraycopy(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, png, 0, 8);
        for (String ext : List.of("safetensors", "gguf", "pt", "onnx")) {
            Files.write(in.resolve("png." + ext), png);
        }
        byte[] st = Files.readAllBytes(f.resolve("models/cnn.safetensors"));
        Files.write(in.resolve("cut.safetensors"), Arrays.copyOf(st, 1000));
        byte[] onnx = Files.readAllBytes(cnn);
        Files.write(in.resolve("cut.onnx"), Arrays.copyOf(onnx, onnx.length / 2));
        Files.write(in.resolve("huge.safetensors"), safetensors(
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[1048576,1048576],\"data_offsets\":[0,4398046511104]}}", 64));
        float[] w = new float[16 * 8];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 7) - 3;
        }
        w[21] = Float.NaN;
        SafetensorsWriter.write(in.resolve("nan.safetensors"), List.of(Tensor.contiguous("fc.weight", DType.F32,
                new long[]{16, 8}, MemorySegment.ofArray(w), null)), Map.of());
        Files.createDirectories(in.resolve("nocheckpoints"));
        Files.writeString(in.resolve("nocheckpoints/readme.txt"), "no model here");
        Files.write(in.resolve("binary.txt"), new byte[]{(byte) 0xff, (byte) 0xfe, 0, (byte) 0xc3, 0x28, '\n'});
        Files.writeString(in.resolve("ok.txt"), "one sentence\n");
        NpyWriter.write(in.resolve("img4.npy"), rows(4, 784));
        NpyWriter.write(in.resolve("img32.npy"), rows(4, 32 * 32)); // the CNN wants 28x28
        float[][] nan = rows(4, 784);
        nan[2][5] = Float.NaN;
        NpyWriter.write(in.resolve("nan4.npy"), nan);
        byte[] npy = Files.readAllBytes(in.resolve("img4.npy"));
        Files.write(in.resolve("cut.npy"), Arrays.copyOf(npy, npy.length - 100));
        Files.writeString(in.resolve("lab4.csv"), "1\n2\n3\n4\n");
        Files.writeString(in.resolve("lab3.csv"), "1\n2\n3\n");
        Files.writeString(in.resolve("lab_out_of_range.csv"), "1\n2\n3\n1000\n");
        NpyWriter.write(in.resolve("pred.npy"), rows(4, 10));
        // round 2: files whose outputs would land on an input, invalid graphs, a runaway model, a FIFO as an output
        Path shards = Files.createDirectories(in.resolve("sharded"));
        for (int k = 1; k <= 2; k++) {
            SafetensorsWriter.write(shards.resolve("model-0000" + k + "-of-00002.safetensors"), List.of(Tensor.contiguous(
                    "l" + k + ".weight", DType.F32, new long[]{16, 8}, MemorySegment.ofArray(rows(1, 128)[0]), null)), Map.of());
        }
        Files.writeString(shards.resolve("model.safetensors.index.json"), "{\"weight_map\": {\"l1.weight\": "
                + "\"model-00001-of-00002.safetensors\", \"l2.weight\": \"model-00002-of-00002.safetensors\"}}");
        Path folder = Files.createDirectories(in.resolve("folder"));
        Files.copy(f.resolve("models/mlp.safetensors"), folder.resolve("model.safetensors"));
        HostileModels.externalData(Files.createDirectories(in.resolve("external")).resolve("ext.onnx"));
        HostileModels.twoInitializersNamedW(in.resolve("dupW.onnx"));
        HostileModels.endlessLoop(in.resolve("loop.onnx"), 4);
        NpyWriter.write(in.resolve("x4.npy"), rows(1, 4));
        Files.writeString(in.resolve("lab1.csv"), "0\n");
        Path predictions = Files.createDirectories(in.resolve("saved/in-distribution"));
        Files.writeString(predictions.resolve("cnn.csv"), "1\n2\n3\n4\n"); // labels where --save-predictions writes
        // a shard that is a link to a file outside the index's folder
        Path linked = Files.createDirectories(in.resolve("linked"));
        Files.createSymbolicLink(linked.resolve("model-00001-of-00001.safetensors"), in.resolve("nan.safetensors"));
        Files.writeString(linked.resolve("model.safetensors.index.json"),
                "{\"weight_map\": {\"fc.weight\": \"model-00001-of-00001.safetensors\"}}");
        // special files standing in for a twin of /dev/null (a FIFO needs no root and cannot harm the machine)
        for (String name : List.of("fifo.onnx", "fifo.html")) {
            assertEquals(0, new ProcessBuilder("mkfifo", in.resolve(name).toString()).start().waitFor(), "mkfifo");
        }
    }

    /** The hostile cases: arguments, then the name the one stderr line must contain. */
    static List<String[]> cases() {
        String c = cnn.toString();
        String img = images.toString();
        return List.of(
                // checkpoints
                args("ls --verify --json %s", "png.safetensors"),
                args("ls --json %s", "cut.onnx"),
                args("inspect --json %s", "empty.onnx"),
                args("inspect --json %s", "huge.safetensors"),
                args("inspect --json %s", "png.gguf"),
                args("inspect --json %s", "png.pt"),
                args("inspect --json %s", "nocheckpoints"),
                args("inspect --json %s", "missing.safetensors"),
                args("inspect --quiet --out OUT/o --report OUT/r.html %s", "nan.safetensors"),
                args("compress --bits 8 --report OUT/r.html --out OUT/c.safetensors %s", "nan.safetensors"),
                args("compress --sparsity 0.5 --json --out OUT/c.safetensors %s", "cut.safetensors"),
                args("compress --bits 8 --out OUT/c.onnx %s", "cut.onnx"),
                // data that does not fit its labels or the model; compress --eval must not leave its model behind
                args("eval --json --data %s --labels IN/lab4.csv " + c, "cut.npy"),
                args("eval --json --data IN/img4.npy --labels %s " + c, "lab3.csv"),
                args("eval --json --data " + img + " --labels %s " + c, "lab4.csv"),
                args("eval --json --data %s --labels IN/lab4.csv " + c, "img32.npy"),
                args("landscape line --json --points 3 --data %s --labels IN/lab4.csv " + c, "nan4.npy"),
                args("eval --json --data IN/img4.npy --labels IN/lab_out_of_range.csv " + c, "lab_out_of_range.csv"), // the range is the model's
                args("eval --json --data IN/img4.npy --labels IN/lab4.csv %s", "png.onnx"),
                args("compress --bits 8 --eval --data %s --labels IN/lab4.csv --out OUT/c.onnx " + c, "img32.npy"),
                args("ensemble --json -p IN/pred.npy -p IN/pred.npy -p IN/pred.npy --labels %s --out OUT/e", "lab3.csv"),
                args("ensemble --json -m %s -m " + c + " --data IN/img4.npy --labels IN/lab4.csv --out OUT/e", "png.onnx"),
                args("landscape line --json --points 3 --data %s --labels IN/lab4.csv --out OUT/o " + c, "cut.npy"),
                args("landscape plane --json --grid 3 --data IN/img4.npy --labels %s --out OUT/o " + c, "lab3.csv"),
                args("landscape sample --json --points 4 --data IN/img4.npy --labels IN/lab4.csv --out OUT/o %s", "empty.onnx"),
                args("hessian --json --max-iter 2 --data %s --labels IN/lab4.csv --out OUT/o --report OUT/h.html " + c, "img32.npy"),
                args("bench landscape --grid 2 --data IN/img4.npy --labels %s " + c, "lab3.csv"),
                args("zoo query --json --catalog %s SELECT", "png.onnx"),
                // an output where it cannot or must not go: refused before any work, the input untouched
                args("inspect --report %s " + c, "cnn.onnx"),
                args("eval --json --text IN/ok.txt --tokenizer IN/ok.txt --embeddings %s " + c, "ok.txt"),
                args("landscape line --json --points 3 --data IN/img4.npy --labels IN/lab4.csv --out %s " + c, "lab4.csv"),
                args("ensemble --json -p IN/pred.npy -p IN/pred.npy --labels IN/lab4.csv --out %s", "pred.npy"),
                args("compress --bits 8 --report %s --out OUT/c.onnx " + c, "nocheckpoints"),
                // nonsense option values and usage errors: one line naming the option, exit 2
                args("compress --bits 0 --out OUT/c.onnx " + c, "--bits"),
                args("compress --sparsity 1.5 --out OUT/c.onnx " + c, "--sparsity"),
                args("inspect --threads 0 " + c, "--threads"),
                args("inspect --conv bogus " + c, "--conv"),
                args("ls --filter [ " + c, "--filter"),
                args("landscape plane --grid 0 --data IN/img4.npy --labels IN/lab4.csv " + c, "--grid"),
                args("landscape line --batch 0 --data IN/img4.npy --labels IN/lab4.csv " + c, "--batch"),
                args("landscape line --weights ( --data IN/img4.npy --labels IN/lab4.csv " + c, "--weights"),
                args("hessian --top-k 0 --data IN/img4.npy --labels IN/lab4.csv " + c, "--top-k"),
                args("hessian --top-k 100000000 --data IN/img4.npy --labels IN/lab4.csv " + c, "--top-k"),
                args("ensemble --json -p IN/pred.npy --labels IN/lab4.csv --rotate abc", "--rotate"),
                args("ensemble --json -p IN/pred.npy -p IN/pred.npy -p IN/pred.npy --labels IN/lab4.csv --from 9 --out OUT/e", "--from"),
                args("ensemble --json -p %s -p IN/pred.npy --labels IN/lab4.csv --classes 3 --out OUT/e", "pred.npy"),
                args("eval --json --data IN/img4.npy --text IN/ok.txt " + c, "--data"),
                args("bench read --runs 0", "--runs"),
                args("landscape line --loss mse --data IN/img4.npy --labels %s " + c, "lab4.csv"),
                args("landscape sample --points 8 --knn 100 --data IN/img4.npy --labels IN/lab4.csv " + c, "--knn"),
                args("zoo %s --master none --catalog OUT/c.duckdb", "nocheckpoints"),
                args("zoo " + c + " --master bogus://nowhere --catalog OUT/c.duckdb", "--master"),
                // round 2. An output that is a file the input resolves to: a shard of an index, the checkpoint in a folder,
                // ONNX external data, labels inside the --save-predictions folder
                args("compress --bits 8 --out IN/sharded/model-00001-of-00002.safetensors %s", "model.safetensors.index.json"),
                args("compress --bits 8 --out IN/folder/model.safetensors %s", "folder"),
                args("compress --bits 8 --out IN/external/w.bin %s", "ext.onnx"),
                args("inspect --report IN/sharded/model-00002-of-00002.safetensors %s", "model.safetensors.index.json"),
                args("ensemble --json -m " + c + " -m " + c + " --data IN/img4.npy --labels %s --rotate 0 --save-predictions IN/saved",
                        "saved/in-distribution/cnn.csv"),
                // an invalid graph is never published: ONNX Runtime loads the written model before the rename
                args("compress --bits 8 --out OUT/c.onnx IN/dupW.onnx", "c.onnx"),
                // a model run past --timeout is stopped and said so
                args("eval --timeout 1 --data IN/x4.npy --labels IN/lab1.csv %s", "loop.onnx"),
                args("ls --verify %s", "linked/model.safetensors.index.json"),
                args("landscape line --json --points 3 --extend 1e300 --to " + Fixtures.dir().resolve("models/cnn_epoch01.onnx")
                        + " --data IN/img4.npy --labels IN/lab4.csv " + c, "--extend"),
                // an existing output that is not a regular file is refused, not replaced
                args("compress --bits 8 --out %s " + c, "fifo.onnx"),
                args("inspect --report %s " + c, "fifo.html"));
    }

    @Test
    void everyCommandRejectsHostileInputCleanly() throws IOException {
        Map<String, String> before = hashes(in);
        List<String> failures = new ArrayList<>();
        List<String[]> cases = cases();
        for (int i = 0; i < cases.size(); i++) {
            String[] c = cases.get(i);
            Path outDir = Files.createDirectories(out.resolve("case" + i));
            String[] argv = Arrays.stream(c[0].split(" "))
                    .map(a -> a.replace("IN/", in + "/").replace("OUT/", outDir + "/")).toArray(String[]::new);
            CliRun r = CliRun.of(argv);
            List<String> problems = new ArrayList<>();
            if (r.exit() != 2) {
                problems.add("exit " + r.exit());
            }
            if (!r.out().isEmpty()) {
                problems.add("stdout " + r.out().lines().limit(1).toList());
            }
            if (r.err().lines().count() != 1 || !r.err().startsWith("loupe: ") || !r.err().contains(c[1])) {
                problems.add("stderr " + r.err().lines().limit(3).toList());
            }
            try (Stream<Path> s = Files.walk(outDir)) {
                List<Path> left = s.filter(Files::isRegularFile).toList();
                if (!left.isEmpty()) {
                    problems.add("left " + left);
                }
            }
            if (!problems.isEmpty()) {
                failures.add(String.join(" ", argv) + " -> " + problems);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases.size() + " cases broke the rule:\n" + String.join("\n", failures));
        assertEquals(before, hashes(in), "an input was modified");
    }

    /**
     * Someone else's catalog is untrusted: its own {@code failures} view (reading a local file) is never run, and a
     * query can neither read nor write files outside the catalog's Parquet unless --external-access is given.
     */
    @Test
    void aCatalogsOwnSqlNeverRuns() throws Exception {
        Path secret = Files.writeString(out.resolve("secret.csv"), "word\nTOPSECRET\n");
        Path catalog = out.resolve("evil.duckdb");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + catalog);
             java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE runs (run_id VARCHAR PRIMARY KEY, started_at VARCHAR, master VARCHAR, parquet_dir VARCHAR, "
                    + "found INTEGER, skipped INTEGER, analyzed INTEGER, failed INTEGER, layers BIGINT, seconds DOUBLE, loupe_version VARCHAR)");
            st.execute("CREATE VIEW failures AS SELECT * FROM read_csv('" + secret + "')");
        }
        CliRun r = CliRun.of("zoo", "query", "--catalog", catalog.toString(), "SELECT * FROM failures");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("(0 rows)") && !r.out().contains("TOPSECRET"), r.out());
        Path leak = out.resolve("leak.csv");
        for (String sql : List.of("COPY (SELECT 42) TO '" + leak + "'", "SELECT * FROM read_csv('" + secret + "')",
                "SET enable_external_access = true")) {
            CliRun q = CliRun.of("zoo", "query", "--catalog", catalog.toString(), sql);
            assertEquals(2, q.exit(), sql + ": " + q.out() + q.err());
            assertEquals(1, q.err().lines().count(), q.err());
            assertTrue(!q.out().contains("TOPSECRET"), q.out());
        }
        assertTrue(!Files.exists(leak), "COPY TO wrote a file");
        CliRun asked = CliRun.of("zoo", "query", "--external-access", "--catalog", catalog.toString(), "SELECT * FROM read_csv('" + secret + "')");
        assertEquals(0, asked.exit(), asked.err());
        assertTrue(asked.out().contains("TOPSECRET"), asked.out());
    }

    /** Names that would drive the terminal: ANSI escapes, line breaks of every kind, bidi overrides. */
    static final List<String> TERMINAL_TRICKS = List.of("\u001b[2J\u001b[H", "\u001b]0;pwned\u0007", "a\nb", "v\u000btab",
            "f\u000cfeed", "nel\u0085", "ls\u2028ps", "rtl\u202eexe.txt", "cr\rover");

    /**
     * Tensor names and file names from a checkpoint reach the terminal escaped, in tables, JSON and error lines: no
     * raw control, format or separator character is printed (newlines only end lines), and the JSON stays valid.
     */
    @Test
    void namesFromFilesNeverDriveTheTerminal() throws IOException {
        List<Tensor> tensors = new ArrayList<>();
        for (int i = 0; i < TERMINAL_TRICKS.size(); i++) {
            tensors.add(Tensor.contiguous(TERMINAL_TRICKS.get(i) + i, DType.F32, new long[]{2, 2}, MemorySegment.ofArray(new float[4]), null));
        }
        Path tricky = out.resolve("tricky.safetensors");
        SafetensorsWriter.write(tricky, tensors, Map.of());
        for (String[] argv : List.of(new String[]{"ls", tricky.toString()}, new String[]{"ls", "--json", tricky.toString()},
                new String[]{"inspect", tricky.toString()})) {
            CliRun r = CliRun.of(argv);
            assertEquals(0, r.exit(), r.err());
            assertPrintable(r.out());
            assertPrintable(r.err());
            assertTrue(r.out().contains("\\u001B[2J") || r.out().contains("\\u001b[2J"), r.out());
        }
        CliRun json = CliRun.of("ls", "--json", tricky.toString());
        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        assertTrue(root.toString().contains("rtl\u202eexe.txt7"), "the JSON no longer names the tensor: " + json.out());
        // an error line naming such a file is one printable line
        Path bad = Files.writeString(out.resolve("evil\u001b[2J\u202e.safetensors"), "not a checkpoint");
        CliRun r = CliRun.of("ls", bad.toString());
        assertEquals(2, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());
        assertPrintable(r.err());
    }

    private static void assertPrintable(String s) {
        for (char c : s.toCharArray()) {
            assertTrue(c == '\n' || !(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR),
                    String.format("raw U+%04X in: %s", (int) c, s));
        }
    }

    /**
     * A square W read by MatMul (x·W) and by Gemm transB=1 (x·Wᵀ) cannot share one packed copy: at 4 bits both
     * outputs must stay within the quantization error of the original's. The bound is independent of the code:
     * a symmetric 4-bit step is at most max|W|/7 = 5/7, so every weight moves by at most 5/14 and an output by at most
     * Σ|x_i|·5/14 (with one shared packing the Gemm's output moves by |x·(W − Wᵀ)|, about 20 here).
     */
    @Test
    void aWeightReadInTwoOrientationsKeepsBoth() throws Exception {
        Path model = HostileModels.twoReaders(out.resolve("two-readers.onnx"));
        float[][] x = gaussianRows(3, HostileModels.K, 11);
        for (String bits : List.of("4", "8")) {
            Path c = out.resolve("c" + bits + ".onnx");
            CliRun r = CliRun.of("compress", "--bits", bits, "--out", c.toString(), model.toString());
            assertEquals(0, r.exit(), r.err());
            assertWithinQuantizationError(runOrt(model, x), runOrt(c, x), x, 5.0 / 14);
        }
    }

    /**
     * A node output already named W_scale (what the quantizer names W's scales) must not get a second definition:
     * the written model loads in ONNX Runtime and computes what the original does, within the 8-bit error
     * (step max|W|/127, so Σ|x_i|·5/254 per output, through a Relu that moves nothing further).
     */
    @Test
    void generatedNamesNeverCollideWithTheModels() throws Exception {
        Path model = HostileModels.outputNamedLikeAScale(out.resolve("taken.onnx"));
        float[][] x = gaussianRows(3, HostileModels.K, 12);
        Path c = out.resolve("c.onnx");
        CliRun r = CliRun.of("compress", "--bits", "8", "--out", c.toString(), model.toString());
        assertEquals(0, r.exit(), r.err());
        assertWithinQuantizationError(runOrt(model, x), runOrt(c, x), x, 5.0 / 254);
    }

    /** Two members with one file name (run1/model.onnx, run2/model.onnx) keep their own saved predictions. */
    @Test
    void membersWithOneFileNameKeepTheirOwnSavedPredictions() throws IOException {
        Path a = Files.copy(cnn, Files.createDirectories(out.resolve("run1")).resolve("model.onnx"));
        Path b = Files.copy(Fixtures.dir().resolve("models/cnn_epoch01.onnx"), Files.createDirectories(out.resolve("run2")).resolve("model.onnx"));
        Path saved = out.resolve("saved");
        CliRun r = CliRun.of("ensemble", "--json", "-m", a.toString(), "-m", b.toString(), "--data", in.resolve("img4.npy").toString(),
                "--labels", in.resolve("lab4.csv").toString(), "--rotate", "0", "--save-predictions", saved.toString());
        assertEquals(0, r.exit(), r.err());
        try (Stream<Path> s = Files.list(saved.resolve("in-distribution"))) {
            assertEquals(List.of("model.csv", "model.npy", "run2-model.csv", "run2-model.npy"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(!Files.readString(saved.resolve("in-distribution/model.csv")).equals(
                Files.readString(saved.resolve("in-distribution/run2-model.csv"))) || !Arrays.equals(
                Files.readAllBytes(saved.resolve("in-distribution/model.npy")), Files.readAllBytes(saved.resolve("in-distribution/run2-model.npy"))),
                "two different models saved the same predictions: one overwrote the other");
    }

    /**
     * A weight with no elements ([0, 64]) beside a normal one is no layer: compress quantizes the other one and
     * succeeds in all three formats that can hold it (it divided by the zero rows before).
     */
    @Test
    void emptyWeightsAreNoLayers() throws IOException {
        float[] w = rows(1, 128)[0];
        Path st = out.resolve("empty.safetensors");
        SafetensorsWriter.write(st, List.of(Tensor.contiguous("empty.weight", DType.F32, new long[]{0, 64}, MemorySegment.ofArray(new float[0]), null),
                Tensor.contiguous("fc.weight", DType.F32, new long[]{16, 8}, MemorySegment.ofArray(w), null)), Map.of());
        byte[] stored = new byte[4 * 128];
        java.nio.ByteBuffer.wrap(stored).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(w);
        Path pt = dev.loupe.core.format.pytorch.TorchZip.checkpoint(new dev.loupe.core.format.pytorch.Pickle().proto(2).op('}').op('(')
                .str("empty.weight").tensor("torch.FloatStorage", "0", 0, 0, new long[]{0, 64}, new long[]{64, 1})
                .str("fc.weight").tensor("torch.FloatStorage", "1", 128, 0, new long[]{16, 8}, new long[]{8, 1})
                .op('u').stop().bytes(), new byte[0], stored).write(out.resolve("empty.pt"));
        Path gguf = dev.loupe.core.format.gguf.GgufFixture.v3().tensor("empty.weight", DType.F32, new long[]{64, 0}, new byte[0])
                .tensor("fc.weight", DType.F32, new long[]{8, 16}, stored).write(out.resolve("empty.gguf"));
        for (Path model : List.of(st, pt, gguf)) {
            Path c = out.resolve("c-" + model.getFileName() + ".safetensors");
            CliRun r = CliRun.of("compress", "--bits", "8", "--json", "--out", c.toString(), model.toString());
            assertEquals(0, r.exit(), model + ": " + r.err());
            assertTrue(r.out().contains("fc.weight") && !r.out().contains("\"empty.weight\""), r.out());
            assertTrue(Files.size(c) > 0);
        }
    }

    /** An OutOfMemoryError (picocli lets Errors through) reaches the one-line handler: exit 2, one line, no trace. */
    @Test
    void outOfMemoryIsOneLine() {
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = Loupe.commandLine().addSubcommand("oom", new Exhausting());
        cl.setErr(new java.io.PrintWriter(err, true));
        assertEquals(2, cl.execute("oom"));
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("loupe: out of memory"), err.toString());
    }

    @picocli.CommandLine.Command(name = "oom")
    static final class Exhausting implements Runnable {
        @Override
        public void run() {
            throw new OutOfMemoryError("Java heap space");
        }
    }

    private static void assertWithinQuantizationError(List<float[][]> original, List<float[][]> compressed, float[][] x,
                                                      double perWeight) {
        assertEquals(original.size(), compressed.size());
        for (int o = 0; o < original.size(); o++) {
            for (int n = 0; n < x.length; n++) {
                double bound = 0;
                for (float v : x[n]) {
                    bound += Math.abs(v) * perWeight;
                }
                for (int j = 0; j < original.get(o)[n].length; j++) {
                    assertEquals(original.get(o)[n][j], compressed.get(o)[n][j], bound + 1e-4, "output " + o + " row " + n + " col " + j);
                }
            }
        }
    }

    /** Every output of {@code model} on input {@code x}, in the graph's output order. */
    static List<float[][]> runOrt(Path model, float[][] x) throws Exception {
        ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        try (ai.onnxruntime.OrtSession s = env.createSession(model.toString(), new ai.onnxruntime.OrtSession.SessionOptions());
             ai.onnxruntime.OnnxTensor t = ai.onnxruntime.OnnxTensor.createTensor(env, x);
             ai.onnxruntime.OrtSession.Result r = s.run(Map.of("x", t))) {
            List<float[][]> outs = new ArrayList<>();
            r.forEach(e -> {
                try {
                    outs.add((float[][]) e.getValue().getValue());
                } catch (ai.onnxruntime.OrtException ex) {
                    throw new IllegalStateException(ex);
                }
            });
            return outs;
        }
    }

    static float[][] gaussianRows(int n, int width, long seed) {
        Random rnd = new Random(seed);
        float[][] x = new float[n][width];
        for (float[] row : x) {
            for (int j = 0; j < width; j++) {
                row[j] = (float) rnd.nextGaussian();
            }
        }
        return x;
    }

    /** {@code template} with %s replaced by the input {@code name} (a file under IN/), or as is for an option. */
    private static String[] args(String template, String name) {
        return new String[]{template.contains("%s") ? template.formatted(in.resolve(name)) : template, name};
    }

    private static byte[] safetensors(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[8 + h.length + dataBytes];
        long n = h.length;
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (n >>> (8 * i));
        }
        System.arraycopy(h, 0, b, 8, h.length);
        return b;
    }

    private static float[][] rows(int n, int width) {
        float[][] r = new float[n][width];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < width; j++) {
                r[i][j] = (i * 31 + j) % 255;
            }
        }
        return r;
    }

    private static Map<String, String> hashes(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                try {
                    m.put(dir.relativize(p).toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return m;
    }
}
