package dev.loupe.landscape.hessian;

import dev.loupe.landscape.result.EigenMethod;
import dev.loupe.landscape.result.TraceMethod;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The default batch of an analysis, worked by hand from the estimators' certain directions: the memory cap where
 * they number at least 16, lowered to the width of the groups of the estimator with most of them, else 1.
 */
class TestAnalysisHvpBatch {
    private static HessianOptions options(double tol, TraceMethod trace, int traceSamples, int densitySteps, int densityRuns,
                                          boolean perLayer, double fdStep) {
        return new HessianOptions(EigenMethod.LANCZOS, 1, 100, tol, trace, traceSamples, densitySteps, densityRuns, 1e-5, 100,
                fdStep, perLayer, 0);
    }

    @Test
    void theDefaultAnalysisIsNotBatched() {
        // top-1, Hutchinson with tol 1e-3 (certain of its first 10 samples only), one SLQ run: 10 < 16
        assertEquals(1, AnalysisHvpBatch.of(8, options(1e-3, TraceMethod.HUTCHINSON, 100, 100, 1, false, 0), 6));
    }

    @Test
    void enoughCertainDirectionsTakeTheMemoryCap() {
        // without a tolerance all 100 samples are certain
        assertEquals(8, AnalysisHvpBatch.of(8, options(0, TraceMethod.HUTCHINSON, 100, 0, 1, false, 0), 6));
        assertEquals(3, AnalysisHvpBatch.of(3, options(0, TraceMethod.HUTCHINSON, 100, 0, 1, false, 0), 6));
        // 16 certain samples: two passes of 8; 15: none
        assertEquals(8, AnalysisHvpBatch.of(8, options(0, TraceMethod.HUTCHINSON, 16, 0, 1, false, 0), 6));
        assertEquals(1, AnalysisHvpBatch.of(8, options(0, TraceMethod.HUTCHINSON, 15, 0, 1, false, 0), 6));
        // Hutch++ with 30 products: three groups of 10
        assertEquals(8, AnalysisHvpBatch.of(8, options(1e-3, TraceMethod.HUTCHPP, 30, 0, 1, false, 0), 6));
        // 8 SLQ runs of 30 steps in lockstep: 240 directions in groups of 8
        assertEquals(8, AnalysisHvpBatch.of(8, options(1e-3, TraceMethod.HUTCHINSON, 0, 30, 8, false, 0), 6));
        // per layer: 10 certain samples for each of 6 tensors
        assertEquals(8, AnalysisHvpBatch.of(8, options(1e-3, TraceMethod.HUTCHINSON, 100, 100, 1, true, 0), 6));
        assertEquals(8, AnalysisHvpBatch.perLayerTraces(8, 100, 1e-3, 6));
    }

    @Test
    void theWidestGroupBoundsTheBatch() {
        // 3 SLQ runs of 100 steps: 300 certain directions, but never more than 3 at once; the trace's 10 certain
        // samples are fewer, so its groups do not set the width (a pass of 8 would run 3 directions at each step)
        assertEquals(3, AnalysisHvpBatch.of(8, options(1e-3, TraceMethod.HUTCHINSON, 100, 100, 3, false, 0), 6));
        assertEquals(3, AnalysisHvpBatch.of(8, options(1e-3, TraceMethod.HUTCHINSON, 0, 100, 3, false, 0), 6));
        // 100 samples without a tolerance against 3 runs of 30 steps: the trace's groups set it
        assertEquals(8, AnalysisHvpBatch.of(8, options(0, TraceMethod.HUTCHINSON, 100, 30, 3, false, 0), 6));
        // 5 samples per tensor without a tolerance, 4 tensors: 20 certain, 5 at once
        assertEquals(5, AnalysisHvpBatch.perLayerTraces(8, 5, 0, 4));
        assertEquals(1, AnalysisHvpBatch.perLayerTraces(8, 5, 0, 3));
    }

    /** A cap wider than 8 (a pooled layer's route) only from 96 certain directions: below, its set-up is not repaid. */
    @Test
    void routedPassesNeedManyDirections() {
        assertEquals(8, AnalysisHvpBatch.of(16, options(0, TraceMethod.HUTCHINSON, 48, 0, 1, false, 0), 6));
        assertEquals(8, AnalysisHvpBatch.of(16, options(0, TraceMethod.HUTCHINSON, 95, 0, 1, false, 0), 6));
        assertEquals(16, AnalysisHvpBatch.of(16, options(0, TraceMethod.HUTCHINSON, 96, 0, 1, false, 0), 6));
        // 16 SLQ runs of 30 steps in lockstep: 480 certain directions in groups of 16
        assertEquals(16, AnalysisHvpBatch.of(16, options(1e-3, TraceMethod.HUTCHINSON, 0, 30, 16, false, 0), 6));
        assertEquals(6, AnalysisHvpBatch.of(6, options(0, TraceMethod.HUTCHINSON, 48, 0, 1, false, 0), 6));
    }

    @Test
    void finiteDifferencesAreNeverBatched() {
        assertEquals(1, AnalysisHvpBatch.of(8, options(0, TraceMethod.HUTCHINSON, 100, 30, 8, false, 1e-3), 6));
    }
}
