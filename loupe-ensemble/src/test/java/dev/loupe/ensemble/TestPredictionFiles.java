package dev.loupe.ensemble;

import dev.loupe.core.LoupeException;
import dev.loupe.ensemble.predict.PredictionFiles;
import dev.loupe.ensemble.predict.Predictions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestPredictionFiles {
    @TempDir
    Path dir;

    @Test
    void stackedProbabilities() throws IOException {
        // 2 members x 3 samples x 2 classes; argmax: member 0 -> 1 0 1, member 1 -> 0 0 1
        Path stack = npyF32("stack.npy", new int[] {2, 3, 2}, 0.1f, 0.9f, 0.8f, 0.2f, 0.3f, 0.7f, 0.6f, 0.4f, 0.9f, 0.1f, 0.2f, 0.8f);
        Path truth = csv("truth.csv", "1\n0\n0\n");
        Predictions p = PredictionFiles.load(List.of(stack), truth, 0);
        assertEquals(2, p.memberCount());
        assertEquals(2, p.classes());
        assertArrayEquals(new int[] {1, 0, 1}, p.labels()[0]);
        assertArrayEquals(new int[] {0, 0, 1}, p.labels()[1]);
        assertEquals(0.7f, p.probabilities()[0][5], 0f);
    }

    @Test
    void labelFilesInferClasses() throws IOException {
        Path a = csv("a.csv", "0\n3\n");
        Path b = csv("b.csv", "1\n1\n");
        Predictions p = PredictionFiles.load(List.of(a, b), csv("t.csv", "0\n1\n"), 0);
        assertEquals(4, p.classes());
        assertEquals(List.of("a", "b"), p.members());
        LoupeException e = assertThrows(LoupeException.class, () -> PredictionFiles.load(List.of(a, b), csv("t2.csv", "0\n1\n"), 3));
        assertTrue(e.getMessage().contains("--classes"), e.getMessage());
    }

    @Test
    void mismatchesNameTheFile() throws IOException {
        Path truth = csv("truth.csv", "1\n0\n0\n");
        Path two = npyF32("two.npy", new int[] {2, 2}, 0.1f, 0.9f, 0.8f, 0.2f);
        LoupeException e = assertThrows(LoupeException.class, () -> PredictionFiles.load(List.of(two), truth, 0));
        assertTrue(e.getMessage().startsWith(two.toString()) && e.getMessage().contains("2 samples"), e.getMessage());
        Path k2 = npyF32("k2.npy", new int[] {3, 2}, 1, 0, 1, 0, 1, 0);
        Path k3 = npyF32("k3.npy", new int[] {3, 3}, 1, 0, 0, 1, 0, 0, 1, 0, 0);
        e = assertThrows(LoupeException.class, () -> PredictionFiles.load(List.of(k2, k3), truth, 0));
        assertTrue(e.getMessage().startsWith(k3.toString()) && e.getMessage().contains("3 classes"), e.getMessage());
        Path nan = npyF32("nan.npy", new int[] {3, 2}, 1, 0, Float.NaN, 0, 1, 0);
        e = assertThrows(LoupeException.class, () -> PredictionFiles.load(List.of(nan), truth, 0));
        assertTrue(e.getMessage().startsWith(nan.toString()), e.getMessage());
        Path labels = csv("l.csv", "0\n1\n1\n");
        assertThrows(LoupeException.class, () -> PredictionFiles.load(List.of(k2, labels), truth, 0));
        Path fractional = csv("f.csv", "0.5\n1\n1\n");
        assertThrows(LoupeException.class, () -> PredictionFiles.load(List.of(labels), fractional, 0));
    }

    @Test
    void hugeClassIndicesNeitherExhaustMemoryNorPass() throws IOException {
        // a million classes over 3 samples: analysed with O(samples + classes) memory
        Path a = csv("big.csv", "999999\n0\n1\n");
        Predictions p = PredictionFiles.load(List.of(a, a), csv("t.csv", "0\n0\n1\n"), 0);
        assertEquals(1_000_000, p.classes());
        assertEquals(1.0 / 3, dev.loupe.ensemble.stats.EnsembleAnalyzer.analyze(p).majorityVoteError(), 1e-15);
        Path tooBig = csv("huge.csv", "2000000\n0\n1\n");
        LoupeException e = assertThrows(LoupeException.class, () -> PredictionFiles.load(List.of(tooBig), csv("t3.csv", "0\n0\n1\n"), 0));
        assertTrue(e.getMessage().startsWith(tooBig.toString()), e.getMessage());
    }

    private Path csv(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    /** A little-endian float32 NPY v1.0 file, written byte by byte as the format specification describes. */
    private Path npyF32(String name, int[] shape, float... values) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims.toString().trim() + "), }";
        int total = 10 + header.length() + 1;
        header += " ".repeat((64 - total % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : values) {
            b.putFloat(v);
        }
        return Files.write(dir.resolve(name), b.array());
    }
}
