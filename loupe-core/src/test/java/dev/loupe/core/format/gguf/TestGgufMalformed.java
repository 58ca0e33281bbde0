package dev.loupe.core.format.gguf;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.gguf.GgufFixture.Arr;
import dev.loupe.core.format.gguf.GgufFixture.Built;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.loupe.core.testing.MalformedInput.assertRejected;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile GGUF files: each must be rejected with one LoupeException line naming the file and the
 * problem (via the shared {@code MalformedInput.assertRejected}), never another exception, an OOM or
 * a hang.
 */
class TestGgufMalformed {
    @TempDir
    Path dir;

    /** A small valid file: one string KV, one u8 array KV, then one F32 tensor of 8 elements. */
    private static GgufFixture valid() {
        return GgufFixture.v3()
                .kv("general.name", GgufValueType.STRING, "tiny")
                .kv("arr", GgufValueType.ARRAY, new Arr(GgufValueType.UINT8, List.of(1, 2, 3)))
                .tensor("w", DType.F32, new long[]{4, 2}, new byte[32]);
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name + ".gguf"), bytes);
    }

    private Path file(String name, GgufFixture f) {
        return f.write(dir.resolve(name + ".gguf"));
    }

    private static byte[] patchU64(byte[] b, int pos, long v) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putLong(pos, v);
        return c;
    }

    private static byte[] patchU32(byte[] b, int pos, int v) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(pos, v);
        return c;
    }

    @Test
    void badMagic() throws IOException {
        byte[] b = valid().build().bytes();
        b[0] = 'X';
        assertRejected(file("magic", b), "not a GGUF file");
        assertRejected(file("short", new byte[]{'G', 'G'}), "too short");
    }

    @Test
    void unsupportedVersions() throws IOException {
        assertRejected(file("v1", valid().version(1)), "version 1 is not supported");
        assertRejected(file("v4", valid().version(4)), "version 4 is not supported");
        assertRejected(file("bigendian", valid().version(3 << 24)), "big-endian");
    }

    @Test
    void truncatedInEachSection() throws IOException {
        Built b = valid().build();
        byte[] all = b.bytes();
        assertRejected(file("cut-header", Arrays.copyOf(all, 12)), "truncated in header");
        // Without tensors, so that the tensor count's own plausibility check does not fire first.
        Built kvOnly = GgufFixture.v3().kv("general.name", GgufValueType.STRING, "tiny")
                .kv("arr", GgufValueType.ARRAY, new Arr(GgufValueType.UINT8, List.of(1, 2, 3))).build();
        // Entry 0 (general.name = "tiny") is 36 bytes; cut inside entry 1's key length.
        assertRejected(file("cut-kv", Arrays.copyOf(kvOnly.bytes(), kvOnly.kvStart() + 36 + 5)), "truncated in metadata entry 1");
        assertRejected(file("cut-kv-value", Arrays.copyOf(kvOnly.bytes(), kvOnly.infoStart() - 1)),
                "metadata 'arr': array length 3 is more than the 2 bytes left");
        assertRejected(file("cut-kv-count", Arrays.copyOf(all, b.kvStart() + 5)), "tensor count 1 is more than");
        assertRejected(file("cut-kv-count2", Arrays.copyOf(kvOnly.bytes(), kvOnly.kvStart() + 5)), "metadata count 2 is more than");
        assertRejected(file("cut-info", Arrays.copyOf(all, b.infoStart() + 10)), "truncated in tensor info 0");
        assertRejected(file("cut-padding", Arrays.copyOf(all, b.dataStart() - 1)), "truncated before the tensor data");
        assertRejected(file("cut-data", Arrays.copyOf(all, all.length - 1)), "past the end of the file");
    }

    /** Every strict prefix of a valid file is rejected; none slips through or fails another way. */
    @Test
    void truncatedAtEveryByte() throws IOException {
        byte[] all = valid().build().bytes();
        for (int n = 0; n < all.length; n++) {
            assertRejected(file("prefix" + n, Arrays.copyOf(all, n)), "");
        }
    }

    @Test
    void hugeStringLengths() throws IOException {
        Built b = valid().build();
        assertRejected(file("key-len", patchU64(b.bytes(), b.kvStart(), 1L << 40)), "string length 1099511627776");
        assertRejected(file("key-len-neg", patchU64(b.bytes(), b.kvStart(), -1L)), "string length 18446744073709551615");
        // general.name's value length sits after key (8 + 12 bytes) and type (4 bytes).
        assertRejected(file("value-len", patchU64(b.bytes(), b.kvStart() + 8 + 12 + 4, Long.MAX_VALUE)), "string length");
        assertRejected(file("name-len", patchU64(b.bytes(), b.infoStart(), 1L << 62)), "string length");
    }

    @Test
    void hugeArrayLength() throws IOException {
        Built b = valid().build();
        // second KV: key "arr" (8 + 3), type (4), element type (4), then the u64 count.
        int countAt = b.kvStart() + (8 + 12 + 4 + 8 + 4) + (8 + 3) + 4 + 4;
        assertRejected(file("array-len", patchU64(b.bytes(), countAt, 1L << 50)), "array length 1125899906842624");
        GgufFixture strings = GgufFixture.v3().kv("s", GgufValueType.ARRAY, new Arr(GgufValueType.STRING, List.of("x")));
        Built s = strings.build();
        assertRejected(file("string-array-len", patchU64(s.bytes(), s.kvStart() + 8 + 1 + 4 + 4, 1L << 40)), "array length");
    }

    @Test
    void unknownValueTypes() throws IOException {
        Built b = valid().build();
        assertRejected(file("value-type", patchU32(b.bytes(), b.kvStart() + 8 + 12, 13)), "unknown value type 13");
        int elemTypeAt = b.kvStart() + (8 + 12 + 4 + 8 + 4) + (8 + 3) + 4;
        assertRejected(file("elem-type", patchU32(b.bytes(), elemTypeAt, -1)), "unknown value type 4294967295");
        Built bool = GgufFixture.v3().kv("b", GgufValueType.BOOL, true).build();
        byte[] bad = bool.bytes().clone();
        bad[bool.infoStart() - 1] = 7;
        assertRejected(file("bool", bad), "metadata 'b': boolean value 7 is neither 0 nor 1");
    }

    @Test
    void unknownAndUnsupportedGgmlTypes() {
        assertRejected(file("ggml-99", GgufFixture.v3().tensor("w", 99, new long[]{4}, new byte[16], null)), "unknown ggml type 99");
        assertRejected(file("ggml-4", GgufFixture.v3().tensor("w", 4, new long[]{32}, new byte[20], null)), "unknown ggml type 4");
        assertRejected(file("iq2", GgufFixture.v3().tensor("w", 16, new long[]{256}, new byte[66], null)),
                "IQ2_XXS (16), which Loupe cannot dequantize");
    }

    @Test
    void dimensionCounts() {
        assertRejected(file("ndims0", GgufFixture.v3().tensor("w", 0, new long[0], new byte[4], null)), "0 dimensions");
        assertRejected(file("ndims5", GgufFixture.v3().tensor("w", 0, new long[]{1, 1, 1, 1, 1}, new byte[4], null)),
                "5 dimensions");
    }

    @Test
    void dimensionValues() {
        assertRejected(file("ne-neg", GgufFixture.v3().tensor("w", 0, new long[]{4, -1}, new byte[16], null)),
                "dimension 1 is 18446744073709551615");
        assertRejected(file("ne-overflow", GgufFixture.v3().tensor("w", 0, new long[]{1L << 40, 1L << 40}, new byte[0], null)),
                "more elements than a long holds");
        assertRejected(file("bytes-overflow", GgufFixture.v3().tensor("w", 28, new long[]{1L << 61}, new byte[0], null)),
                "size overflows");
        assertRejected(file("partial-block", GgufFixture.v3().tensor("w", DType.Q4_0, new long[]{16, 2}, new byte[18])),
                "rows of 16 elements are not whole Q4_0 blocks of 32");
    }

    @Test
    void offsets() {
        assertRejected(file("misaligned", GgufFixture.v3().tensor("w", 0, new long[]{4}, new byte[16], 4L)),
                "offset 4 is not a multiple of the alignment 32");
        assertRejected(file("past-eof", GgufFixture.v3().tensor("w", 0, new long[]{4}, new byte[16], 1L << 40)),
                "past the end of the file");
        assertRejected(file("offset-neg", GgufFixture.v3().tensor("w", 0, new long[]{4}, new byte[16], -32L)), "past the end");
        assertRejected(file("overlap", GgufFixture.v3()
                        .tensor("a", 0, new long[]{16}, new byte[64], 0L)
                        .tensor("b", 0, new long[]{4}, new byte[16], 32L)),
                "tensors 'a' and 'b' overlap");
    }

    @Test
    void duplicates() {
        assertRejected(file("dup-key", GgufFixture.v3().kv("k", GgufValueType.INT32, 1).kv("k", GgufValueType.INT32, 2)),
                "metadata key 'k' appears twice");
        assertRejected(file("dup-tensor", GgufFixture.v3().tensor("w", DType.F32, new long[]{1}, new byte[4])
                .tensor("w", DType.F32, new long[]{1}, new byte[4])), "tensor 'w' appears twice");
    }

    @Test
    void badAlignment() {
        assertRejected(file("align-48", GgufFixture.v3().kv("general.alignment", GgufValueType.UINT32, 48)),
                "general.alignment 48 is not a power of two");
        assertRejected(file("align-0", GgufFixture.v3().kv("general.alignment", GgufValueType.UINT32, 0)), "not a power of two");
        assertRejected(file("align-str", GgufFixture.v3().kv("general.alignment", GgufValueType.STRING, "32")),
                "general.alignment is string");
    }

    @Test
    void hugeCounts() throws IOException {
        Built b = valid().build();
        assertRejected(file("tensor-count", patchU64(b.bytes(), 8, 1L << 40)), "tensor count 1099511627776");
        assertRejected(file("kv-count", patchU64(b.bytes(), 16, -2L)), "metadata count 18446744073709551614");
    }

    @Test
    void deeplyNestedArrays() {
        Object v = new Arr(GgufValueType.INT8, List.of(1));
        for (int i = 0; i < 40; i++) {
            v = new Arr(GgufValueType.ARRAY, List.of(v));
        }
        assertRejected(file("nested", GgufFixture.v3().kv("deep", GgufValueType.ARRAY, v)), "arrays nested deeper than");
    }

    /** Seeded random byte flips in the header: each variant opens and decodes cleanly or is a LoupeException. */
    @Test
    void randomCorruptionNeverEscapesAsAnotherException() throws IOException {
        Random rnd = new Random(1234);
        Built b = valid().tensor("q", DType.Q4_K, new long[]{256}, new byte[144]).build();
        for (int i = 0; i < 300; i++) {
            byte[] c = b.bytes().clone();
            for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                c[rnd.nextInt(b.dataStart())] = (byte) rnd.nextInt(256);
            }
            Path p = file("flip" + i, c);
            try (Checkpoint cp = Checkpoints.open(p)) {
                for (Tensor t : cp.tensors()) {
                    t.toDoubles();
                }
            } catch (LoupeException e) {
                assertTrue(e.getMessage().contains(p.getFileName().toString()), e.getMessage());
                assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
            }
        }
    }
}
