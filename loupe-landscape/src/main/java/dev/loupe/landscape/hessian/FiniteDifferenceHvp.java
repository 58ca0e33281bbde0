package dev.loupe.landscape.hessian;

import dev.loupe.landscape.grad.GradientEvaluator;

import java.util.concurrent.CompletableFuture;

/**
 * Hv by central differences of exact gradients: Hv ≈ (∇L(θ + εu) − ∇L(θ − εu)) / (2ε) · ‖v‖ with
 * u = v/‖v‖. The truncation error is ε²/6 · ∇³L[u,u] (zero for a quadratic loss); the float32
 * gradients add about 1e-7·‖∇L‖/ε of rounding. The default ε = 1e-3 in θ units balances the two for
 * losses of order one; piecewise-linear models (ReLU) are exact between kinks, and a smaller ε
 * crosses fewer of them. θ ± εu is rounded to float32, which perturbs each entry by up to
 * 6e-8·|θᵢ|; with ε = 1e-3 spread over n weights that is a relative error of about 6e-5·|θᵢ|·√n per
 * entry, noise that averages out in the inner products the eigen-solvers take. The two gradients run
 * concurrently.
 */
public final class FiniteDifferenceHvp implements HessianVectorProduct {
    public static final double DEFAULT_STEP = 1e-3;
    private final GradientEvaluator grad;
    private final float[] theta;
    private final double step;

    public FiniteDifferenceHvp(GradientEvaluator grad, float[] theta, double step) {
        this.grad = grad;
        this.theta = theta.clone();
        this.step = step;
    }

    @Override
    public int dimension() {
        return theta.length;
    }

    @Override
    public double[] apply(double[] v) {
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        double[] out = new double[v.length];
        if (norm == 0) {
            return out;
        }
        float[] plus = new float[theta.length], minus = new float[theta.length];
        double s = step / norm;
        for (int i = 0; i < theta.length; i++) {
            plus[i] = (float) (theta[i] + s * v[i]);
            minus[i] = (float) (theta[i] - s * v[i]);
        }
        CompletableFuture<double[]> gp = CompletableFuture.supplyAsync(() -> grad.evaluate(plus).gradient());
        double[] gm = grad.evaluate(minus).gradient();
        double[] g = gp.join();
        for (int i = 0; i < out.length; i++) {
            out[i] = (g[i] - gm[i]) / (2 * step) * norm;
        }
        return out;
    }
}
