package dev.loupe.compress.gguf;

import dev.loupe.compress.allocate.MultipleChoiceKnapsack;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.core.tensor.quant.GgmlDequantizer;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loupe's own per-tensor GGUF types under a file-size budget: the multiple-choice knapsack (dynamic programming over
 * the budget in units of the sizes' greatest common divisor, exact, or for large tables in {@value #UNITS} units with
 * costs rounded up so the result never exceeds it) minimizing the summed
 * importance-weighted squared error Σ_rows Σ_c imp[c] (W − deq(Q(W)))² of each tensor's candidate types, where
 * imp is the calibration XᵀX diagonal over the token count (the mean squared input, llama.cpp's imatrix): the diagonal
 * of each linear layer's Hessian proxy 2XᵀX/N, the Fisher/XᵀX proxy of HAWQ-style allocation for LLMs. The budget is
 * the bytes a llama.cpp recipe (Q4_K_M) spends on the same tensors; tensors without importances (the token embedding)
 * keep the recipe's type. Bit widths are fractional here (Q4_K is 4.5 bits per weight with its scales), which is why
 * this is not {@code BitAllocator}'s integer-bit knapsack.
 */
public final class GgufAllocator {
    private static final int UNITS = 100_000;
    private static final long EXACT_UNITS = 2_000_000;
    private static final long EXACT_CELLS = 20_000_000;
    private static final DType[] CANDIDATES = {DType.Q4_K, DType.Q5_K, DType.Q6_K, DType.Q8_0};

    /** One tensor's choice. */
    public record Pick(String tensor, DType recipe, DType chosen, long bytes, double errorRecipe, double errorChosen) {
    }

    /** The allocation: per tensor the pick, the budget (the recipe's bytes on these tensors) and what it spends. */
    public record Result(List<Pick> picks, long budgetBytes, long bytes, double errorRecipe, double error) {
        public Result {
            picks = List.copyOf(picks);
        }

        public Map<String, DType> types() {
            Map<String, DType> m = new LinkedHashMap<>();
            picks.forEach(p -> m.put(p.tensor(), p.chosen()));
            return m;
        }
    }

    private GgufAllocator() {
    }

    /**
     * Chooses types for the tensors of {@code tensors} that have importances, within the bytes {@code recipe} gives
     * them; {@code layers}/{@code tied} as {@link LlamaQuantRules} needs them.
     */
    public static Result allocate(List<Tensor> tensors, GgufFileType recipe, Map<String, float[]> importance, int layers, boolean tied) {
        List<Tensor> open = new ArrayList<>();
        for (Tensor t : tensors) {
            if (GgufFileType.quantizable(t.name(), t.shape()) && importance.containsKey(t.name())) {
                open.add(t);
            }
        }
        long budget = 0;
        List<DType[]> options = new ArrayList<>();
        List<long[]> bytes = new ArrayList<>();
        List<double[]> errors = new ArrayList<>();
        List<DType> recipeTypes = new ArrayList<>();
        for (Tensor t : open) {
            long[] shape = t.shape();
            long cols = shape[shape.length - 1];
            long numel = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            DType r = LlamaQuantRules.typeOf(recipe, t.name(), shape, layers, tied);
            recipeTypes.add(r);
            budget += r.byteSize(numel);
            Set<DType> cands = new LinkedHashSet<>();
            for (DType c : CANDIDATES) {
                cands.add(GgufFileType.fallback(c, cols));
            }
            cands.add(r);
            DType[] c = cands.toArray(DType[]::new);
            float[] x = t.toFloats();
            float[] imp = importance.get(t.name());
            long[] b = new long[c.length];
            double[] e = new double[c.length];
            for (int k = 0; k < c.length; k++) {
                b[k] = c[k].byteSize(numel);
                e[k] = weightedError(x, (int) cols, c[k], imp);
            }
            options.add(c);
            bytes.add(b);
            errors.add(e);
        }
        int[] pick = knapsack(bytes, errors, budget);
        List<Pick> picks = new ArrayList<>();
        long spent = 0;
        double eRecipe = 0;
        double eChosen = 0;
        for (int i = 0; i < open.size(); i++) {
            DType[] c = options.get(i);
            int ri = Arrays.asList(c).indexOf(recipeTypes.get(i));
            picks.add(new Pick(open.get(i).name(), recipeTypes.get(i), c[pick[i]], bytes.get(i)[pick[i]], errors.get(i)[ri],
                    errors.get(i)[pick[i]]));
            spent += bytes.get(i)[pick[i]];
            eRecipe += errors.get(i)[ri];
            eChosen += errors.get(i)[pick[i]];
        }
        return new Result(picks, budget, spent, eRecipe, eChosen);
    }

    /** Σ_rows Σ_c imp[c] (x − deq(Q(x)))², each row quantized with the importances as it will be written. */
    static double weightedError(float[] x, int cols, DType type, float[] imp) {
        double err = 0;
        float[] y = new float[cols];
        for (int r = 0; r < x.length / cols; r++) {
            float[] row = Arrays.copyOfRange(x, r * cols, (r + 1) * cols);
            byte[] q = GgmlQuantizer.quantize(type, row, imp);
            GgmlDequantizer.dequantize(type, MemorySegment.ofArray(q), 0, y, 0, cols);
            for (int c = 0; c < cols; c++) {
                double d = row[c] - y[c];
                err += imp[c] * d * d;
            }
        }
        return err;
    }

    /** Index of each tensor's choice minimizing the summed error with Σ bytes <= budget (costs rounded up). */
    static int[] knapsack(List<long[]> bytes, List<double[]> errors, long budget) {
        int n = bytes.size();
        // exact in units of the sizes' greatest common divisor when that table is small, else costs rounded up
        long g = budget;
        for (long[] b : bytes) {
            for (long v : b) {
                g = MultipleChoiceKnapsack.gcd(g, v);
            }
        }
        boolean exact = g > 0 && budget / g <= EXACT_UNITS && (budget / g) * n <= EXACT_CELLS;
        int units = exact ? (int) (budget / g) : UNITS;
        double unit = exact ? g : Math.max(1, budget) / (double) UNITS;
        int[][] cost = new int[n][];
        for (int i = 0; i < n; i++) {
            long[] b = bytes.get(i);
            cost[i] = new int[b.length];
            for (int k = 0; k < b.length; k++) {
                cost[i][k] = (int) Math.min(units + 1L, exact ? b[k] / g : (long) Math.ceil(b[k] / unit - 1e-9));
            }
        }
        int[] pick = MultipleChoiceKnapsack.solve(cost, errors.toArray(double[][]::new), units);
        if (pick == null) {
            throw new IllegalStateException("no choice fits the budget of " + budget + " bytes once costs are rounded up");
        }
        return pick;
    }
}
