package dev.loupe.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every hostile file the four readers' tests rejected (collected by loupe-core's tests into
 * target/malformed-corpus) must, through the real command line, give exit 2, nothing on stdout and
 * one stderr line naming the file: no stack trace, no partial listing.
 */
class TestHostileCorpusCli {
    @Test
    void everyRejectedFileIsOneCleanErrorLine() throws IOException {
        Path dir = Path.of(System.getProperty("loupe.malformed.corpus", "../loupe-core/target/malformed-corpus"));
        assertTrue(Files.isDirectory(dir), dir + " is missing: run loupe-core's tests first (./build verify does)");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        assertTrue(files.size() >= 50, "corpus holds only " + files.size() + " files");
        List<String> failures = new ArrayList<>();
        for (Path f : files) {
            CliRun r = CliRun.of("ls", "--verify", f.toString());
            boolean clean = r.exit() == 2 && r.out().isEmpty() && r.err().lines().count() == 1
                    && r.err().startsWith("loupe: ") && r.err().contains(f.getFileName().toString());
            if (!clean) {
                failures.add(f.getFileName() + " -> exit " + r.exit() + ", err: "
                        + r.err().lines().limit(2).toList() + ", out: " + r.out().lines().limit(1).toList());
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + files.size() + " hostile files were not rejected cleanly:\n"
                + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
    }
}
