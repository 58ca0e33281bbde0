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

    /**
     * Help reads as picocli wraps it: each description entry is whole sentences (no hand line breaks that
     * cut a sentence across entries), every option that takes a value names it (N, FILE, ...) instead of
     * picocli's {@code <fieldName>}, and no line is wider than the 80 columns picocli wraps to.
     */
    @Test
    void helpIsWholeSentencesNamedValuesAndEightyColumns() {
        List<List<String>> paths = new ArrayList<>();
        collect(Loupe.commandLine(), new ArrayList<>(), paths);
        List<String> problems = new ArrayList<>();
        for (List<String> p : paths) {
            CommandLine cl = Loupe.commandLine();
            for (String name : p) {
                cl = cl.getSubcommands().get(name);
            }
            for (String d : cl.getCommandSpec().usageMessage().description()) {
                String t = d.strip();
                if (!t.isEmpty() && !t.matches("(?s).*[.:)!?\"]$")) {
                    problems.add(p + " description entry ends mid-sentence: '" + t + "'");
                }
            }
            for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
                if (o.arity().max() > 0 && o.paramLabel().startsWith("<")) {
                    problems.add(p + " " + o.longestName() + " shows " + o.paramLabel());
                }
            }
            String usage = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
            usage.lines().filter(l -> l.length() > 80).forEach(l -> problems.add(p + " line of " + l.length() + ": " + l));
        }
        assertTrue(problems.isEmpty(), problems.size() + " problems:\n" + String.join("\n", problems));
    }

    @Test
    void everySubcommandPrintsTheVersionAndJsonHasNoNaN() {
        CliRun r = CliRun.of("inspect", "--version");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("loupe "), r.out());
        record Numbers(double nan, double[] values, Double boxed) {
        }
        assertEquals("{\"nan\":null,\"values\":[1.5,null,null],\"boxed\":null}", Output.toJson(
                new Numbers(Double.NaN, new double[] {1.5, Double.NaN, Double.POSITIVE_INFINITY}, Double.NaN)).replaceAll("\\s", ""));
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
