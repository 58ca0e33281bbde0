package dev.loupe.core.data;

import dev.loupe.core.LoupeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.loupe.core.data.IdxReaderTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsHeaderRowsAndColumns() throws IOException {
        NumericArray a = CsvReader.read(write("a.csv", "x,y,z\n1, 2.5,3\n\n-4,5e1,6\n"));
        assertArrayEquals(new long[]{2, 3}, a.shape());
        assertArrayEquals(new float[]{1, 2.5f, 3, -4, 50, 6}, a.values());
        assertFalse(a.integral());
        NumericArray labels = CsvReader.read(write("y.csv", "3\n0\n7\n"));
        assertArrayEquals(new long[]{3}, labels.shape());
        assertTrue(labels.integral());
    }

    @Test
    void rejectsRaggedNonNumericAndEmpty() throws IOException {
        assertMessage(write("r.csv", "1,2\n3\n"), "line 2 has 1 fields, expected 2");
        assertMessage(write("n.csv", "1,2\n3,abc\n"), "line 2: 'abc' is not a number");
        assertMessage(write("h.csv", "a,b\nc,d\n"), "line 2: 'c' is not a number");
        assertMessage(write("e.csv", "only,a,header\n"), "no numeric rows");
        assertMessage(Files.write(dir.resolve("b.csv"), new byte[]{(byte) 0xFF, (byte) 0xFE, 0, 1}), "UTF-8");
    }

    /**
     * One line of many values is streamed, not held as a String and split (a 200 MB line of 10^8 values ran out of
     * memory in String.split): 300,000 values come back in order, CRLF line ends and spaces are accepted, and a
     * field too long to be a number is refused without being kept.
     */
    @Test
    void streamsOneLongLine() throws IOException {
        int n = 300_000;
        StringBuilder sb = new StringBuilder("a");
        for (int i = 1; i < n; i++) {
            sb.append(",a");
        }
        sb.append("\r\n");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append(i % 1000);
        }
        sb.append("\r\n");
        NumericArray a = CsvReader.read(write("long.csv", sb.toString()));
        assertArrayEquals(new long[]{1, n}, a.shape());
        for (int i = 0; i < n; i += 997) {
            assertEquals(i % 1000, a.values()[i]);
        }
        assertMessage(write("long-field.csv", "1," + "9".repeat(100_000) + "\n"), "line 1: '" + "9".repeat(256) + "...' is not a number");
        assertMessage(write("wide.csv", "1,2\n3,4,5\n"), "line 2 has 3 fields, expected 2");
    }

    @Test
    void pairsFeaturesWithLabels() throws IOException {
        Dataset d = Datasets.read(write("x.csv", "1,2\n3,4\n5,6\n"), write("y.csv", "label\n2\n0\n1\n"));
        assertEquals(3, d.rows());
        assertArrayEquals(new int[]{2, 0, 1}, d.labels());
        assertArrayEquals(new float[]{3, 4}, d.row(1));
        LoupeException e = assertThrows(LoupeException.class, () -> Datasets.read(write("x2.csv", "1\n2\n"), write("y2.csv", "0\n")));
        assertTrue(e.getMessage().contains("1 labels for 2 examples"), e.getMessage());
        e = assertThrows(LoupeException.class, () -> Datasets.read(write("x3.csv", "1\n"), write("y3.csv", "0.5\n")));
        assertTrue(e.getMessage().contains("must be integers"), e.getMessage());
        e = assertThrows(LoupeException.class, () -> Datasets.read(dir.resolve("missing.npy"), null));
        assertTrue(e.getMessage().endsWith("no such file"), e.getMessage());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
