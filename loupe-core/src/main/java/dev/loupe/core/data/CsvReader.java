package dev.loupe.core.data;

import dev.loupe.core.LoupeException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Numeric CSV: one example per line, comma-separated numbers, the same count on every line. A first line
 * that is not numeric is taken as a header and skipped; blank lines are skipped. Quoted fields are not
 * supported (a numeric dataset has none), so a hand-written splitter is enough here and avoids a dependency.
 */
public final class CsvReader {
    private CsvReader() {
    }

    public static NumericArray read(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            // Every value takes at least two bytes ("0," or "0\n"), so this bounds what can be stored.
            Limits.elements(file, new long[]{Files.size(file) / 2 + 1}, 0);
            float[] values = new float[1024];
            int n = 0;
            int cols = -1;
            int rows = 0;
            boolean integral = true;
            String line;
            int lineNo = 0;
            boolean first = true;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split(",", -1);
                boolean header = first && !numeric(fields[0]);
                first = false;
                if (header) {
                    continue;
                }
                if (cols < 0) {
                    cols = fields.length;
                } else if (fields.length != cols) {
                    throw new LoupeException(file, "line " + lineNo + " has " + fields.length + " fields, expected " + cols);
                }
                if (n + cols > values.length) {
                    values = Arrays.copyOf(values, Math.max(n + cols, values.length * 2));
                }
                for (String f : fields) {
                    String s = f.strip();
                    try {
                        float v = Float.parseFloat(s);
                        integral &= v == Math.rint(v) && !s.contains(".") && !s.contains("e") && !s.contains("E");
                        values[n++] = v;
                    } catch (NumberFormatException e) {
                        throw new LoupeException(file, "line " + lineNo + ": '" + s + "' is not a number");
                    }
                }
                rows++;
            }
            if (rows == 0) {
                throw new LoupeException(file, "has no numeric rows");
            }
            long[] shape = cols == 1 ? new long[]{rows} : new long[]{rows, cols};
            return new NumericArray(shape, Arrays.copyOf(values, n), integral);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new LoupeException(file, "is not UTF-8 text (binary file given as CSV?)", e);
        } catch (IOException e) {
            throw new LoupeException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static boolean numeric(String s) {
        try {
            Float.parseFloat(s.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
