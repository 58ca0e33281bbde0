package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;
import dev.loupe.landscape.engine.ParameterizedModel;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Multiply-adds per sample of a model's Conv, Gemm and MatMul nodes: in one forward pass, and in the tangent
 * passes of one Hessian-vector product at a fixed point (what {@link HvpSplit}'s per-vector part must compute
 * whatever the kernels). For a product Y = A·B with A, B each depending on the weights or not (a, b ∈ {0, 1}): the
 * forward tangent Ẏ = Ȧ·B + A·Ḃ costs a + b products; the gradient of A (needed when a) has the tangent
 * dẎ·Bᵀ + dY·Ḃᵀ, 1 + b products, and that of B likewise 1 + a (Pearlmutter 1994; Griewank &amp; Walther 2008
 * §3.3). A hidden layer (both) costs 6 forward products, a first layer (input not a weight's function) 2. A first
 * Conv → Relu → MaxPool chain that {@link FirstLayerRoute} maps through its prepared Q costs its two products with Q
 * (O·P·J each) instead, and the Conv after it 4 (its Ẋᵀ·G and G·Ẇ terms are precontracted once per point); a hidden
 * chain's kernel terms through its Q ({@link HiddenLayerRoute}) likewise, and a first chain followed by a hidden one
 * its two products with M ({@link SecondLayerRoute}), in passes of enough directions. The
 * ratio is the HVP/forward floor {@code loupe bench hessian} sets its measurement against; elementwise ops,
 * masks and pooling are left out of both sides.
 */
public final class MultiplyAdds {
    /** Per sample: {@code forward} in one forward pass, {@code tangent} in one Hessian-vector product's tangent passes. */
    public record Counts(long forward, long tangent) {
        public double ratio() {
            return (double) tangent / forward;
        }
    }

    private MultiplyAdds() {
    }

    /** Of a single product ({@link #of(ParameterizedModel, int)} for one direction). */
    public static Optional<Counts> of(ParameterizedModel m) {
        return of(m, 1);
    }

    /**
     * Per direction, in tangent passes of {@code vectors} directions (a {@link HiddenLayerRoute} takes its chain's kernel
     * terms from enough directions on); empty when a product's per-sample size is not known statically (e.g. a
     * symbolic sequence length).
     */
    public static Optional<Counts> of(ParameterizedModel m, int vectors) {
        StaticShapes s = GradientGraph.shapes(m);
        Set<String> live = GradientGraph.live(m, n -> {
        });
        long forward = 0, tangent = 0;
        Map<Node, Long> products = new HashMap<>();
        for (Node n : m.nodes()) {
            long k = switch (n.opType()) {
                case "Conv" -> perOutput(s.dims(n.inputs().get(1)), 1);
                case "Gemm" -> reduced(s.dims(n.inputs().get(0)), n.intAttribute("transA", 0) != 0 ? 0 : 1);
                case "MatMul" -> reduced(s.dims(n.inputs().get(0)), -1);
                default -> 0;
            };
            if (k == 0) {
                continue;
            }
            long outputs = perOutput(s.dims(n.outputs().getFirst()), 1);
            if (k < 0 || outputs < 0) {
                return Optional.empty();
            }
            long macs = outputs * k;
            int a = live.contains(n.inputs().get(0)) ? 1 : 0, b = live.contains(n.inputs().get(1)) ? 1 : 0;
            forward += macs;
            tangent += macs * ((a + b) + a * (1 + b) + b * (1 + a));
            products.put(n, macs);
        }
        for (PoolChain c : PoolChain.of(m, s)) {
            if (c.takes(vectors)) { // a hidden chain's route: its two products with Q for cols·Ẇ and dẎ·cols
                tangent += c.products() - 2 * products.get(c.conv()) - (c.next() == null ? 0 : 2 * products.get(c.next()));
            }
        }
        for (SecondLayerRoute.Pair p : SecondLayerRoute.pairs(m, s)) {
            if (p.second().takes(vectors)) { // M's two products instead of Q₁'s two and the second Conv's two input terms
                tangent += p.products() - p.first().products() - 2 * products.get(p.second().conv());
            }
        }
        return forward == 0 ? Optional.empty() : Optional.of(new Counts(forward, tangent));
    }

    /** Product of dims from {@code from} on (past the batch axis, or a kernel's output channels); −1 if unknown. */
    private static long perOutput(long[] dims, int from) {
        if (dims == null) {
            return -1;
        }
        long p = 1;
        for (int i = from; i < dims.length; i++) {
            if (dims[i] <= 0) {
                return -1;
            }
            p *= dims[i];
        }
        return p;
    }

    /** The summed-over length: axis {@code axis} of A (−1: the last); −1 if unknown. */
    private static long reduced(long[] dims, int axis) {
        if (dims == null || dims.length == 0) {
            return -1;
        }
        long d = dims[axis < 0 ? dims.length - 1 : axis];
        return d > 0 ? d : -1;
    }
}
