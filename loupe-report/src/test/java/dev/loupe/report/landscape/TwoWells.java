package dev.loupe.report.landscape;

import dev.loupe.landscape.hessian.SpectralDensity;
import dev.loupe.landscape.result.EigenMethod;
import dev.loupe.landscape.result.HessianResult;
import dev.loupe.landscape.result.LayerCurvature;
import dev.loupe.landscape.result.LineResult;
import dev.loupe.landscape.result.PlaneResult;
import dev.loupe.landscape.result.SampleResult;
import dev.loupe.landscape.result.TopologyResult;
import dev.loupe.landscape.result.TraceMethod;
import dev.loupe.landscape.topology.NeighborGraph;
import dev.loupe.landscape.topology.TopologyAnalysis;

import java.util.List;

/**
 * Records to draw, made by hand: the plane f(x, y) = (x² − 1)² + 2y² on a 7×5 grid (x = −1.5…1.5,
 * y = −1…1, step 0.5): minima 0 at (±1, 0), their basins join at the saddle (0, 0) with f = 1, the root
 * is a corner at 3.5625 — so the merge tree has exactly 4 nodes and 2 persistence pairs. Its topology
 * comes from loupe-landscape's own analysis of these values.
 */
final class TwoWells {
    static final int NX = 7, NY = 5;

    private TwoWells() {
    }

    static double f(double x, double y) {
        return (x * x - 1) * (x * x - 1) + 2 * y * y;
    }

    static PlaneResult plane(String model) {
        double[] xs = new double[NX], ys = new double[NY];
        for (int i = 0; i < NX; i++) {
            xs[i] = -1.5 + 0.5 * i;
        }
        for (int j = 0; j < NY; j++) {
            ys[j] = -1 + 0.5 * j;
        }
        double[][] loss = new double[NY][NX], acc = new double[NY][NX];
        for (int j = 0; j < NY; j++) {
            for (int i = 0; i < NX; i++) {
                loss[j][i] = f(xs[i], ys[j]);
                acc[j][i] = 1 - loss[j][i] / 4;
            }
        }
        return new PlaneResult(model, "random filter-normalized (Li et al.), seeds 0..1", 100, 0, xs, ys, loss, acc);
    }

    static TopologyResult topology(PlaneResult p) {
        double[] flat = new double[NX * NY];
        double[][] coords = new double[NX * NY][];
        for (int j = 0; j < NY; j++) {
            for (int i = 0; i < NX; i++) {
                flat[j * NX + i] = p.loss()[j][i];
                coords[j * NX + i] = new double[]{p.x()[i], p.y()[j]};
            }
        }
        return TopologyAnalysis.of(flat, coords, NeighborGraph.grid(NY, NX), "grid");
    }

    static SampleResult sample(String model) {
        PlaneResult p = plane(model);
        double[][] coords = new double[NX * NY][];
        double[] loss = new double[NX * NY];
        for (int j = 0; j < NY; j++) {
            for (int i = 0; i < NX; i++) {
                coords[j * NX + i] = new double[]{p.x()[i], p.y()[j]};
                loss[j * NX + i] = p.loss()[j][i];
            }
        }
        return new SampleResult(model, "random filter-normalized (Li et al.), seeds 0..1", "grid", 100, 0, coords, loss);
    }

    /** Loss f(α, 0) along the x axis: the line through both wells. */
    static LineResult line(String model) {
        double[] a = new double[13], l = new double[13], acc = new double[13];
        for (int i = 0; i < a.length; i++) {
            a[i] = -1.5 + 0.25 * i;
            l[i] = f(a[i], 0);
            acc[i] = 1 - l[i] / 4;
        }
        return new LineResult(model, "direction", 100, 0, a, l, acc);
    }

    /** A Hessian with eigenvalues 3 and 1 (equal SLQ weights), density broadened with σ² = 0.01 on [0, 4]. */
    static HessianResult hessian(String model) {
        SpectralDensity.Quadrature q = new SpectralDensity.Quadrature(new double[]{1, 3}, new double[]{0.5, 0.5}, 1);
        double[] grid = new double[4001];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = i * 0.001;
        }
        return new HessianResult(model, 100, 2, 0, 100, 1e-3, EigenMethod.LANCZOS, new double[]{3, 1}, new double[]{1e-3, 2e-3}, new int[]{7, 7}, TraceMethod.HUTCHINSON, 4, 0.1, 30,
                grid, q.density(grid, 0.01), q.nodes(), q.weights(), 0.01, 0,
                List.of(new LayerCurvature("w", new long[]{1}, 1, 1, 0.05, 30, 1, 0, 1), new LayerCurvature("b", new long[]{1}, 1, 3, 0.05, 30, 3, 0, 1)), 1.5);
    }
}
