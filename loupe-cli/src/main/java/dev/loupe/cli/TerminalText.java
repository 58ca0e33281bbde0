package dev.loupe.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * What reaches the terminal is printable: names come from files (tensor names, shard and member file names, a
 * zoo's paths) and may hold newlines, ANSI escape sequences (clear screen, cursor moves, a new terminal title),
 * vertical tabs, form feeds, U+0085, U+2028 or right-to-left overrides that rewrite what the user sees. Every such
 * character is written as {@code \\uXXXX} instead, except the newline that ends a line. In JSON output the same
 * characters only occur inside strings, where {@code \\uXXXX} is the JSON escape for them, so the JSON stays valid
 * and means the same. Loupe's own help is printed without colours for the same reason.
 */
public final class TerminalText {
    private TerminalText() {
    }

    /** Whether {@code c} must not reach a terminal raw. */
    static boolean unsafe(char c) {
        if (c == '\n') {
            return false;
        }
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** A writer that escapes every unsafe character on its way to {@code out}. */
    public static Writer escaping(Writer out) {
        return new FilterWriter(out) {
            @Override
            public void write(int c) throws IOException {
                if (unsafe((char) c)) {
                    out.write(String.format("\\u%04X", c & 0xFFFF));
                } else {
                    out.write(c);
                }
            }

            @Override
            public void write(char[] buf, int off, int len) throws IOException {
                int start = off;
                for (int i = off; i < off + len; i++) {
                    if (unsafe(buf[i])) {
                        out.write(buf, start, i - start);
                        write(buf[i]);
                        start = i + 1;
                    }
                }
                out.write(buf, start, off + len - start);
            }

            @Override
            public void write(String s, int off, int len) throws IOException {
                write(s.toCharArray(), off, len);
            }
        };
    }
}
