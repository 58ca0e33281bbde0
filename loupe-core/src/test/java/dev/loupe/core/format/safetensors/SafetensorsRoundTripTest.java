package dev.loupe.core.format.safetensors;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Write with SafetensorsWriter, read back with Checkpoints.open: every byte the same. */
class SafetensorsRoundTripTest {
    @TempDir
    Path dir;

    static Tensor random(String name, DType t, long[] shape, long seed) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        byte[] b = new byte[(int) (n * t.elementBytes())];
        new Random(seed).nextBytes(b);
        if (t == DType.BOOL) {
            for (int i = 0; i < b.length; i++) {
                b[i] &= 1;
            }
        }
        return Tensor.contiguous(name, t, shape, MemorySegment.ofArray(b), null);
    }

    static byte[] bytesOf(Tensor t) {
        return t.storedBytes().toArray(ValueLayout.JAVA_BYTE);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, mode = EnumSource.Mode.EXCLUDE,
            names = {"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    void everyPlainDTypeRoundTripsBitExact(DType dtype) {
        List<Tensor> in = List.of(random("layer.0.weight", dtype, new long[] {7, 13}, dtype.ordinal()),
                random("layer.0.bias", dtype, new long[] {13}, 100 + dtype.ordinal()),
                random("scalar", dtype, new long[] {}, 200 + dtype.ordinal()),
                random("empty", dtype, new long[] {0, 5}, 0));
        Path f = dir.resolve(dtype + ".safetensors");
        SafetensorsWriter.write(f, in, Map.of("dtype", dtype.name()));
        try (Checkpoint c = Checkpoints.open(f)) {
            assertEquals(CheckpointFormat.SAFETENSORS, c.format());
            assertEquals(Map.of("dtype", dtype.name()), c.metadata());
            assertEquals(4, c.tensors().size());
            for (Tensor want : in) {
                Tensor got = c.tensor(want.name()).orElseThrow();
                assertEquals(dtype, got.dtype());
                assertArrayEquals(want.shape(), got.shape());
                assertArrayEquals(bytesOf(want), bytesOf(got), want.name());
                assertEquals(f, got.file());
                assertTrue(got.storedBytes().isMapped(), "a zero-copy slice of the mapping");
            }
        }
    }

    @Test
    void layoutIsSortedPackedAndAligned() throws IOException {
        List<Tensor> in = new ArrayList<>();
        in.add(random("z.u8", DType.U8, new long[] {3}, 1));
        in.add(random("b.f16", DType.F16, new long[] {3}, 2));
        in.add(random("a.f16", DType.F16, new long[] {1}, 3));
        in.add(random("y.f64", DType.F64, new long[] {2}, 4));
        Path f = dir.resolve("layout.safetensors");
        SafetensorsWriter.write(f, in, Map.of("b", "2", "a", "1"));
        byte[] file = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, (8 + n) % 8, "data section starts 8-aligned");
        String header = new String(file, 8, (int) n, StandardCharsets.UTF_8);
        // widest dtype first, then by name; offsets packed; metadata first with sorted keys; space padding
        String json = "{\"__metadata__\":{\"a\":\"1\",\"b\":\"2\"},"
                + "\"y.f64\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"a.f16\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[16,18]},"
                + "\"b.f16\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[18,24]},"
                + "\"z.u8\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[24,27]}}";
        assertEquals(json + " ".repeat((int) n - json.length()), header);
        assertTrue(n - json.length() < 8);
        assertEquals(8 + n + 27, file.length);
    }

    @Test
    void stridedViewsAreWrittenInLogicalOrder() {
        // storage 0..5 as I64; the transpose of the 2x3 matrix [[0,1,2],[3,4,5]] is [[0,3],[1,4],[2,5]]
        ByteBuffer s = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < 6; i++) {
            s.putLong(i == 5 ? Long.MIN_VALUE + 5 : i); // an I64 beyond 2^53 must survive bit-exact
        }
        Tensor t = Tensor.strided("t", DType.I64, new long[] {3, 2}, new long[] {1, 3}, 0, MemorySegment.ofArray(s.array()), null);
        Path f = dir.resolve("strided.safetensors");
        SafetensorsWriter.write(f, List.of(t), Map.of());
        try (Checkpoint c = Checkpoints.open(f)) {
            long[] got = c.tensors().getFirst().storedBytes().toArray(ValueLayout.JAVA_LONG_UNALIGNED);
            assertArrayEquals(new long[] {0, 3, 1, 4, 2, Long.MIN_VALUE + 5}, got);
            assertTrue(c.metadata().isEmpty());
        }
    }

    /** A sparse 3 GiB file: offsets past 2^31 must work (long arithmetic, MemorySegment not ByteBuffer). */
    @Test
    void tensorsBeyondTwoGigabytes() throws IOException {
        long big = 3L << 30;
        String json = "{\"pad\":{\"dtype\":\"U8\",\"shape\":[" + big + "],\"data_offsets\":[0," + big + "]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + big + "," + (big + 8) + "]}}";
        byte[] header = SafetensorsMalformedTest.file(json, 0);
        Path f = dir.resolve("sparse.safetensors");
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(header));
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).flip(),
                    header.length + big);
        }
        try (Checkpoint c = Checkpoints.open(f)) {
            assertArrayEquals(new float[] {1.5f, -2f}, c.tensor("w").orElseThrow().toFloats());
            assertEquals(big, c.tensor("pad").orElseThrow().numel());
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void refusesQuantizedAndDuplicateNames() {
        Tensor q = Tensor.contiguous("q", DType.Q8_0, new long[] {32}, MemorySegment.ofArray(new byte[34]), null);
        Path f = dir.resolve("bad.safetensors");
        assertThrows(dev.loupe.core.LoupeException.class, () -> SafetensorsWriter.write(f, List.of(q), Map.of()));
        Tensor a = random("a", DType.F32, new long[] {1}, 1);
        assertThrows(dev.loupe.core.LoupeException.class, () -> SafetensorsWriter.write(f, List.of(a, a), Map.of()));
        assertTrue(Files.notExists(f), "a refused write leaves nothing behind");
    }

    @Test
    void acceptsByExtensionOrByHeader() {
        SafetensorsReader r = new SafetensorsReader();
        byte[] head = SafetensorsMalformedTest.file("{}", 0);
        assertTrue(r.accepts(Path.of("m.safetensors"), new byte[0]));
        assertTrue(r.accepts(Path.of("weights.bin"), head));
        assertEquals(false, r.accepts(Path.of("weights.bin"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0}));
        assertEquals(false, r.accepts(Path.of("weights.bin"), new byte[] {'{'}));
    }
}
