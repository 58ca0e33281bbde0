package dev.loupe.landscape.direction;

import dev.loupe.landscape.engine.ParameterLayout;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Li et al.'s trajectory PCA against an SVD of the centred offset matrix (sklearn's PCA does exactly that). */
class TestTrajectoryPca {
    @Test
    void matchesTheSvdOfTheCentredOffsets() {
        // a 3x4 weight (12 values) and a bias of 3 (ignored: biasbn)
        ParameterLayout layout = new ParameterLayout(List.of("w", "b"), List.of(new long[]{3, 4}, new long[]{3}),
                new int[]{0, 12, 15}, new int[]{0, 0});
        SplittableRandom rnd = new SplittableRandom(9);
        float[] fin = new float[15];
        for (int i = 0; i < fin.length; i++) {
            fin[i] = (float) rnd.nextGaussian();
        }
        List<float[]> traj = new ArrayList<>();
        for (int t = 0; t < 5; t++) {
            float[] th = new float[15];
            for (int i = 0; i < 15; i++) {
                th[i] = fin[i] + (float) ((5 - t) * (i % 3 == 0 ? 1.0 : 0.3) * rnd.nextGaussian());
            }
            traj.add(th);
        }
        TrajectoryPca pca = TrajectoryPca.of(layout, fin, traj);
        // independent: SVD of the centred 5x12 offset matrix (bias columns left out)
        double[][] delta = new double[5][12];
        double[] mean = new double[12];
        for (int t = 0; t < 5; t++) {
            for (int i = 0; i < 12; i++) {
                delta[t][i] = (double) traj.get(t)[i] - fin[i];
                mean[i] += delta[t][i] / 5;
            }
        }
        DMatrixRMaj x = new DMatrixRMaj(5, 12);
        for (int t = 0; t < 5; t++) {
            for (int i = 0; i < 12; i++) {
                x.set(t, i, delta[t][i] - mean[i]);
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(5, 12, false, true, false);
        svd.decompose(x.copy());
        double[] s = svd.getSingularValues();
        DMatrixRMaj vt = svd.getV(null, true);
        Integer[] order = {0, 1, 2, 3, 4};
        java.util.Arrays.sort(order, (a, b) -> Double.compare(s[b], s[a]));
        double total = 0;
        for (double v : s) {
            total += v * v;
        }
        float[][] dirs = {pca.d1(), pca.d2()};
        double[][] coords = {pca.x(), pca.y()};
        for (int c = 0; c < 2; c++) {
            int k = order[c];
            assertEquals(s[k] * s[k] / total, pca.explained()[c], 1e-9);
            double sign = Math.signum(vt.get(k, 0) * dirs[c][0]);
            for (int i = 0; i < 12; i++) {
                assertEquals(vt.get(k, i), sign * dirs[c][i], 1e-6, "component " + c + " entry " + i);
            }
            for (int i = 12; i < 15; i++) {
                assertEquals(0f, dirs[c][i], "biases are ignored");
            }
            for (int t = 0; t < 5; t++) {
                double proj = 0;
                for (int i = 0; i < 12; i++) {
                    proj += delta[t][i] * vt.get(k, i);
                }
                assertEquals(proj, sign * coords[c][t], 1e-5, "projection of checkpoint " + t);
            }
        }
    }

    @Test
    void oneCheckpointOrIdenticalOnesAreRefused() {
        ParameterLayout layout = new ParameterLayout(List.of("w"), List.of(new long[]{2, 2}), new int[]{0, 4}, new int[]{0});
        float[] fin = {1, 2, 3, 4};
        assertThrows(dev.loupe.core.LoupeException.class, () -> TrajectoryPca.of(layout, fin, List.of(fin.clone())));
        assertThrows(dev.loupe.core.LoupeException.class,
                () -> TrajectoryPca.of(layout, fin, List.of(fin.clone(), fin.clone(), fin.clone())));
    }
}
