package dev.loupe.landscape.hessian;

import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.grad.GradientEvaluator;
import dev.loupe.landscape.grad.LossGradient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything measured on ½xᵀAx must be A's: gradient Ax, eigenvalues λ, trace Σλ = 12.75, SLQ nodes λ; each
 * check runs with the exact (R-operator) and the finite-difference Hessian-vector product.
 */
class HessianOnQuadraticTest {
    private static final float[] X0 = {0.3f, -1.2f, 0.7f, 2.0f, -0.4f, 1.1f};
    private static final double TRACE = 12.75;

    @TempDir
    Path dir;

    private interface Body {
        void run(GradientEvaluator g, HessianVectorProduct h) throws Exception;
    }

    private void withModel(Body body) throws Exception {
        try (ParameterizedModel m = ParameterizedModel.open(QuadraticModel.write(dir, X0), "x"::equals);
             GradientEvaluator g = new GradientEvaluator(m, null, LossKind.MODEL_OUTPUT, 1, 1, true)) {
            body.run(g, new ExactHvp(g, m.theta0()));
            body.run(g, new FiniteDifferenceHvp(g, m.theta0(), FiniteDifferenceHvp.DEFAULT_STEP));
        }
    }

    @Test
    void gradientIsAx() throws Exception {
        double[][] a = QuadraticModel.a();
        withModel((g, h) -> {
            LossGradient lg = g.evaluate(X0);
            double loss = 0;
            for (int i = 0; i < 6; i++) {
                double ax = 0;
                for (int j = 0; j < 6; j++) {
                    ax += a[i][j] * X0[j];
                }
                assertEquals(ax, lg.gradient()[i], 1e-5);
                loss += 0.5 * X0[i] * ax;
            }
            assertEquals(loss, lg.loss(), 1e-5);
        });
    }

    @Test
    void powerIterationAndLanczosFindTheTopEigenvaluesAndVectors() throws Exception {
        double[][] q = QuadraticModel.q();
        withModel((g, h) -> {
            TopEigen r = PowerIteration.top(h, 3, 1000, 1e-9, 11, Progress.NONE);
            assertArrayEquals(new double[]{6, 3, 2}, r.eigenvalues(), 1e-3);
            assertEigenvectorsAreQsColumns(r, q);
            TopEigen l = LanczosEigen.top(h, 3, 100, 1e-6, 11, Progress.NONE);
            assertArrayEquals(new double[]{6, 3, 2}, l.eigenvalues(), 1e-3);
            assertEigenvectorsAreQsColumns(l, q);
        });
    }

    private static void assertEigenvectorsAreQsColumns(TopEigen r, double[][] q) {
        for (int e = 0; e < 3; e++) { // eigenvector e is column e of Q, up to sign
            double dot = 0;
            for (int i = 0; i < 6; i++) {
                dot += r.eigenvectors().get(e)[i] * q[i][e];
            }
            assertEquals(1.0, Math.abs(dot), 1e-3);
        }
    }

    @Test
    void hutchinsonConfidenceIntervalHoldsTheTrace() throws Exception {
        withModel((g, h) -> {
            Hutchinson.Result r = Hutchinson.trace(h, 200, 0, 5, Progress.NONE);
            assertEquals(200, r.samples());
            assertTrue(Math.abs(r.trace() - TRACE) <= r.halfWidth95(), r + " vs " + TRACE);
            assertTrue(r.halfWidth95() < 1.5, "interval too wide: " + r.halfWidth95());
        });
    }

    @Test
    void lanczosNodesAreTheEigenvaluesAndTheDensityIntegratesToOne() throws Exception {
        withModel((g, h) -> {
            SpectralDensity.Quadrature quad = SpectralDensity.lanczos(h, 6, 2, 3, Progress.NONE);
            double[] nodes = Arrays.copyOf(quad.nodes(), 6);
            Arrays.sort(nodes);
            double[] lambda = QuadraticModel.LAMBDA.clone();
            Arrays.sort(lambda);
            assertArrayEquals(lambda, nodes, 1e-3);
            assertEquals(2.0, Arrays.stream(quad.weights()).sum(), 1e-6);
            double[] grid = new double[2001];
            for (int i = 0; i < grid.length; i++) {
                grid[i] = -2 + i * 0.005;
            }
            double[] d = quad.density(grid, 0.01);
            assertEquals(1.0, Arrays.stream(d).sum() * 0.005, 1e-3);
        });
    }
}
