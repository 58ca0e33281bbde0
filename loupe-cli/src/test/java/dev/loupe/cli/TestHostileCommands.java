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
    static void hostileInputs() throws IOException {
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
                args("zoo " + c + " --master bogus://nowhere --catalog OUT/c.duckdb", "--master"));
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
