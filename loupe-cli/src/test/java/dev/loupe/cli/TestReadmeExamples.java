package dev.loupe.cli;

import dev.loupe.core.bundled.BundledModels;
import dev.loupe.core.data.Fixtures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code ./loupe ...} command in a fenced block of README.md and the module READMEs runs as pasted from
 * the repository root: bash expands it (the README's own {@code NAME=value} lines, braces, {@code ~}), the CLI
 * runs it in this JVM, and it must exit 0; a transcript's first output line without digits (a table header)
 * must appear in the output. Outputs the README writes into the current directory go to a temporary folder
 * instead. A few long runs get a short form: options appended (picocli lets the later value win) or a smaller
 * input substituted, listed in {@link #SHORTER} with the reason.
 */
class TestReadmeExamples {
    private static final Pattern FENCE = Pattern.compile("^\\s*```");
    private static final Pattern COMMAND = Pattern.compile("^(\\$ )?\\./loupe(\\s.*)?$");
    /** A bare assignment, nothing after it but a comment (not {@code LOUPE_HEAP=6g ./loupe ...}, which is a command). */
    private static final Pattern VARIABLE = Pattern.compile("^(\\$ )?([A-Z_][A-Z0-9_]*=[^\\s;&|]+)\\s*(#.*)?$");
    /** Arguments that name an output the README writes relative to the repository root. */
    private static final Pattern OUTPUT_NAME = Pattern.compile(
            ".*(/|\\.(onnx|html|npy|duckdb|csv|json|safetensors|png|svg|parquet))$");

    /**
     * A short form for a command containing {@code match}: {@code extra} options appended, 64 sentences instead of
     * 821 when {@code text}; or, when {@code parseOnly}, parsed (options, values, input files) but not run.
     */
    private record Shorter(String match, List<String> extra, boolean text, boolean parseOnly, String why) {
    }

    private static final List<Shorter> SHORTER = List.of(
            new Shorter("demo", List.of(), false, true, "inspects all of MiniLM in fp64 (30 s); TestQuantizedMiniLm inspects it"),
            new Shorter("--text fixtures/text/fortunes-min.txt", List.of(), true, false, "embeds 64 sentences, not 821"),
            new Shorter("--bits 4", List.of(), false, true, "TestOnnxOutputMiniLm and TestNBitsOutput write these layouts"),
            new Shorter("loupe hessian ~/.cache/loupe/all-minilm-l6-v2.onnx", List.of(), false, true,
                    "40 s even on 2 sentences; HessianOnMiniLmTest checks it against exact products"),
            new Shorter("loupe hessian fixtures/models/resnet20.onnx", List.of(), false, true,
                    "40 products of a ResNet (minutes on a loaded machine); HessianOnResNetTest runs it against PyHessian"),
            new Shorter("loupe hessian fixtures/models/mlp.onnx", List.of("--samples", "200", "--trace-samples", "2",
                    "--max-iter", "3", "--density-steps", "5"), false, false, "13 s at the defaults"),
            new Shorter("--directions pca", List.of("--grid", "5", "--samples", "200"), false, false,
                    "441 points on 1,000 images; TestPlaneThroughCheckpoints checks the placed checkpoints' losses"),
            new Shorter("ensemble", List.of("--rotate", "0", "--noise", "0"), false, false,
                    "the shifted-input indicators rerun every member"),
            new Shorter("zoo fixtures/zoo", List.of("--master", "none"), false, false,
                    "Spark's start takes a minute on a loaded machine; loupe-zoo's tests run Spark"),
            new Shorter("bench zoo", List.of(), false, true, "times Spark; its default zoo is relative to the directory"),
            new Shorter("bench hessian", List.of("--samples", "100", "--hvps", "2"), false, false,
                    "20 forward passes and 15 products over 1,000 images take a minute on a loaded machine"),
            new Shorter("bench lm", List.of(), false, true, "writes a 2 GB model and times it against llama.cpp (minutes); "
                    + "TestFixtureModels runs the same forward pass"));

    @TempDir
    static Path tmp;

    private record Example(Path file, int line, String command, List<String> output) {
        @Override
        public String toString() {
            return file.getParent().getFileName() + "/" + file.getFileName() + ":" + line + " " + command.replaceAll("\\s+#.*", "");
        }
    }

    @TestFactory
    Stream<DynamicTest> everyReadmeCommandRuns() throws IOException {
        Path root = Fixtures.dir().getParent();
        BundledModels.miniLm(); // what `./loupe demo` leaves in the cache, which the MiniLM examples read
        Path shortText = tmp.resolve("sentences-64.txt");
        Files.write(shortText, Files.readAllLines(root.resolve("fixtures/text/fortunes-min.txt")).subList(0, 64));
        List<Path> readmes = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> p.getFileName().toString().startsWith("loupe-")).map(p -> p.resolve("README.md"))
                    .filter(Files::isRegularFile).sorted().forEach(readmes::add);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Path readme : readmes) {
            List<String> variables = new ArrayList<>();
            for (Example e : examples(readme, variables)) {
                tests.add(DynamicTest.dynamicTest(e.toString(), () -> run(root, shortText, variables, e)));
            }
        }
        assertTrue(tests.size() >= 15, "found only " + tests.size() + " README commands");
        return tests.stream();
    }

    /** The commands of one README in order; its variable definitions are added to {@code variables}. */
    private static List<Example> examples(Path readme, List<String> variables) throws IOException {
        List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
        List<Example> out = new ArrayList<>();
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (FENCE.matcher(line).find()) {
                fenced = !fenced;
                continue;
            }
            if (!fenced) {
                continue;
            }
            Matcher v = VARIABLE.matcher(line);
            if (v.matches()) {
                variables.add(v.group(2));
                continue;
            }
            Matcher c = COMMAND.matcher(line);
            if (!c.matches()) {
                continue;
            }
            int start = i;
            StringBuilder cmd = new StringBuilder(line.substring(c.group(1) == null ? 0 : 2));
            while (cmd.toString().endsWith("\\") && i + 1 < lines.size()) {
                cmd.setLength(cmd.length() - 1);
                cmd.append(' ').append(lines.get(++i).strip());
            }
            List<String> output = new ArrayList<>();
            if (c.group(1) != null) {
                for (int j = i + 1; j < lines.size() && !lines.get(j).startsWith("$ ") && !FENCE.matcher(lines.get(j)).find(); j++) {
                    output.add(lines.get(j));
                }
            }
            out.add(new Example(readme, start + 1, cmd.toString(), output));
        }
        return out;
    }

    private static void run(Path root, Path shortText, List<String> variables, Example e) throws Exception {
        List<String> args = new ArrayList<>(expand(root, variables, e.command()));
        assertEquals("./loupe", args.removeFirst(), e.toString());
        String home = System.getProperty("user.home") + "/.cache/loupe/";
        boolean parseOnly = false;
        for (Shorter s : SHORTER) {
            if (e.command().contains(s.match())) {
                args.replaceAll(a -> s.text() && a.equals("fixtures/text/fortunes-min.txt") ? shortText.toString() : a);
                args.addAll(s.extra());
                parseOnly |= s.parseOnly();
            }
        }
        for (int k = 0; k < args.size(); k++) {
            String a = args.get(k);
            if (a.startsWith(home)) {
                // the examples read the model `./loupe demo` extracted; the cache may live elsewhere ($LOUPE_CACHE)
                args.set(k, BundledModels.cacheDir().resolve(a.substring(home.length())).toString());
            } else if (!a.startsWith("-") && !a.startsWith("/") && !a.contains(" ")) {
                args.set(k, relocate(root, a));
            }
        }
        if (args.getFirst().equals("demo")) {
            args.addAll(List.of("--report", tmp.resolve("loupe-demo.html").toString()));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Loupe.commandLine();
        cl.setOverwrittenOptionsAllowed(true);
        if (parseOnly) {
            cl.parseArgs(args.toArray(String[]::new)); // throws on an unknown option or a value of the wrong type
            return;
        }
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args.toArray(String[]::new));
        assertEquals(0, exit, e + "\nran: " + args + "\n" + err);
        e.output().stream().filter(l -> !l.isBlank()).findFirst().filter(l -> !l.matches(".*\\d.*")).ifPresent(header ->
                assertTrue(squash(out.toString()).contains(squash(header)), e + ": output lacks '" + header + "'\n" + out));
    }

    /** An argument as the CLI must see it from this JVM's directory: inputs under the root, outputs under tmp. */
    private static String relocate(Path root, String a) {
        if (Files.exists(root.resolve(a))) {
            return root.resolve(a).toString();
        }
        assertTrue(!a.startsWith("fixtures/") && !a.startsWith("loupe-"), "no such input: " + a);
        return OUTPUT_NAME.matcher(a).matches() ? tmp.resolve(a).toString() : a;
    }

    /** The words bash makes of {@code command} in the repository root, after the README's variables. */
    private static List<String> expand(Path root, List<String> variables, String command) throws Exception {
        String script = String.join("\n", variables) + "\nset -- " + command + "\nprintf '%s\\0' \"$@\"\n";
        Process p = new ProcessBuilder("bash", "-c", script).directory(root.toFile()).redirectErrorStream(true).start();
        String words = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), command + ": " + words);
        return Arrays.asList(words.split("\0"));
    }

    private static String squash(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }
}
