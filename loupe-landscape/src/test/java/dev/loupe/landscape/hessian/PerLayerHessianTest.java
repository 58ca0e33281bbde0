package dev.loupe.landscape.hessian;

import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.TinyMlp;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ParameterLayout;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;
import dev.loupe.landscape.grad.GradientEvaluator;
import dev.loupe.landscape.result.LayerCurvature;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-layer curvature against each diagonal block's exact trace (sum of its diagonal) and eigenvalues (EJML's
 * dense eigen-decomposition of the block): on a dense coupled 65×65 matrix split into three "tensors", and on the
 * 4-3-2 MLP whose Hessian is built column by column from central differences of exact gradients.
 */
class PerLayerHessianTest {
    @TempDir
    Path dir;

    /** Eigenvalues of the block [from, to) of {@code a}. */
    private static double[] blockEigenvalues(double[][] a, int from, int to) {
        int m = to - from;
        DMatrixRMaj b = new DMatrixRMaj(m, m);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                b.set(i, j, 0.5 * (a[from + i][from + j] + a[from + j][from + i]));
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m, false, true);
        assertTrue(eig.decompose(b));
        double[] l = new double[m];
        for (int i = 0; i < m; i++) {
            l[i] = eig.getEigenvalue(i).getReal();
        }
        return l;
    }

    private static double largestMagnitude(double[] l) {
        double best = 0;
        for (double x : l) {
            best = Math.abs(x) > Math.abs(best) ? x : best;
        }
        return best;
    }

    /** Each layer against its exact block, up to {@code slack} (the exact block's own error) and the estimates' intervals. */
    private static void assertBlocks(double[][] h, ParameterLayout layout, List<LayerCurvature> layers, double tol, double slack) {
        assertEquals(layout.count(), layers.size());
        for (int b = 0; b < layout.count(); b++) {
            LayerCurvature l = layers.get(b);
            int from = layout.offset(b), to = from + layout.length(b);
            double exactTrace = 0;
            for (int i = from; i < to; i++) {
                exactTrace += h[i][i];
            }
            double[] eig = blockEigenvalues(h, from, to);
            String name = l.name();
            assertEquals(layout.names().get(b), name);
            assertEquals(layout.length(b), l.parameters());
            assertTrue(Math.abs(l.trace() - exactTrace) <= l.traceHalfWidth95() + slack,
                    name + ": trace " + l.trace() + " ± " + l.traceHalfWidth95() + " vs exact " + exactTrace);
            double top = largestMagnitude(eig);
            assertTrue(l.residual() <= tol * Math.abs(l.topEigenvalue()) + 1e-12, name + ": not converged, bound " + l.residual());
            assertEquals(top, l.topEigenvalue(), l.residual() + slack, name + ": top eigenvalue of the block");
        }
    }

    @Test
    void blocksOfACoupledQuadraticHaveTheirExactTracesAndTopEigenvalues() {
        int n = 65;
        SplittableRandom r = new SplittableRandom(11);
        double[][] g = new double[n][n], a = new double[n][n];
        for (double[] row : g) {
            for (int j = 0; j < n; j++) {
                row[j] = r.nextGaussian();
            }
        }
        for (int i = 0; i < n; i++) { // A = GGᵀ/n + diag(shift): dense coupling between the blocks, an indefinite block
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    a[i][j] += g[i][k] * g[j][k] / n;
                }
            }
            a[i][i] += i < 5 ? -6 : i < 25 ? 0 : 1;
        }
        ParameterLayout layout = new ParameterLayout(List.of("a", "b", "c"), List.of(new long[]{5}, new long[]{4, 5}, new long[]{40}),
                new int[]{0, 5, 25, 65}, new int[]{0, 0, 0});
        List<LayerCurvature> layers = PerLayerHessian.of(new DenseHessian(a), layout, 2000, 100, 1e-10, 3, Progress.NONE);
        assertBlocks(a, layout, layers, 1e-10, 1e-9);
        assertTrue(layers.getFirst().topEigenvalue() < 0, "block a is negative definite: its top by magnitude is negative");
        for (LayerCurvature l : layers) {
            assertTrue(l.traceHalfWidth95() > 0 && l.traceHalfWidth95() < 0.1 * Math.abs(l.trace()), l + ": an interval that means something");
            assertEquals(2000, l.traceSamples());
        }
    }

    @Test
    void blocksOfTheMlpHessianMatchCentralDifferencesOfGradients() throws Exception {
        TinyMlp mlp = new TinyMlp(31);
        Samples data = Samples.classification(TinyMlp.inputs(40, 32), new long[]{TinyMlp.IN}, TinyMlp.labels(40, 33));
        try (ParameterizedModel m = ParameterizedModel.open(mlp.write(dir));
             GradientEvaluator g = new GradientEvaluator(m, data, LossKind.CROSS_ENTROPY, 16, 1, true)) {
            int n = m.layout().size();
            // H column by column: (∇L(θ + εe_j) − ∇L(θ − εe_j)) / 2ε with ε = 1e-4, where these seeds cross no ReLU kink
            // (at 1e-3 two columns do, and their differences are off by 0.2); entries then agree with the R-operator to 1e-4
            FiniteDifferenceHvp fd = new FiniteDifferenceHvp(g, m.theta0(), 1e-4);
            double[][] h = new double[n][];
            for (int j = 0; j < n; j++) {
                double[] e = new double[n];
                e[j] = 1;
                h[j] = fd.apply(e); // row j of a symmetric matrix
            }
            List<LayerCurvature> layers = PerLayerHessian.of(new ExactHvp(g, m.theta0()), m.layout(), 2000, 50, 1e-9, 5, Progress.NONE);
            // slack for the differences' float32 rounding: 1e-3, 0.5% of the largest entry (0.22)
            assertBlocks(h, m.layout(), layers, 1e-6, 1e-3);
            assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"), layers.stream().map(LayerCurvature::name).toList());
        }
    }
}
