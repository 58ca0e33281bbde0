package dev.loupe.landscape.hessian;

import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.grad.GradientEvaluator;
import dev.loupe.landscape.result.EigenMethod;
import dev.loupe.landscape.result.HessianResult;
import dev.loupe.landscape.result.LayerCurvature;
import dev.loupe.landscape.result.TraceMethod;

import java.util.List;

/** Top eigenvalues, trace, spectral density and (optionally) per-layer blocks of the Hessian at the model's weights, in one record. */
public final class HessianAnalysis {
    private HessianAnalysis() {
    }

    /** @param grad built with the Hessian-vector product graph (e.g. {@link GradientEvaluator#atPoint}) unless {@code o.fdStep() > 0} */
    public static HessianResult run(GradientEvaluator grad, int samples, HessianOptions o, Progress progress) {
        long t0 = System.nanoTime();
        float[] theta = grad.model().theta0();
        HessianVectorProduct h = o.fdStep() > 0 ? new FiniteDifferenceHvp(grad, theta, o.fdStep()) : new ExactHvp(grad, theta);
        TopEigen top = o.method() == EigenMethod.POWER ? PowerIteration.top(h, o.topK(), o.maxIter(), o.tol(), o.seed(), progress)
                : LanczosEigen.top(h, o.topK(), o.maxIter(), o.tol(), o.seed(), progress);
        Hutchinson.Result tr = o.traceSamples() == 0 ? Hutchinson.Result.NONE
                : o.traceMethod() == TraceMethod.HUTCHPP ? HutchPlusPlus.trace(h, o.traceSamples(), o.seed() + 1, progress)
                : Hutchinson.trace(h, o.traceSamples(), o.tol(), o.seed() + 1, progress);
        List<LayerCurvature> layers = o.perLayer()
                ? PerLayerHessian.of(h, grad.model().layout(), o.traceSamples(), o.maxIter(), o.tol(), o.seed(), progress) : List.of();
        double[] grid = new double[0], density = new double[0], nodes = new double[0], weights = new double[0];
        double sigma2 = o.sigma2();
        if (o.densitySteps() > 0 && o.densityRuns() > 0) {
            SpectralDensity.Quadrature q = SpectralDensity.lanczos(h, o.densitySteps(), o.densityRuns(), o.seed() + 2, progress);
            // PyHessian density_generate: grid [min − 0.01, max + 0.01], σ² scaled by max(1, range)
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (double x : q.nodes()) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            lo -= 0.01;
            hi += 0.01;
            sigma2 = o.sigma2() * Math.max(1, hi - lo);
            grid = new double[o.bins()];
            for (int i = 0; i < grid.length; i++) {
                grid[i] = lo + (hi - lo) * i / (grid.length - 1);
            }
            density = q.density(grid, sigma2);
            nodes = q.nodes();
            weights = q.weights();
        }
        return new HessianResult(grad.model().file().toString(), samples, theta.length, o.seed(), o.maxIter(), o.tol(),
                o.method(), top.eigenvalues(), top.residuals(), top.iterations(), o.traceMethod(), tr.trace(), tr.halfWidth95(), tr.samples(), grid, density, nodes,
                weights, sigma2, o.fdStep(), layers, (System.nanoTime() - t0) / 1e9);
    }
}
