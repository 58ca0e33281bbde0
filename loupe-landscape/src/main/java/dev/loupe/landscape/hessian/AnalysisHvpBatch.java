package dev.loupe.landscape.hessian;

import dev.loupe.landscape.grad.HvpBatchSize;
import dev.loupe.landscape.result.TraceMethod;

/**
 * The directions per batched Hessian-vector product a Hessian analysis takes by default: as many as memory allows
 * ({@code grad.HvpBatchSize}), lowered to the width of the groups in which the estimator with the most certain
 * directions runs them together, and 1 (no batched pass built at all) unless the analysis's certain directions in
 * such groups number at least {@link #MIN_BATCHED}.
 *
 * <p>Why a floor: the batched pass is a second ONNX Runtime session beside the single one, which top-k Lanczos, power
 * iteration and a lone SLQ run need. On the fixture CNN (1,000 images in batches of 500, 8 directions, 2 threads) it
 * cost at set-up 0.7 CPU s more and 1.0 GB more of prepared values that only it reads, and 1.6 GB of ONNX Runtime
 * arena at its first run: peak RSS 4.4 GB against 1.9 GB. The default analysis (top-1, Hutchinson with a tolerance,
 * one SLQ run) is certain of only the first {@value Hutchinson#MIN_SAMPLES} trace samples, about a tenth of its 120
 * products; batching them saved 0.2 CPU s of 6.3 (11 samples) while the set-up cost more. Two full passes of the
 * largest batch ({@code HvpBatchSize.MAX}) do repay it (see {@code loupe-landscape/README.md} for the measurements).
 */
public final class AnalysisHvpBatch {
    /** Certain directions an analysis must have in batchable groups before a batched pass is built. */
    static final int MIN_BATCHED = 16;
    /**
     * Certain directions before a pass wider than {@code HvpBatchSize.UNROUTED_MAX} is taken (only a pooled conv
     * layer's route makes the cap that wide): its prepared Q and M cost 3–4 s more set-up on the fixture CNN's 1,000
     * images, repaid at about 0.03 s a direction. {@code hessian --top-k 1 --max-iter 2 --tol 0 --density-steps 0}
     * (quiet machine): 48 trace samples 8.0 s wall in passes of 8 against 9.6 in passes of 16; 128 samples 15.2 against 13.2.
     */
    static final int MIN_ROUTED = 96;

    private AnalysisHvpBatch() {
    }

    /**
     * @param memoryCap directions one batched pass may take as memory allows ({@code HvpBatchSize.of})
     * @param tensors   weight tensors (the per-layer traces run each tensor's samples as a group)
     */
    public static int of(int memoryCap, HessianOptions o, int tensors) {
        Group g = Group.NONE;
        if (o.fdStep() == 0) { // central differences have no batched pass
            if (o.traceSamples() > 0 && o.traceMethod() == TraceMethod.HUTCHPP) {
                int third = Math.max(2, o.traceSamples() / 3);
                g = g.and(new Group(third, 3L * third));
            } else if (o.traceSamples() > 0) {
                int c = Hutchinson.certain(o.traceSamples(), o.tol());
                g = g.and(new Group(c, c));
            }
            if (o.perLayer() && o.traceSamples() > 0) {
                int c = Hutchinson.certain(o.traceSamples(), o.tol());
                g = g.and(new Group(c, (long) c * tensors));
            }
            if (o.densitySteps() > 0 && o.densityRuns() > 1) { // runs advance in lockstep, one group per step
                g = g.and(new Group(o.densityRuns(), (long) o.densityRuns() * o.densitySteps()));
            }
        }
        return of(memoryCap, g);
    }

    /** The per-layer traces alone ({@link PerLayerHessian#traces}): the batch {@code loupe hessian --per-layer} takes. */
    public static int perLayerTraces(int memoryCap, int traceSamples, double tol, int tensors) {
        int c = Hutchinson.certain(traceSamples, tol);
        return of(memoryCap, new Group(c, (long) c * tensors));
    }

    static int of(int memoryCap, Group g) {
        if (g.count() < MIN_BATCHED) {
            return 1;
        }
        int cap = g.count() < MIN_ROUTED ? Math.min(memoryCap, HvpBatchSize.UNROUTED_MAX) : memoryCap;
        return Math.max(1, Math.min(cap, g.width()));
    }

    /**
     * Directions certain to be computed: {@code width} at most that one estimator hands over together, {@code count}
     * in all that go in such groups.
     */
    record Group(int width, long count) {
        static final Group NONE = new Group(1, 0);

        /**
         * Two estimators' groups: the width of the one with more certain directions (a pass of k run with fewer
         * directions costs a whole pass: k wider than the phase that does most of the work would waste it there), the
         * counts summed.
         */
        Group and(Group o) {
            return new Group(o.count > count ? o.width : width, count + o.count);
        }
    }
}
