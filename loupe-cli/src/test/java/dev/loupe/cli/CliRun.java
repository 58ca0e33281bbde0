package dev.loupe.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One black-box run of the CLI: arguments in, exit code and captured stdout/stderr out. */
record CliRun(int exit, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Loupe.commandLine();
        cl.setOut(new PrintWriter(TerminalText.escaping(out), true)); // as Loupe.main does
        cl.setErr(new PrintWriter(TerminalText.escaping(err), true));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** The user-error contract: exit 2, nothing on stdout, one stderr line naming {@code file}. */
    void assertUserError(Path file) {
        assertEquals(2, exit, err);
        assertEquals("", out);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("loupe: " + file), err);
    }
}
