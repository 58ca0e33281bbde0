package dev.loupe.core.format.safetensors;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Against the reference implementation: {@code peer_all_dtypes.safetensors} was written by
 * huggingface/safetensors 0.8.0 (Rust) from {@code make_peer_fixture.py} beside it. We read it, and
 * our writer must reproduce it byte for byte from the same tensors.
 */
class SafetensorsPeerTest {
    /** Same table as make_peer_fixture.py: name, dtype, shape. */
    private static final Object[][] SPECS = {
            {"a.f64", DType.F64, new long[] {3}}, {"b.f32", DType.F32, new long[] {2, 3}},
            {"c.f16", DType.F16, new long[] {5}}, {"d.bf16", DType.BF16, new long[] {2, 2}},
            {"e.f8e4m3", DType.F8_E4M3, new long[] {7}}, {"f.f8e5m2", DType.F8_E5M2, new long[] {3}},
            {"g.i64", DType.I64, new long[] {2}}, {"h.i32", DType.I32, new long[] {3, 1}},
            {"i.i16", DType.I16, new long[] {3}}, {"j.i8", DType.I8, new long[] {4}},
            {"k.u8", DType.U8, new long[] {5}}, {"l.bool", DType.BOOL, new long[] {2}},
            {"m.u16", DType.U16, new long[] {1}}, {"n.u32", DType.U32, new long[] {2}},
            {"o.u64", DType.U64, new long[] {1}}, {"p.scalar", DType.F32, new long[] {}},
            {"q.empty", DType.I32, new long[] {0, 3}}};

    @TempDir
    Path dir;

    /** b[k] = (31*i + 7*k + 1) & 0xff, as in the script (BOOL keeps the low bit). */
    private static byte[] expectedBytes(int i) {
        DType t = (DType) SPECS[i][1];
        long n = 1;
        for (long d : (long[]) SPECS[i][2]) {
            n *= d;
        }
        byte[] b = new byte[(int) n * t.elementBytes()];
        for (int k = 0; k < b.length; k++) {
            int v = (31 * i + 7 * k + 1) & 0xff;
            b[k] = (byte) (t == DType.BOOL ? v & 1 : v);
        }
        return b;
    }

    private Path fixture() throws IOException {
        Path f = dir.resolve("peer_all_dtypes.safetensors");
        try (InputStream in = getClass().getResourceAsStream("peer_all_dtypes.safetensors")) {
            Files.copy(in, f);
        }
        return f;
    }

    @Test
    void readsTheReferenceFile() throws IOException {
        try (Checkpoint c = Checkpoints.open(fixture())) {
            assertEquals(Map.of("format", "pt"), c.metadata());
            assertEquals(SPECS.length, c.tensors().size());
            for (int i = 0; i < SPECS.length; i++) {
                Tensor t = c.tensor((String) SPECS[i][0]).orElseThrow();
                assertEquals(SPECS[i][1], t.dtype(), t.name());
                assertArrayEquals((long[]) SPECS[i][2], t.shape(), t.name());
                assertArrayEquals(expectedBytes(i), t.storedBytes().toArray(ValueLayout.JAVA_BYTE), t.name());
            }
        }
    }

    @Test
    void writerReproducesTheReferenceBytes() throws IOException {
        List<Tensor> tensors = new ArrayList<>();
        for (int i = 0; i < SPECS.length; i++) {
            tensors.add(Tensor.contiguous((String) SPECS[i][0], (DType) SPECS[i][1], (long[]) SPECS[i][2],
                    MemorySegment.ofArray(expectedBytes(i)), null));
        }
        Path ours = dir.resolve("ours.safetensors");
        SafetensorsWriter.write(ours, tensors, Map.of("format", "pt"));
        assertArrayEquals(Files.readAllBytes(fixture()), Files.readAllBytes(ours));
    }
}
