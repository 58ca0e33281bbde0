package dev.loupe.compress.allocate;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Per-layer bit widths meeting an average-bits budget.
 *
 * <p>Objective: minimize Σᵢ Eᵢ(bᵢ) subject to Σᵢ Pᵢ·bᵢ ≤ B·ΣᵢPᵢ, where Eᵢ(b) is layer i's error at b bits
 * (we use the squared Frobenius error ‖W − deq(Q_b(W))‖², measured; any additive per-layer loss proxy works)
 * and Pᵢ its parameter count. Scales and zero points are not counted in the budget.
 *
 * <p>{@link #greedy}: start every layer at its fewest bits, then repeatedly take the single upgrade (one layer
 * to its next width) with the largest error reduction per added bit·parameter that still fits. Optimal when
 * every curve is convex and the budget falls on a step; otherwise it can stop short (see the test).
 * {@link #knapsack}: the exact multiple-choice knapsack by dynamic programming over the budget in
 * {@code BUCKETS} units; costs are rounded up to whole units, so the result never exceeds the budget and is
 * optimal for the rounded costs.
 */
public final class BitAllocator {
    private static final int BUCKETS = 20_000;
    /** The largest table (layers × gcd-sized budget units, ints) the exact program builds. */
    private static final long EXACT_CELLS = 20_000_000;

    /** A layer's error at each candidate width. */
    public record Curve(String name, long params, NavigableMap<Integer, Double> errorByBits) {
        public Curve {
            if (errorByBits.isEmpty() || params <= 0) {
                throw new IllegalArgumentException("layer " + name + " needs parameters and at least one width");
            }
            errorByBits = new TreeMap<>(errorByBits);
        }
    }

    private BitAllocator() {
    }

    /** Greedy by marginal error reduction per bit·parameter. */
    public static Allocation greedy(List<Curve> layers, double averageBits) {
        double budget = checkBudget(layers, averageBits);
        int[] bits = new int[layers.size()];
        double used = 0;
        for (int i = 0; i < bits.length; i++) {
            bits[i] = layers.get(i).errorByBits().firstKey();
            used += (double) layers.get(i).params() * bits[i];
        }
        while (true) {
            int best = -1;
            double bestGain = 0;
            for (int i = 0; i < bits.length; i++) {
                Curve c = layers.get(i);
                Integer next = c.errorByBits().higherKey(bits[i]);
                if (next == null) {
                    continue;
                }
                double cost = (double) c.params() * (next - bits[i]);
                double gain = (c.errorByBits().get(bits[i]) - c.errorByBits().get(next)) / cost;
                if (used + cost <= budget * (1 + 1e-12) && gain > bestGain) {
                    best = i;
                    bestGain = gain;
                }
            }
            if (best < 0) {
                return result(AllocationMethod.GREEDY, averageBits, layers, bits);
            }
            int next = layers.get(best).errorByBits().higherKey(bits[best]);
            used += (double) layers.get(best).params() * (next - bits[best]);
            bits[best] = next;
        }
    }

    /**
     * Exact multiple-choice knapsack. Costs are counted in units of the greatest common divisor of the layers'
     * parameter counts when layers × budget units is at most {@value #EXACT_CELLS} (every transformer: its matrices
     * share large power-of-two factors), so every allocation within the budget, uniform included, is open to it;
     * otherwise in 1/{@value #BUCKETS} of the budget, rounded up (never over budget, optimal for the rounded costs,
     * but an allocation that fills the budget exactly, such as uniform bits, can be shut out by the rounding).
     */
    public static Allocation knapsack(List<Curve> layers, double averageBits) {
        double budget = checkBudget(layers, averageBits);
        long gcd = 0;
        for (Curve c : layers) {
            gcd = MultipleChoiceKnapsack.gcd(gcd, c.params());
        }
        boolean exact = layers.size() * (budget / gcd) <= EXACT_CELLS;
        int units = exact ? (int) Math.floor(budget / gcd + 1e-9) : BUCKETS;
        double unit = exact ? gcd : budget / BUCKETS;
        int n = layers.size();
        int[][] costs = new int[n][];
        double[][] errors = new double[n][];
        int[][] widths = new int[n][];
        for (int i = 0; i < n; i++) {
            Curve c = layers.get(i);
            widths[i] = c.errorByBits().keySet().stream().mapToInt(Integer::intValue).toArray();
            errors[i] = c.errorByBits().values().stream().mapToDouble(Double::doubleValue).toArray();
            costs[i] = new int[widths[i].length];
            for (int k = 0; k < widths[i].length; k++) {
                costs[i][k] = cost(c.params(), widths[i][k], unit, units);
            }
        }
        int[] pick = MultipleChoiceKnapsack.solve(costs, errors, units);
        if (pick == null) {
            throw new IllegalArgumentException("an average of " + averageBits + " bits leaves no room once costs are rounded");
        }
        int[] bits = new int[n];
        for (int i = 0; i < n; i++) {
            bits[i] = widths[i][pick[i]];
        }
        return result(AllocationMethod.KNAPSACK, averageBits, layers, bits);
    }

    private static int cost(long params, int bits, double unit, int units) {
        if (bits < 0 || bits > 8) {
            throw new IllegalArgumentException("widths must be 0..8 bits, got " + bits);
        }
        return (int) Math.min(units + 1L, (long) Math.ceil(params * (double) bits / unit - 1e-9));
    }

    private static Allocation result(AllocationMethod method, double target, List<Curve> layers, int[] bits) {
        List<LayerShare> out = new ArrayList<>();
        for (int i = 0; i < bits.length; i++) {
            Curve c = layers.get(i);
            out.add(new LayerShare(c.name(), c.params(), c.errorByBits().get(bits[i]), bits[i]));
        }
        return new Allocation(method, target, out);
    }

    private static double checkBudget(List<Curve> layers, double averageBits) {
        double total = 0;
        double min = 0;
        for (Curve c : layers) {
            total += c.params();
            min += (double) c.params() * c.errorByBits().firstKey();
        }
        double budget = averageBits * total;
        if (!(budget >= min * (1 - 1e-12))) {
            throw new IllegalArgumentException("an average of " + averageBits + " bits is below the fewest bits the layers allow ("
                    + min / total + ")");
        }
        return budget;
    }
}
