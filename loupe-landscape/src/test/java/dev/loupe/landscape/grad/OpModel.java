package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.hessian.ExactHvp;
import dev.loupe.landscape.hessian.FiniteDifferenceHvp;
import dev.loupe.landscape.onnx.OnnxModelBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A tiny model around one op (or a few): weights are float initializers, constants are initializers named
 * {@code c_*} (kept fixed), the body defines a value "h", and the model's output is the loss
 * Σ h² + Σ h — a quadratic term (Gauss–Newton part) plus a linear one (so the op's own second derivative
 * shows in the Hessian). The model has no data inputs, so one ORT run gives the loss.
 */
final class OpModel {
    private final OnnxModelBuilder b;
    private final SplittableRandom random;

    OpModel(long opset, long seed) {
        this.b = new OnnxModelBuilder(opset);
        this.random = new SplittableRandom(seed);
    }

    OnnxModelBuilder builder() {
        return b;
    }

    /** A weight with entries uniform in [lo, hi). */
    OpModel weight(String name, double lo, double hi, long... dims) {
        b.initializer(name, uniform(lo, hi, dims), dims);
        return this;
    }

    OpModel constant(String name, float[] values, long... dims) {
        b.initializer(name, values, dims);
        return this;
    }

    OpModel ints(String name, long[] values, long... dims) {
        b.initializer(name, values, dims);
        return this;
    }

    OpModel node(String op, Map<String, Object> attributes, String out, String... inputs) {
        b.node(new Node(out, op, "", List.of(inputs), List.of(out), attributes));
        return this;
    }

    OpModel node(String op, String out, String... inputs) {
        return node(op, Map.of(), out, inputs);
    }

    float[] uniform(double lo, double hi, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
        return v;
    }

    /** Appends the loss on "h" and writes the model. */
    Path write(Path dir, String name) throws Exception {
        node("Mul", "hh", "h", "h");
        node("ReduceSum", Map.of("keepdims", 0L), "sq", "hh");
        node("ReduceSum", Map.of("keepdims", 0L), "lin", "h");
        node("Add", "loss", "sq", "lin");
        b.output("loss", OnnxModelBuilder.FLOAT);
        Path p = dir.resolve(name + ".onnx");
        Files.write(p, b.build());
        return p;
    }

    static ParameterizedModel open(Path p) {
        return ParameterizedModel.open(p, n -> !n.startsWith("c_"));
    }

    static GradientEvaluator evaluator(ParameterizedModel m) {
        return new GradientEvaluator(m, null, LossKind.MODEL_OUTPUT, 1, 1, true);
    }

    /**
     * Every weight's gradient against central differences of the ORT forward loss (h = 1e-2: truncation
     * ≈ h²/6·L''' ≈ 1e-5, float32 rounding of a loss of order 10 ≈ 1e-6/h ≈ 1e-4), and H·v for a seeded
     * random v against central differences of the gradient along v (step 1e-2, same error budget).
     */
    static void checkGradientAndHvp(ParameterizedModel m, long seed) {
        try (GradientEvaluator g = evaluator(m)) {
            float[] theta = m.theta0();
            double[] grad = g.evaluate(theta).gradient();
            double scale = 1;
            for (double x : grad) {
                scale = Math.max(scale, Math.abs(x));
            }
            double h = 1e-2;
            for (int i = 0; i < theta.length; i++) {
                float[] plus = theta.clone(), minus = theta.clone();
                plus[i] += (float) h;
                minus[i] -= (float) h;
                double fd = (g.evaluate(plus).loss() - g.evaluate(minus).loss()) / ((double) plus[i] - minus[i]);
                assertEquals(fd, grad[i], 2e-3 * scale, "gradient of weight entry " + i);
            }
            double[] v = new double[theta.length];
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextGaussian();
            }
            double[] exact = new ExactHvp(g, theta).apply(v);
            double[] fd = new FiniteDifferenceHvp(g, theta, 1e-2).apply(v);
            double hs = 1;
            for (double x : exact) {
                hs = Math.max(hs, Math.abs(x));
            }
            for (int i = 0; i < v.length; i++) {
                assertEquals(fd[i], exact[i], 3e-3 * hs, "Hv entry " + i);
            }
            // at the point, with the tangent-independent part run once (HvpSplit): the same products and gradient
            try (GradientEvaluator at = GradientEvaluator.atPoint(m, null, LossKind.MODEL_OUTPUT, 1, 1, theta, null, 3)) {
                double[] split = new ExactHvp(at, theta).apply(v);
                double[] g0 = at.evaluate(theta).gradient();
                for (int i = 0; i < v.length; i++) {
                    assertEquals(exact[i], split[i], 1e-5 * hs, "prepared Hv entry " + i);
                    assertEquals(grad[i], g0[i], 1e-5 * scale, "prepared gradient entry " + i);
                }
                // three directions in one batched run (the vector axis through every tangent rule) against one at a time
                checkBatched(at, theta, List.of(v, gaussian(v.length, r), gaussian(v.length, r)));
            }
        }
    }

    /** Each of {@code vs} by {@link GradientEvaluator#hessianVectorProducts} equals its own single product, to float rounding. */
    static void checkBatched(GradientEvaluator g, float[] theta, List<double[]> vs) {
        if (g.hvpBatch() < 2) {
            throw new AssertionError("no batched pass was built");
        }
        List<double[]> batched = g.hessianVectorProducts(theta, vs);
        for (int j = 0; j < vs.size(); j++) {
            double[] single = g.hessianVectorProduct(theta, vs.get(j));
            double hs = 1e-12;
            for (double x : single) {
                hs = Math.max(hs, Math.abs(x));
            }
            for (int i = 0; i < single.length; i++) {
                assertEquals(single[i], batched.get(j)[i], 2e-5 * hs, "direction " + j + ", Hv entry " + i);
            }
        }
    }

    static double[] gaussian(int n, SplittableRandom r) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    /** Runs the weights through the gradient graph once and returns (loss, gradient). */
    static LossGradient gradient(ParameterizedModel m) {
        try (GradientEvaluator g = evaluator(m)) {
            return g.evaluate(m.theta0());
        }
    }

    static double[] hvp(ParameterizedModel m, double[] v) {
        try (GradientEvaluator g = evaluator(m)) {
            return new ExactHvp(g, m.theta0()).apply(v);
        }
    }
}
