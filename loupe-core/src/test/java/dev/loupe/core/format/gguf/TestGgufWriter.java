package dev.loupe.core.format.gguf;

import dev.loupe.core.LoupeException;
import dev.loupe.core.format.gguf.GgufFixture.Arr;
import dev.loupe.core.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link GgufWriter} against the spec-following test writer {@link GgufFixture}, written independently:
 * a file the fixture builds, read by {@link GgufReader} and written again by GgufWriter, is the same bytes.
 */
class TestGgufWriter {
    @TempDir
    Path dir;

    private static GgufFixture everyValueType(GgufFixture f) {
        List<String> vocab = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            vocab.add("tok" + i + (i % 7 == 0 ? "é☃" : ""));
        }
        return f.kv("general.architecture", GgufValueType.STRING, "llama")
                .kv("u8", GgufValueType.UINT8, 200)
                .kv("i8", GgufValueType.INT8, -5)
                .kv("u16", GgufValueType.UINT16, 60000)
                .kv("i16", GgufValueType.INT16, -300)
                .kv("u32", GgufValueType.UINT32, (int) 4_000_000_000L)
                .kv("i32", GgufValueType.INT32, -7)
                .kv("f32", GgufValueType.FLOAT32, 1.5f)
                .kv("bool", GgufValueType.BOOL, true)
                .kv("str", GgufValueType.STRING, "")
                .kv("u64", GgufValueType.UINT64, -1L)
                .kv("i64", GgufValueType.INT64, -9_000_000_000_000_000_000L)
                .kv("f64", GgufValueType.FLOAT64, Math.PI)
                .kv("tokens", GgufValueType.ARRAY, new Arr(GgufValueType.STRING, vocab))
                .kv("a.i32", GgufValueType.ARRAY, new Arr(GgufValueType.INT32, List.of(1, -2, 3)))
                .kv("a.f32", GgufValueType.ARRAY, new Arr(GgufValueType.FLOAT32, List.of(0.5f, -1.25f)))
                .kv("a.f64", GgufValueType.ARRAY, new Arr(GgufValueType.FLOAT64, List.of(0.1, 2.0)))
                .kv("a.bool", GgufValueType.ARRAY, new Arr(GgufValueType.BOOL, List.of(true, false)))
                .kv("a.u8", GgufValueType.ARRAY, new Arr(GgufValueType.UINT8, Collections.nCopies(33, 255)))
                .kv("a.i16", GgufValueType.ARRAY, new Arr(GgufValueType.INT16, List.of(-1, 7)))
                .kv("a.u64", GgufValueType.ARRAY, new Arr(GgufValueType.UINT64, List.of(1L << 40)))
                .kv("nested", GgufValueType.ARRAY, new Arr(GgufValueType.ARRAY, List.of(
                        new Arr(GgufValueType.UINT16, List.of(1, 2)), new Arr(GgufValueType.STRING, List.of("a")))))
                .kv("empty", GgufValueType.ARRAY, new Arr(GgufValueType.INT64, List.of()));
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 64, 1})
    void rewritesAFixtureFileByteForByte(long alignment) throws IOException {
        GgufFixture f = GgufFixture.v3();
        if (alignment > 0) {
            f.alignment(alignment);
        }
        everyValueType(f)
                .tensor("w.f32", DType.F32, new long[]{3, 2}, random(24, 1))
                .tensor("w.q8", DType.Q8_0, new long[]{64, 3}, random(6 * 34, 2))
                .tensor("b.f16", DType.F16, new long[]{5}, random(10, 3))
                .tensor("w.q4k", DType.Q4_K, new long[]{256, 1, 1, 2}, random(2 * 144, 4));
        byte[] expected = f.build().bytes();
        Path src = dir.resolve("src.gguf");
        Files.write(src, expected);
        Path out = dir.resolve("out.gguf");
        try (GgufCheckpoint c = new GgufReader().open(src)) {
            List<GgufWriter.Entry> entries = new ArrayList<>();
            for (GgufTensorInfo t : c.header().tensors()) {
                byte[] data = c.tensors().stream().filter(x -> x.name().equals(t.name())).findFirst().orElseThrow()
                        .storedBytes().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                entries.add(new GgufWriter.Entry(t.name(), t.dtype(), t.ne(), o -> o.write(data)));
            }
            GgufWriter.write(out, c.ggufMetadata(), entries);
        }
        assertArrayEquals(expected, Files.readAllBytes(out));
        try (GgufCheckpoint c = new GgufReader().open(out)) {
            assertEquals(alignment > 0 ? alignment : 32, c.header().alignment());
            assertEquals(3, c.header().version());
            GgufTensorInfo q4k = c.header().tensors().get(3);
            assertArrayEquals(new long[]{2, 1, 1, 256}, q4k.shape());
            assertEquals(0, c.header().dataStart() % c.header().alignment());
        }
    }

    @Test
    void shortTensorDataIsABugAndLeavesNoFile() {
        Path out = dir.resolve("short.gguf");
        List<GgufWriter.Entry> entries = List.of(GgufWriter.Entry.ofShape("w", DType.F32, new long[]{2, 2}, o -> o.write(new byte[12])));
        assertThrows(RuntimeException.class, () -> GgufWriter.write(out, new GgufMetadata(java.util.Map.of()), entries));
        assertFalse(Files.exists(out));
    }

    @Test
    void rowsThatAreNotWholeBlocksAreRefused() {
        Path out = dir.resolve("bad.gguf");
        List<GgufWriter.Entry> entries = List.of(GgufWriter.Entry.ofShape("w", DType.Q8_0, new long[]{2, 48}, o -> o.write(new byte[0])));
        LoupeException e = assertThrows(LoupeException.class,
                () -> GgufWriter.write(out, new GgufMetadata(java.util.Map.of()), entries));
        assertEquals(true, e.getMessage().contains("whole blocks of 32"), e.getMessage());
        assertFalse(Files.exists(out));
    }
}
