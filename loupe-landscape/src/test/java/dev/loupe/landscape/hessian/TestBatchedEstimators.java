package dev.loupe.landscape.hessian;

import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.engine.ParameterLayout;
import dev.loupe.landscape.result.LayerCurvature;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The estimators that group independent directions ({@link HessianVectorProduct#batch}) give, on an operator whose
 * batched products are its single ones, exactly what they give one direction at a time: the same directions drawn in
 * the same order, the same stopping sample, the same SLQ runs in the same order (in lockstep: 5 runs as waves of 3
 * and 2). And the batches really are taken: the operator counts its applyAll calls and their sizes.
 */
class TestBatchedEstimators {
    /** A dense matrix whose applyAll takes up to {@code k} directions, recording each call's size. */
    private static final class Batching implements HessianVectorProduct {
        private final DenseHessian h;
        private final int k;
        final List<Integer> calls = java.util.Collections.synchronizedList(new ArrayList<>());

        Batching(double[][] a, int k) {
            this.h = new DenseHessian(a);
            this.k = k;
        }

        @Override
        public int dimension() {
            return h.dimension();
        }

        @Override
        public double[] apply(double[] v) {
            calls.add(1);
            return h.apply(v);
        }

        @Override
        public List<double[]> applyAll(List<double[]> vs) {
            assertTrue(vs.size() <= k, "more directions than the batch");
            calls.add(vs.size());
            return vs.stream().map(h::apply).toList();
        }

        @Override
        public int batch() {
            return k;
        }
    }

    private static double[][] matrix(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = a[j][i] = r.nextGaussian() + (i == j ? 3.0 * (n - i) / n : 0);
            }
        }
        return a;
    }

    @Test
    void hutchinsonStopsAtTheSameSampleWithTheSameTrace() {
        double[][] a = matrix(30, 1);
        for (double tol : new double[]{0, 0.05}) {
            Hutchinson.Result one = Hutchinson.trace(new DenseHessian(a), 40, tol, 9, Progress.NONE);
            Batching b = new Batching(a, 4);
            Hutchinson.Result four = Hutchinson.trace(b, 40, tol, 9, Progress.NONE);
            assertEquals(one.samples(), four.samples(), "tol " + tol);
            assertEquals(one.trace(), four.trace(), 0, "tol " + tol);
            assertEquals(one.halfWidth95(), four.halfWidth95(), 0, "tol " + tol);
            // passes sized to the stopping rule: whole passes of 4 while the samples are certain (all 40 without a
            // tolerance, the first 10 with one), then one at a time (the 2 left of 10 fill only half a pass): no
            // product computed that the trace does not use
            List<Integer> expected = new ArrayList<>(java.util.Collections.nCopies(tol == 0 ? 10 : 2, 4));
            while (expected.stream().mapToInt(Integer::intValue).sum() < one.samples()) {
                expected.add(1);
            }
            assertEquals(expected, b.calls, "tol " + tol);
            assertEquals(one.samples(), b.calls.stream().mapToInt(Integer::intValue).sum(), "tol " + tol);
        }
        assertTrue(Hutchinson.trace(new DenseHessian(matrix(30, 1)), 40, 0.05, 9, Progress.NONE).samples() > 10,
                "the tolerance case goes past the certain samples");
        // 15 certain samples in passes of 4: 4, 4, 4, then the 3 left in one (more than half a pass)
        Batching b = new Batching(a, 4);
        assertEquals(Hutchinson.trace(new DenseHessian(a), 15, 0, 9, Progress.NONE).trace(),
                Hutchinson.trace(b, 15, 0, 9, Progress.NONE).trace(), 0);
        assertEquals(List.of(4, 4, 4, 3), b.calls);
    }

    @Test
    void aPassTakesOnlyCertainSamples() {
        assertEquals(8, Hutchinson.pass(8, 10));
        assertEquals(1, Hutchinson.pass(8, 2), "2 of 8: singles");
        assertEquals(1, Hutchinson.pass(8, 4), "half a pass: singles");
        assertEquals(5, Hutchinson.pass(8, 5));
        assertEquals(1, Hutchinson.pass(8, 0), "past the certain samples: one at a time");
        assertEquals(1, Hutchinson.pass(1, 7));
    }

    @Test
    void hutchPlusPlusIsTheSameInGroups() {
        double[][] a = matrix(25, 2);
        Hutchinson.Result one = HutchPlusPlus.trace(new DenseHessian(a), 21, 4, Progress.NONE);
        Batching b = new Batching(a, 3);
        Hutchinson.Result three = HutchPlusPlus.trace(b, 21, 4, Progress.NONE);
        assertEquals(one.trace(), three.trace(), 0);
        assertEquals(one.halfWidth95(), three.halfWidth95(), 0);
        assertEquals(21, b.calls.stream().mapToInt(Integer::intValue).sum());
        assertEquals(List.of(3, 3, 1, 3, 3, 1, 3, 3, 1), b.calls, "7 sketch, 7 subspace, 7 remainder products in passes of 3");
    }

    @Test
    void densityRunsInLockstepGiveTheSameQuadrature() {
        double[][] a = matrix(40, 3);
        SpectralDensity.Quadrature one = SpectralDensity.lanczos(new DenseHessian(a), 12, 5, 7, Progress.NONE);
        Batching b = new Batching(a, 3);
        SpectralDensity.Quadrature three = SpectralDensity.lanczos(b, 12, 5, 7, Progress.NONE);
        assertArrayEquals(one.nodes(), three.nodes(), 0);
        assertArrayEquals(one.weights(), three.weights(), 0);
        assertEquals(12 * 5, b.calls.stream().mapToInt(Integer::intValue).sum());
        assertEquals(12 * 2, b.calls.size(), "12 steps of 3 runs, then 12 of 2: one pass per step: " + b.calls);
    }

    @Test
    void perLayerTracesAreTheSameInGroups() {
        double[][] a = matrix(20, 4);
        ParameterLayout layout = new ParameterLayout(List.of("a", "b"), List.of(new long[]{8}, new long[]{3, 4}),
                new int[]{0, 8, 20}, new int[]{0, 0});
        List<LayerCurvature> one = PerLayerHessian.of(new DenseHessian(a), layout, 30, 0, 1e-3, 5, Progress.NONE);
        List<LayerCurvature> four = PerLayerHessian.of(new Batching(a, 4), layout, 30, 0, 1e-3, 5, Progress.NONE);
        for (int i = 0; i < 2; i++) {
            assertEquals(one.get(i).trace(), four.get(i).trace(), 0);
            assertEquals(one.get(i).traceSamples(), four.get(i).traceSamples());
        }
    }
}
