package dev.loupe.core.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Strided views decode runs of contiguous trailing dimensions in bulk. Each view is checked against
 * the element-wise definition written out here (element i of the view is storage[offset + sum idx*stride]
 * with idx the row-major unravelling of i), over the whole view and over ranges that start and end
 * inside a run, and against the values torch 1.13 itself wrote for the views in views.pt.
 */
class TestStridedReader {
    private static final long[][] RANGES = {{0, -1}, {1, 5}, {7, 9}, {3, 1}, {13, 0}};

    /** A 4x6x5 float storage whose element k is 0.5k - 7 (exact in float). */
    private static float[] storage() {
        float[] s = new float[120];
        for (int k = 0; k < s.length; k++) {
            s[k] = 0.5f * k - 7;
        }
        return s;
    }

    private static float[] elementWise(float[] storage, long[] shape, long[] strides, long offset, long start, int len) {
        float[] out = new float[len];
        for (int i = 0; i < len; i++) {
            long rem = start + i;
            long e = offset;
            for (int d = shape.length - 1; d >= 0; d--) {
                e += rem % shape[d] * strides[d];
                rem /= shape[d];
            }
            out[i] = storage[(int) e];
        }
        return out;
    }

    private static void check(long[] shape, long[] strides, long offset) {
        float[] s = storage();
        Tensor t = Tensor.strided("v", DType.F32, shape, strides, offset, MemorySegment.ofArray(s), null);
        assertFalse(t.isContiguous());
        for (long[] r : RANGES) {
            long start = Math.min(r[0], t.numel());
            int len = (int) (r[1] < 0 ? t.numel() - start : Math.min(r[1], t.numel() - start));
            float[] want = elementWise(s, shape, strides, offset, start, len);
            float[] got = new float[len + 2];
            t.readFloats(start, got, 1, len);
            float[] inner = new float[len];
            System.arraycopy(got, 1, inner, 0, len);
            assertArrayEquals(want, inner, "floats from " + start);
            assertEquals(0f, got[0]);
            assertEquals(0f, got[len + 1]); // nothing written outside [off, off + len)
            double[] d = new double[len];
            t.readDoubles(start, d, 0, len);
            for (int i = 0; i < len; i++) {
                assertEquals(want[i], d[i], 0.0, "double " + (start + i));
            }
        }
    }

    @Test
    void transposeHasRunsOfOneElement() {
        check(new long[] {6, 4}, new long[] {1, 6}, 0);
        assertEquals(0, StridedReader.contiguousTail(new long[] {6, 4}, new long[] {1, 6}));
    }

    @Test
    void columnSliceReadsRowByRow() {
        check(new long[] {2, 3}, new long[] {6, 1}, 8); // base[1:3, 2:5] of a 4x6
        assertEquals(1, StridedReader.contiguousTail(new long[] {2, 3}, new long[] {6, 1}));
    }

    @Test
    void slicedMiddleDimensionMergesTheTrailingTwo() {
        check(new long[] {4, 3, 5}, new long[] {30, 5, 1}, 5); // base[:, 1:4, :] of a 4x6x5: runs of 15
        assertEquals(2, StridedReader.contiguousTail(new long[] {4, 3, 5}, new long[] {30, 5, 1}));
    }

    @Test
    void everyOtherColumnAndSizeOneDimensions() {
        check(new long[] {4, 3}, new long[] {6, 2}, 0); // base[:, ::2]
        check(new long[] {2, 1, 3}, new long[] {12, 99, 1}, 2); // a size-1 dim's stride does not matter
        assertEquals(2, StridedReader.contiguousTail(new long[] {2, 1, 3}, new long[] {12, 99, 1}));
    }

    /** torch's own values for its transposed, sliced and every-other views (views.pt.expected.json). */
    @Test
    void torchViewsMatchTorchOnEveryRange() throws IOException, URISyntaxException {
        Path pt = Path.of(getClass().getResource("/pytorch/views.pt").toURI());
        JsonNode expected = new ObjectMapper().readTree(Path.of(getClass().getResource("/pytorch/views.pt.expected.json")
                .toURI()).toFile()).get("tensors");
        try (Checkpoint cp = Checkpoints.open(pt)) {
            for (JsonNode e : expected) {
                Tensor t = cp.tensor(e.get("name").asText()).orElseThrow();
                JsonNode values = e.get("values");
                for (int start = 0; start < t.numel(); start++) {
                    int len = (int) Math.min(5, t.numel() - start);
                    float[] got = new float[len];
                    t.readFloats(start, got, 0, len);
                    for (int i = 0; i < len; i++) {
                        assertEquals((float) values.get(start + i).asDouble(), got[i], t.name() + "[" + (start + i) + "]");
                    }
                }
            }
        }
    }
}
