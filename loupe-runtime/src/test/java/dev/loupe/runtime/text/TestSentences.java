package dev.loupe.runtime.text;

import dev.loupe.core.LoupeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestSentences {
    @Test
    void skipsBlankLinesAndKeepsTheRestAsWritten(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("s.txt"), "one\n\n  \ntwo  words\r\n\tthree\n");
        assertEquals(List.of("one", "two  words", "\tthree"), Sentences.read(f));
    }

    @Test
    void refusesEmptyAndNonUtf8FilesNamingThem(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "\n \n");
        assertTrue(assertThrows(LoupeException.class, () -> Sentences.read(empty)).getMessage().contains("empty.txt"));
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        assertTrue(assertThrows(LoupeException.class, () -> Sentences.read(latin1)).getMessage().contains("not UTF-8"));
        assertTrue(assertThrows(LoupeException.class, () -> Sentences.read(dir.resolve("none.txt"))).getMessage().contains("no such file"));
    }
}
