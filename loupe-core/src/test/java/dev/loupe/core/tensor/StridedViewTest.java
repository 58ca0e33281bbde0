package dev.loupe.core.tensor;

import dev.loupe.core.LoupeException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Strided views (PyTorch as_strided): logical row-major order, bounds, exact byte gathering. */
class StridedViewTest {
    /** Storage 0..11 as I32: viewed as a 3x4 matrix m[i][j] = 4i + j. */
    private static MemorySegment storage() {
        ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 12; i++) {
            b.putInt(i);
        }
        return MemorySegment.ofArray(b.array());
    }

    @Test
    void transposeReadsColumnMajor() {
        // m^T has shape [4,3] and strides [1,4]: element (j,i) = m[i][j] = 4i + j
        Tensor t = Tensor.strided("mT", DType.I32, new long[] {4, 3}, new long[] {1, 4}, 0, storage(), null);
        assertFalse(t.isContiguous());
        assertArrayEquals(new double[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, t.toDoubles());
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, t.toFloats());
    }

    @Test
    void offsetAndStepSlice() {
        // m[1:, ::2] = rows 1..2, columns 0 and 2: {4, 6, 8, 10}; offset 4, strides [4, 2]
        Tensor t = Tensor.strided("s", DType.I32, new long[] {2, 2}, new long[] {4, 2}, 4, storage(), null);
        assertArrayEquals(new double[] {4, 6, 8, 10}, t.toDoubles());
        float[] part = new float[2];
        t.readFloats(1, part, 0, 2);
        assertArrayEquals(new float[] {6, 8}, part);
    }

    @Test
    void rowMajorStridesBecomeAContiguousSlice() {
        Tensor t = Tensor.strided("row1", DType.I32, new long[] {4}, new long[] {1}, 4, storage(), null);
        assertTrue(t.isContiguous());
        assertArrayEquals(new double[] {4, 5, 6, 7}, t.toDoubles());
    }

    @Test
    void storedBytesGatherExactly() throws IOException {
        Tensor t = Tensor.strided("mT", DType.I32, new long[] {4, 3}, new long[] {1, 4}, 0, storage(), null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StoredBytes.write(t, out);
        ByteBuffer want = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : new int[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}) {
            want.putInt(v);
        }
        assertArrayEquals(want.array(), out.toByteArray());
    }

    @Test
    void viewsPastTheStorageAreRejected() {
        Path f = Path.of("x.pt");
        // last element index = 2 + (3-1)*4 + (4-1)*1 = 13 >= 12
        LoupeException e = assertThrows(LoupeException.class, () ->
                Tensor.strided("bad", DType.I32, new long[] {3, 4}, new long[] {4, 1}, 2, storage(), f));
        assertTrue(e.getMessage().contains("x.pt"));
        assertThrows(LoupeException.class, () ->
                Tensor.strided("neg", DType.I32, new long[] {2}, new long[] {-1}, 1, storage(), f));
    }
}
