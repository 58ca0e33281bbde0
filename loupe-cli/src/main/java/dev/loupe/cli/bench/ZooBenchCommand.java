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
        description = {"Build a catalog of the same zoo with the single-process path (the baseline) and with Spark",
                "local[1] and local[2], each into a fresh catalog, after a discarded warm-up pass. Prints models/min",
                "of the fastest of --repeats runs and its ratio to the baseline, the Spark session start, and",
                "models/min of a cold invocation (start + one run). The first Spark start in a JVM includes",
                "loading Spark's classes; later masters reuse them."})
public final class ZooBenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "The zoo (default: fixtures/zoo of this checkout).")
    List<Path> paths;

    @Option(names = "--masters", split = ",", defaultValue = "local[1],local[2]",
            description = "Spark masters to compare (default: ${DEFAULT-VALUE}).")
    List<String> masters;

    @Option(names = "--repeats", defaultValue = "2", description = "Runs per path; the fastest counts (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() throws IOException {
        List<Path> zoo = paths == null || paths.isEmpty() ? List.of(Path.of("fixtures/zoo")) : paths;
        Path dir = Files.createTempDirectory("loupe-bench-zoo");
        try {
            List<ZooBenchmark.Result> rs = ZooBenchmark.run(zoo, dir, masters, repeats, Version.number());
            double base = rs.getFirst().modelsPerMinute();
            PrintWriter w = spec.commandLine().getOut();
            w.printf("zoo %s, %d models, %d cores%n", zoo, rs.getFirst().models(), Runtime.getRuntime().availableProcessors());
            Table t = new Table("path", "run s", "models/min", "vs single-process", "spark start s",
                    "cold models/min", "cold vs single-process");
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
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }
}
