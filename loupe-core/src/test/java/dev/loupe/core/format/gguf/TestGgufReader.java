package dev.loupe.core.format.gguf;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.CheckpointFormat;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.gguf.GgufFixture.Arr;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.core.tensor.quant.GgmlDequantizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GGUF files built by {@link GgufFixture} read back exactly: metadata, plain tensors, shapes, alignment. */
class TestGgufReader {
    @TempDir
    Path dir;

    private static GgufCheckpoint open(Path p) {
        Checkpoint c = Checkpoints.open(p);
        assertEquals(CheckpointFormat.GGUF, c.format());
        return assertInstanceOf(GgufCheckpoint.class, c);
    }

    @Test
    void metadataOfEveryValueTypeRoundTrips() {
        List<String> vocab = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            vocab.add("tok" + i);
        }
        Path p = GgufFixture.v3()
                .kv("general.architecture", GgufValueType.STRING, "llama")
                .kv("u8", GgufValueType.UINT8, 200)
                .kv("i8", GgufValueType.INT8, -5)
                .kv("u16", GgufValueType.UINT16, 60000)
                .kv("i16", GgufValueType.INT16, -300)
                .kv("u32", GgufValueType.UINT32, (int) 4_000_000_000L)
                .kv("i32", GgufValueType.INT32, -7)
                .kv("f32", GgufValueType.FLOAT32, 1.5f)
                .kv("bool", GgufValueType.BOOL, true)
                .kv("str", GgufValueType.STRING, "héllo wörld")
                .kv("u64", GgufValueType.UINT64, -1L)
                .kv("i64", GgufValueType.INT64, -9_000_000_000_000_000_000L)
                .kv("f64", GgufValueType.FLOAT64, Math.PI)
                .kv("tokenizer.ggml.tokens", GgufValueType.ARRAY, new Arr(GgufValueType.STRING, vocab))
                .kv("small.i32", GgufValueType.ARRAY, new Arr(GgufValueType.INT32, List.of(1, -2, 3)))
                .kv("small.f32", GgufValueType.ARRAY, new Arr(GgufValueType.FLOAT32, List.of(0.5f, -1.25f)))
                .kv("small.bool", GgufValueType.ARRAY, new Arr(GgufValueType.BOOL, List.of(true, false)))
                .kv("big.u8", GgufValueType.ARRAY, new Arr(GgufValueType.UINT8, Collections.nCopies(100, 255)))
                .kv("nested", GgufValueType.ARRAY, new Arr(GgufValueType.ARRAY, List.of(
                        new Arr(GgufValueType.UINT16, List.of(1, 2)), new Arr(GgufValueType.STRING, List.of("a")))))
                .kv("empty", GgufValueType.ARRAY, new Arr(GgufValueType.INT64, List.of()))
                .write(dir.resolve("meta.gguf"));
        try (GgufCheckpoint c = open(p)) {
            GgufMetadata m = c.ggufMetadata();
            assertEquals(20, m.entries().size());
            assertEquals(List.copyOf(m.entries().keySet()).getFirst(), "general.architecture");
            assertEquals(new GgufValue.Int(GgufValueType.UINT8, 200), m.entries().get("u8"));
            assertEquals(new GgufValue.Int(GgufValueType.INT8, -5), m.entries().get("i8"));
            assertEquals(new GgufValue.Int(GgufValueType.UINT16, 60000), m.entries().get("u16"));
            assertEquals(new GgufValue.Int(GgufValueType.INT16, -300), m.entries().get("i16"));
            assertEquals(new GgufValue.Int(GgufValueType.UINT32, 4_000_000_000L), m.entries().get("u32"));
            assertEquals(new GgufValue.Int(GgufValueType.INT32, -7), m.entries().get("i32"));
            assertEquals(new GgufValue.Real(GgufValueType.FLOAT32, 1.5), m.entries().get("f32"));
            assertEquals(new GgufValue.Bool(true), m.entries().get("bool"));
            assertEquals("héllo wörld", m.string("str").orElseThrow());
            assertEquals(-1L, m.integer("u64").orElseThrow());
            assertEquals(-9_000_000_000_000_000_000L, m.integer("i64").orElseThrow());
            assertEquals(new GgufValue.Real(GgufValueType.FLOAT64, Math.PI), m.entries().get("f64"));
            GgufValue.ValueArray tokens = (GgufValue.ValueArray) m.entries().get("tokenizer.ggml.tokens");
            assertEquals(300, tokens.values().size());
            assertEquals(new GgufValue.Str("tok299"), tokens.values().get(299));
            GgufValue.FixedArray ints = (GgufValue.FixedArray) m.entries().get("small.i32");
            assertEquals(new GgufValue.Int(GgufValueType.INT32, -2), ints.get(1));
            GgufValue.ValueArray nested = (GgufValue.ValueArray) m.entries().get("nested");
            GgufValue.FixedArray inner = (GgufValue.FixedArray) nested.values().getFirst();
            assertEquals(new GgufValue.Int(GgufValueType.UINT16, 2), inner.get(1));

            Map<String, String> r = c.metadata();
            assertEquals("llama", r.get("general.architecture"));
            assertEquals("200", r.get("u8"));
            assertEquals("-5", r.get("i8"));
            assertEquals("4000000000", r.get("u32"));
            assertEquals("1.5", r.get("f32"));
            assertEquals("true", r.get("bool"));
            assertEquals("18446744073709551615", r.get("u64"));
            assertEquals("[string x 300]", r.get("tokenizer.ggml.tokens"));
            assertEquals("[1, -2, 3]", r.get("small.i32"));
            assertEquals("[0.5, -1.25]", r.get("small.f32"));
            assertEquals("[true, false]", r.get("small.bool"));
            assertEquals("[uint8 x 100]", r.get("big.u8"));
            assertEquals("[array x 2]", r.get("nested"));
            assertEquals("[]", r.get("empty"));
        }
    }

    @Test
    void plainTensorsOfEveryTypeReadBackExactly() {
        double[] floats = {0, 1, -2.5, 0.125, 65504, -1e-3, 3.140625, 7};
        double[] ints = {0, 1, -1, 127, -128, 42, 100, -77};
        GgufFixture f = GgufFixture.v3();
        for (DType t : List.of(DType.F32, DType.F16, DType.BF16, DType.F64, DType.I8, DType.I16, DType.I32, DType.I64)) {
            f.tensor("t." + t, t, new long[]{8}, GgufFixture.encode(t, t.kind() == DType.Kind.INT ? ints : floats));
        }
        f.tensor("big.i64", DType.I64, new long[]{2}, GgufFixture.encode(DType.I64, 1L << 52, -(1L << 40)));
        try (GgufCheckpoint c = open(f.write(dir.resolve("plain.gguf")))) {
            assertEquals(9, c.tensors().size());
            assertArrayEquals(floats, c.tensor("t.F64").orElseThrow().toDoubles());
            assertArrayEquals(rounded(floats, DType.F32), c.tensor("t.F32").orElseThrow().toDoubles());
            assertArrayEquals(rounded(floats, DType.F16), c.tensor("t.F16").orElseThrow().toDoubles());
            assertArrayEquals(rounded(floats, DType.BF16), c.tensor("t.BF16").orElseThrow().toDoubles());
            for (DType t : List.of(DType.I8, DType.I16, DType.I32, DType.I64)) {
                Tensor x = c.tensor("t." + t).orElseThrow();
                assertEquals(t, x.dtype());
                assertArrayEquals(ints, x.toDoubles(), t.toString());
            }
            assertArrayEquals(new double[]{1L << 52, -(1L << 40)}, c.tensor("big.i64").orElseThrow().toDoubles());
        }
    }

    /** The value each stored type holds for {@code v}, rounded by the JDK's own conversions. */
    private static double[] rounded(double[] v, DType t) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            float f = (float) v[i];
            out[i] = switch (t) {
                case F32 -> f;
                case F16 -> Float.float16ToFloat(Float.floatToFloat16(f));
                case BF16 -> Float.intBitsToFloat(Float.floatToRawIntBits(f) & 0xffff0000);
                default -> v[i];
            };
        }
        return out;
    }

    /**
     * ggml's ne[0] is the fastest-varying dimension, so ne = [4, 3] is 3 rows of 4 in row-major order:
     * shape [3, 4] and element (r, c) at position 4r + c; ne = [2, 3, 4] becomes shape [4, 3, 2].
     */
    @Test
    void shapeIsNeReversed() {
        double[] data = new double[12];
        for (int i = 0; i < 12; i++) {
            data[i] = 10 * (i / 4) + i % 4; // value 10*r + c at row r, column c
        }
        Path p = GgufFixture.v3()
                .tensor("blk.0.ffn_up.weight", DType.F32, new long[]{4, 3}, GgufFixture.encode(DType.F32, data))
                .tensor("cube", DType.F32, new long[]{2, 3, 4}, new byte[24 * 4])
                .tensor("ffn_up.q", DType.Q4_K, new long[]{512, 3}, new byte[3 * 2 * 144])
                .write(dir.resolve("shape.gguf"));
        try (GgufCheckpoint c = open(p)) {
            Tensor w = c.tensor("blk.0.ffn_up.weight").orElseThrow();
            assertArrayEquals(new long[]{3, 4}, w.shape());
            double[] v = w.toDoubles();
            assertEquals(21, v[2 * 4 + 1]); // row 2, column 1
            assertArrayEquals(new long[]{4, 3, 2}, c.tensor("cube").orElseThrow().shape());
            Tensor q = c.tensor("ffn_up.q").orElseThrow();
            assertArrayEquals(new long[]{3, 512}, q.shape());
            assertEquals(DType.Q4_K, q.dtype());
            assertEquals(3 * 2 * 144, q.byteSize());
            assertArrayEquals(new long[]{512, 3}, c.header().tensors().get(2).ne());
            assertEquals(12, c.header().tensors().get(2).ggmlType());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 8, 32, 64, 256})
    void alignmentVariantsPlaceDataAtAlignedOffsets(long alignment) {
        GgufFixture f = GgufFixture.v3().version(2).alignment(alignment);
        f.tensor("a", DType.F32, new long[]{3}, GgufFixture.encode(DType.F32, 1, 2, 3));
        f.tensor("b", DType.I16, new long[]{5}, GgufFixture.encode(DType.I16, -1, -2, -3, -4, -5));
        f.tensor("c", DType.F64, new long[]{1}, GgufFixture.encode(DType.F64, 0.1));
        GgufFixture.Built built = f.build();
        try (GgufCheckpoint c = open(built.write(dir.resolve("align" + alignment + ".gguf")))) {
            assertEquals(2, c.header().version());
            assertEquals(alignment, c.header().alignment());
            assertEquals(built.dataStart(), c.header().dataStart());
            assertEquals(0, c.header().dataStart() % alignment);
            assertArrayEquals(new double[]{1, 2, 3}, c.tensor("a").orElseThrow().toDoubles());
            assertArrayEquals(new double[]{-1, -2, -3, -4, -5}, c.tensor("b").orElseThrow().toDoubles());
            assertArrayEquals(new double[]{0.1}, c.tensor("c").orElseThrow().toDoubles());
            for (GgufTensorInfo t : c.header().tensors()) {
                assertEquals(0, t.offset() % alignment, t.name());
            }
        }
    }

    /** Every block type decodes through the reader exactly as the dequantizer decodes the stored bytes. */
    @Test
    void everyBlockTypeIsReadInItsStoredType() {
        Random rnd = new Random(7);
        List<DType> types = List.of(DType.Q4_0, DType.Q4_1, DType.Q5_0, DType.Q5_1, DType.Q8_0, DType.Q8_1,
                DType.Q2_K, DType.Q3_K, DType.Q4_K, DType.Q5_K, DType.Q6_K, DType.Q8_K);
        GgufFixture f = GgufFixture.v3();
        List<byte[]> raw = new ArrayList<>();
        for (DType t : types) {
            byte[] b = new byte[2 * 2 * t.blockBytes()];
            rnd.nextBytes(b);
            raw.add(b);
            f.tensor("w." + t, t, new long[]{2L * t.blockElements(), 2}, b);
        }
        try (GgufCheckpoint c = open(f.write(dir.resolve("blocks.gguf")))) {
            for (int i = 0; i < types.size(); i++) {
                DType t = types.get(i);
                Tensor x = c.tensor("w." + t).orElseThrow();
                assertEquals(t, x.dtype());
                assertArrayEquals(new long[]{2, 2L * t.blockElements()}, x.shape());
                float[] expect = new float[4 * t.blockElements()];
                GgmlDequantizer.dequantize(t, MemorySegment.ofArray(raw.get(i)), 0, expect, 0, expect.length);
                assertArrayEquals(expect, x.toFloats(), t.toString());
            }
        }
    }

    @Test
    void acceptsByMagicWithoutExtension() {
        Path p = GgufFixture.v3().tensor("x", DType.F32, new long[]{1}, GgufFixture.encode(DType.F32, 5))
                .write(dir.resolve("model.bin.weights"));
        try (GgufCheckpoint c = open(p)) {
            assertArrayEquals(new double[]{5}, c.tensors().getFirst().toDoubles());
        }
        assertTrue(new GgufReader().accepts(dir.resolve("x.GGUF"), new byte[0]));
    }
}
