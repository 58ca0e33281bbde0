package dev.loupe.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command and subcommand answers {@code --help} with exit 0, a description, and no picocli
 * warning (an unescaped % in a description makes picocli print one on stderr).
 */
class TestHelpTexts {
    @Test
    void everyCommandHasCleanHelp() {
        List<List<String>> paths = new ArrayList<>();
        collect(Loupe.commandLine(), new ArrayList<>(), paths);
        assertTrue(paths.size() >= 20, "found only " + paths.size() + " commands");
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (List<String> p : paths) {
                List<String> args = new ArrayList<>(p);
                args.add("--help");
                CliRun r = CliRun.of(args.toArray(String[]::new));
                assertEquals(0, r.exit(), p + ": " + r.err());
                assertTrue(r.out().startsWith("Usage: loupe"), p + " printed no usage");
                assertTrue(r.out().lines().count() >= 3, p + " has no description");
            }
        } finally {
            System.setErr(saved);
        }
        String err = captured.toString(StandardCharsets.UTF_8);
        assertTrue(!err.contains("picocli WARN"), err);
    }

    private static void collect(CommandLine cl, List<String> prefix, List<List<String>> out) {
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            List<String> p = new ArrayList<>(prefix);
            p.add(e.getKey());
            out.add(p);
            collect(e.getValue(), p, out);
        }
    }
}
