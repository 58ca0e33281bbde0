package dev.loupe.compress.gguf;

import dev.loupe.core.data.Fixtures;
import dev.loupe.core.format.gguf.GgufCheckpoint;
import dev.loupe.core.format.gguf.GgufReader;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The byte-budget knapsack by hand, and an allocation on the fixture LLaMA against its recipe. */
class TestGgufAllocator {
    /**
     * Two tensors, two choices each (bytes, error): A (10, 9) or (20, 1); B (10, 5) or (20, 4). Budget 30: upgrading A
     * saves 8, B only 1, so A's larger choice with B's smaller (total error 6); budget 40: both larger (5); budget 20: both small (14).
     */
    @Test
    void knapsackByHand() {
        List<long[]> bytes = List.of(new long[]{10, 20}, new long[]{10, 20});
        List<double[]> errors = List.of(new double[]{9, 1}, new double[]{5, 4});
        assertArrayEquals(new int[]{1, 0}, GgufAllocator.knapsack(bytes, errors, 30));
        assertArrayEquals(new int[]{1, 1}, GgufAllocator.knapsack(bytes, errors, 40));
        assertArrayEquals(new int[]{0, 0}, GgufAllocator.knapsack(bytes, errors, 20));
    }

    /** The error of a row quantized to a type: Σ imp[c] (x − deq)² computed here from Loupe's dequantizer by hand. */
    @Test
    void weightedErrorIsTheImportanceWeightedSquaredError() {
        float[] x = new float[64];
        float[] imp = new float[64];
        for (int i = 0; i < 64; i++) {
            x[i] = (float) Math.sin(i * 0.7);
            imp[i] = i < 32 ? 1 : 4;
        }
        byte[] q = GgmlQuantizer.quantize(DType.Q5_0, x, imp);
        float[] y = new float[64];
        dev.loupe.core.tensor.quant.GgmlDequantizer.dequantize(DType.Q5_0, java.lang.foreign.MemorySegment.ofArray(q), 0, y, 0, 64);
        double e = 0;
        for (int i = 0; i < 64; i++) {
            e += imp[i] * (x[i] - y[i]) * (double) (x[i] - y[i]);
        }
        assertEquals(e, GgufAllocator.weightedError(x, 64, DType.Q5_0, imp), 1e-12);
        assertTrue(e > 0);
    }

    /**
     * On the fixture LLaMA with unit importances: within Q4_K_M's bytes, no more error than Q4_K_M's own types (the
     * recipe is one of the knapsack's feasible answers), and every choice a Q4_K-family fallback or Q8_0.
     */
    @Test
    void neverWorseThanTheRecipeWithinItsBytes() {
        try (GgufCheckpoint cp = new GgufReader().open(Fixtures.dir().resolve("lm/gguf/llama-f32.gguf"))) {
            List<Tensor> tensors = cp.tensors();
            Map<String, float[]> imp = new HashMap<>();
            for (Tensor t : tensors) {
                if (GgufFileType.quantizable(t.name(), t.shape()) && t.name().startsWith("blk.")) {
                    float[] w = new float[(int) t.shape()[1]];
                    java.util.Arrays.fill(w, 1f);
                    imp.put(t.name(), w);
                }
            }
            GgufAllocator.Result r = GgufAllocator.allocate(tensors, GgufFileType.Q4_K_M, imp, 2, false);
            assertEquals(14, r.picks().size());
            assertTrue(r.bytes() <= r.budgetBytes(), r.bytes() + " > " + r.budgetBytes());
            assertTrue(r.error() <= r.errorRecipe(), r.error() + " > " + r.errorRecipe());
            long recipeBytes = r.picks().stream().mapToLong(p -> p.recipe().byteSize(numel(tensors, p.tensor()))).sum();
            assertEquals(r.budgetBytes(), recipeBytes);
            for (GgufAllocator.Pick p : r.picks()) {
                assertTrue(List.of(DType.Q5_0, DType.Q5_1, DType.Q8_0).contains(p.chosen()), p.toString());
            }
        }
    }

    private static long numel(List<Tensor> ts, String name) {
        Tensor t = ts.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        return t.shape()[0] * t.shape()[1];
    }
}
