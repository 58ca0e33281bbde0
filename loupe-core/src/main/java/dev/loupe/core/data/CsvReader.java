package dev.loupe.core.data;

import dev.loupe.core.LoupeException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Numeric CSV: one example per line, comma-separated numbers, the same count on every line. A first line
 * that is not numeric is taken as a header and skipped; blank lines are skipped. Quoted fields are not
 * supported (a numeric dataset has none). The file is streamed a field at a time: a line is never held as a
 * String, so one 200 MB line of 10^8 values costs its 400 MB of floats and nothing more (reading it with
 * readLine and split held the line and 10^8 Strings at once and ran out of memory).
 */
public final class CsvReader {
    /** Far longer than a number's text ("-3.4028235E38" is 13 characters, zero-padded ones a few dozen); a longer field is not a number. */
    private static final int MAX_FIELD = 256;

    private CsvReader() {
    }

    public static NumericArray read(Path file) {
        try (Reader r = new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16)) {
            // Every value takes at least two bytes ("0," or "0\n"), so this bounds what can be stored.
            Limits.elements(file, new long[]{Files.size(file) / 2 + 1}, 0);
            return new Parse(file).run(r);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new LoupeException(file, "is not UTF-8 text (binary file given as CSV?)", e);
        } catch (IOException e) {
            throw new LoupeException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /** The state of one streaming parse. */
    private static final class Parse {
        private final Path file;
        private final StringBuilder field = new StringBuilder();
        private float[] values = new float[1024];
        private int n;
        private int cols = -1;
        private int rows;
        private boolean integral = true;
        private int lineNo = 1;
        private int lineFields;
        private boolean blank = true;
        private boolean header;
        private boolean first = true;
        private boolean overlong;

        Parse(Path file) {
            this.file = file;
        }

        NumericArray run(Reader r) throws IOException {
            int c;
            while ((c = r.read()) != -1) {
                if (c == ',') {
                    endField();
                } else if (c == '\n') {
                    endLine();
                } else {
                    blank &= Character.isWhitespace(c);
                    if (field.length() < MAX_FIELD) {
                        field.append((char) c);
                    } else {
                        overlong = true;
                    }
                }
            }
            endLine();
            if (rows == 0) {
                throw new LoupeException(file, "has no numeric rows");
            }
            long[] shape = cols == 1 ? new long[]{rows} : new long[]{rows, cols};
            return new NumericArray(shape, Arrays.copyOf(values, n), integral);
        }

        private void endField() {
            blank = false;
            String s = field.toString().strip();
            field.setLength(0);
            boolean tooLong = overlong;
            overlong = false;
            if (header) {
                return;
            }
            lineFields++;
            Float v = tooLong ? null : parse(s);
            if (first) {
                first = false;
                if (v == null) { // a first line whose first field is not a number is a header
                    header = true;
                    return;
                }
            }
            if (v == null) {
                throw new LoupeException(file, "line " + lineNo + ": '" + (tooLong ? s + "..." : s) + "' is not a number");
            }
            if (cols > 0 && lineFields > cols) {
                return; // counted; the line is refused at its end
            }
            if (n == values.length) {
                values = Arrays.copyOf(values, (int) Math.min(NumericArray.MAX_ELEMENTS, (long) values.length * 2));
            }
            integral &= v == Math.rint(v) && !s.contains(".") && !s.contains("e") && !s.contains("E");
            values[n++] = v;
        }

        private void endLine() {
            if (blank) {
                field.setLength(0);
                overlong = false;
                reset();
                return;
            }
            endField();
            if (header) {
                header = false;
            } else {
                if (cols < 0) {
                    cols = lineFields;
                } else if (lineFields != cols) {
                    throw new LoupeException(file, "line " + lineNo + " has " + lineFields + " fields, expected " + cols);
                }
                rows++;
            }
            reset();
        }

        private void reset() {
            lineNo++;
            lineFields = 0;
            blank = true;
        }

        private static Float parse(String s) {
            try {
                return Float.parseFloat(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
