package dev.loupe.compress.allocate;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TestBitAllocator {
    private static BitAllocator.Curve curve(String name, long params, double e2, double e3, double e4) {
        TreeMap<Integer, Double> m = new TreeMap<>();
        m.put(2, e2);
        m.put(3, e3);
        m.put(4, e4);
        return new BitAllocator.Curve(name, params, m);
    }

    @Test
    void greedyHandWorked() {
        // A: 100 params, errors 100/40/10 at 2/3/4 bits; B: 300 params, errors 60/50/45.
        // Budget 3 bits average = 1200 bit·params; start at 2 bits = 800, 400 left.
        //   gains per bit·param: A 2->3: 60/100 = 0.6, B 2->3: 10/300 = 0.033 -> A to 3 (300 left)
        //   A 3->4: 30/100 = 0.3 -> A to 4 (200 left); B 2->3 costs 300 > 200 -> stop.
        // Result A = 4, B = 2, average (400 + 600)/400 = 2.5 bits, error 10 + 60 = 70. The knapsack agrees
        // (A 3, B 3 would cost 1200 with error 40 + 50 = 90).
        List<BitAllocator.Curve> l = List.of(curve("A", 100, 100, 40, 10), curve("B", 300, 60, 50, 45));
        Allocation g = BitAllocator.greedy(l, 3);
        assertEquals(4, g.valueOf("A"));
        assertEquals(2, g.valueOf("B"));
        assertEquals(2.5, g.weightedMean(), 1e-12);
        Allocation k = BitAllocator.knapsack(l, 3);
        assertEquals(4, k.valueOf("A"));
        assertEquals(2, k.valueOf("B"));
    }

    @Test
    void knapsackBeatsGreedyWhenTheLastStepDoesNotFit() {
        // A: 100 params, 100/40/10; B: 300 params, 80/30/20. Budget 3 bits = 1200, start 800.
        //   greedy: A 2->3 (0.6), A 3->4 (0.3), then B 2->3 (50/300) costs 300 > 200 left: A 4, B 2, error 90.
        //   exact: A 3, B 3 costs exactly 1200 with error 40 + 30 = 70 (A 4, B 3 would cost 1300).
        List<BitAllocator.Curve> l = List.of(curve("A", 100, 100, 40, 10), curve("B", 300, 80, 30, 20));
        Allocation g = BitAllocator.greedy(l, 3);
        assertEquals(4, g.valueOf("A"));
        assertEquals(2, g.valueOf("B"));
        Allocation k = BitAllocator.knapsack(l, 3);
        assertEquals(3, k.valueOf("A"));
        assertEquals(3, k.valueOf("B"));
        assertEquals(3.0, k.weightedMean(), 1e-12);
    }

    @Test
    void budgetBelowMinimumIsRefused() {
        List<BitAllocator.Curve> l = List.of(curve("A", 100, 100, 40, 10));
        assertThrows(IllegalArgumentException.class, () -> BitAllocator.knapsack(l, 1.5));
        assertThrows(IllegalArgumentException.class, () -> BitAllocator.greedy(l, 1.5));
    }

    @Test
    void knapsackCanChooseUniformBitsThatFillTheBudgetExactly() {
        // the LLaMA fixture's seven projections (4096, 2048, 2048, 4096 and three of 10240 weights) with the same convex
        // error curve P·4^−b: equal marginal gains, so uniform 3 bits is the optimum at an average of 3. In
        // 1/20000-of-budget units rounded up (the old program) it does not fit: 4096·3 weights cost 1904.76 units.
        List<BitAllocator.Curve> l = new java.util.ArrayList<>();
        long[] params = {4096, 2048, 2048, 4096, 10240, 10240, 10240};
        for (int i = 0; i < params.length; i++) {
            java.util.TreeMap<Integer, Double> e = new java.util.TreeMap<>();
            for (int b = 2; b <= 8; b++) {
                e.put(b, params[i] * Math.pow(4, -b));
            }
            l.add(new BitAllocator.Curve("l" + i, params[i], e));
        }
        Allocation k = BitAllocator.knapsack(l, 3);
        for (int i = 0; i < params.length; i++) {
            assertEquals(3, k.valueOf("l" + i), k.toString());
        }
    }
}
