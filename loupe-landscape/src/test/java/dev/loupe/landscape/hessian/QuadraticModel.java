package dev.loupe.landscape.hessian;

import dev.loupe.core.graph.Node;
import dev.loupe.landscape.onnx.OnnxModelBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * loss(x) = ½ xᵀAx as an ONNX model whose only weight is x [1, n]: ReduceSum(x ⊙ (x·(A/2))).
 * A = Q·diag(λ)·Qᵀ with the Householder reflection Q = I − 2uuᵀ/‖u‖², so its eigenvalues are λ exactly
 * and its eigenvectors the columns of Q; gradient Ax, Hessian A.
 */
final class QuadraticModel {
    static final double[] LAMBDA = {6, 3, 2, 1, 0.5, 0.25};
    static final double[] U = {1, -2, 0.5, 1, 3, -1};
    static final int N = LAMBDA.length;

    static double[][] q() {
        double uu = 0;
        for (double x : U) {
            uu += x * x;
        }
        double[][] q = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                q[i][j] = (i == j ? 1 : 0) - 2 * U[i] * U[j] / uu;
            }
        }
        return q;
    }

    static double[][] a() {
        double[][] q = q();
        double[][] a = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                for (int k = 0; k < N; k++) {
                    a[i][j] += q[i][k] * LAMBDA[k] * q[j][k];
                }
            }
        }
        return a;
    }

    static Path write(Path dir, float[] x0) throws IOException {
        double[][] a = a();
        float[] half = new float[N * N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                half[i * N + j] = (float) (a[i][j] / 2);
            }
        }
        OnnxModelBuilder b = new OnnxModelBuilder(13);
        b.initializer("x", x0, 1, N);
        b.initializer("half_a", half, N, N);
        b.node(new Node("mm", "MatMul", "", List.of("x", "half_a"), List.of("y"), Map.of()));
        b.node(new Node("mul", "Mul", "", List.of("y", "x"), List.of("p"), Map.of()));
        b.node(new Node("sum", "ReduceSum", "", List.of("p"), List.of("loss"), Map.of("keepdims", 0L)));
        b.output("loss", OnnxModelBuilder.FLOAT);
        Path p = dir.resolve("quadratic.onnx");
        Files.write(p, b.build());
        return p;
    }
}
