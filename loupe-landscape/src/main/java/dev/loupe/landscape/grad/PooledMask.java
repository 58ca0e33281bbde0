package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;
import dev.loupe.landscape.engine.ParameterizedModel;

import java.util.List;

/**
 * A Relu whose output only a MaxPool reads, in the tangent passes at a point: the pool's tangent gathers the
 * convolution's unmasked tangent and the mask multiplies the pooled result, positive(pooled) being the Relu's mask at
 * the position the pool chose. For a 2×2 pool that is a quarter of the elementwise work of masking at full resolution
 * (on the fixture CNN's batched pass the full-resolution mask was about 3 % of the kernel time, {@code loupe bench
 * hessian --profile}); the backward pass masks the pooled gradient's tangent before the pool spreads it, and the
 * Relu's backward passes it through. Chains {@link FirstLayerRoute} maps whole are left to it.
 */
final class PooledMask {
    private PooledMask() {
    }

    static void apply(ParameterizedModel m, GradientGraph.Emit e, StaticShapes s) {
        if (!e.atPoint) {
            return;
        }
        java.util.function.Function<String, Node> only = PoolChain.soleReader(m);
        for (Node relu : m.nodes()) {
            String r = relu.outputs().getFirst();
            Node reader = only.apply(r);
            if (!relu.opType().equals("Relu") || reader == null || !reader.opType().equals("MaxPool")) {
                continue;
            }
            String pooled = reader.outputs().getFirst();
            // the graph's own node, which the gradient graph gave its Indices output
            Node pool = e.b.nodes().stream().filter(n -> n.outputs().getFirst().equals(pooled)).findFirst().orElseThrow();
            if (e.macros.containsKey(pooled) || e.macros.containsKey(r)) {
                continue;
            }
            String x = relu.inputs().getFirst();
            e.macros.put(r, t -> t.apply(x)); // unmasked: only the pool's tangent reads it
            e.macros.put(pooled, t -> {
                String g = t.apply(r) == null ? null : TangentRules.tangent(pool, 0, java.util.Collections.singletonList(t.apply(r)), e, s);
                return g == null ? null : e.b.op("Mul", g, e.positive(pooled));
            });
            // backward alike: the pooled gradient's tangent masked before the pool's backward spreads it (its first node,
            // a Reshape, the only reader), the Relu's backward then passes it through
            String dPooled = e.gradients.get(pooled), dx = e.gradients.get(x), dr = e.gradients.get(r);
            List<Node> spread = dPooled == null ? List.of() : e.b.nodes().stream().filter(n -> n.inputs().contains(dPooled)).toList();
            if (dx != null && dr != null && spread.size() == 1 && spread.getFirst().opType().equals("Reshape")) {
                Node first = spread.getFirst();
                e.macros.put(first.outputs().getFirst(), t -> t.apply(dPooled) == null ? null : TangentRules.tangent(first, 0,
                        java.util.Arrays.asList(e.b.op("Mul", t.apply(dPooled), e.positive(pooled)), null), e, s));
                e.macros.put(dx, t -> t.apply(dr));
            }
        }
    }
}
