package dev.loupe.cli.bench;

import dev.loupe.cli.Table;
import dev.loupe.cli.Version;
import dev.loupe.zoo.bench.ZooBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code loupe bench zoo}: models/minute of the Spark paths against the single-process path. */
@Command(name = "zoo", mixinStandardHelpOptions = true,
        description = {"Build a catalog of the same zoo in process (the baseline, every core) and on each Spark master, "
                + "each into a fresh catalog, after a discarded warm-up pass. The master 'cluster' is a standalone "
                + "cluster of two one-core workers on 127.0.0.1, started for the benchmark from Spark's jars. Prints "
                + "models/min of the fastest of --repeats runs and its ratio to the baseline, the Spark session start, "
                + "and models/min of a cold invocation (start + one run). The first Spark start in a JVM includes "
                + "loading Spark's classes; later masters reuse them."})
public final class ZooBenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "The zoo (default: fixtures/zoo of this checkout).")
    List<Path> paths;

    @Option(paramLabel = "MASTERS", names = "--masters", split = ",", defaultValue = "local[*]," + ZooBenchmark.CLUSTER,
            description = "Spark masters to compare with the in-process path; 'cluster' starts two workers on loopback "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> masters;

    @Option(names = "--generate", paramLabel = "N", defaultValue = "0",
            description = "Instead of PATH, write N synthetic checkpoints of mixed sizes (three BF16 layers, width 32 "
                    + "to --max-width) to a temporary folder and use them.")
    int generate;

    @Option(paramLabel = "N", names = "--max-width", defaultValue = "1024",
            description = "Largest layer width of the generated checkpoints (default: ${DEFAULT-VALUE}: 10 KB to 10 MB files).")
    int maxWidth;

    @Option(paramLabel = "N", names = "--repeats", defaultValue = "2", description = "Runs per path; the fastest counts (default: ${DEFAULT-VALUE}).")
    int repeats;

    private static long bytes(List<Path> zoo) throws IOException {
        long n = 0;
        for (Path p : zoo) {
            try (Stream<Path> s = Files.walk(p)) {
                n += s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            }
        }
        return n;
    }

    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("loupe-bench-zoo");
        try {
            List<Path> zoo = paths == null || paths.isEmpty() ? List.of(Path.of("fixtures/zoo")) : paths;
            if (generate > 0) {
                zoo = List.of(Files.createDirectories(dir.resolve("generated")));
                spec.commandLine().getErr().println("loupe: writing " + generate + " checkpoints to " + zoo.getFirst());
                ZooBenchmark.generate(zoo.getFirst(), generate, maxWidth);
            }
            List<ZooBenchmark.Result> rs = ZooBenchmark.run(zoo, dir, masters, repeats, Version.number());
            double base = rs.getFirst().modelsPerMinute();
            PrintWriter w = spec.commandLine().getOut();
            w.printf("zoo %s, %d models, %.1f MB, %d cores%n", zoo, rs.getFirst().models(), bytes(zoo) / 1e6,
                    Runtime.getRuntime().availableProcessors());
            Table t = new Table("path", "run s", "models/min", "vs in-process", "spark start s",
                    "cold models/min", "cold vs in-process");
            for (ZooBenchmark.Result r : rs) {
                t.row(r.path(), Table.num(r.seconds(), 2), Table.num(r.modelsPerMinute(), 0),
                        String.format(Locale.ROOT, "%.2fx", r.modelsPerMinute() / base), Table.num(r.startSeconds(), 1),
                        Table.num(r.coldModelsPerMinute(), 0),
                        String.format(Locale.ROOT, "%.2fx", r.coldModelsPerMinute() / base));
            }
            t.print(w);
            w.flush();
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); // links (the cluster's jars) themselves
            }
        }
        return 0;
    }
}
