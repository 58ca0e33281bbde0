package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.onnx.OnnxModelBuilder;

import java.util.List;
import java.util.Map;

/**
 * A first Conv → Relu → MaxPool ({@link FirstLayerRoute}) whose pooled value a second such chain ({@link HiddenLayerRoute})
 * convolves: at a fixed point the first kernel's tangent Ṙ₁ reaches the second pool through fixed maps only (Q₁, the
 * second kernel W₂, the second mask and pool choice), so the second pool's tangent from its input is Ṙ₁·M with
 * M[(o₁, j), (n, o₂, p₂)] = mask₂·Σ_{kh, kw} W₂[o₂, o₁, kh, kw]·Q₁[o₁, j, (n, pos₂(n, o₂, p₂) + (kh, kw))], prepared once, and
 * the first kernel's gradient tangent takes M's adjoint of the second pool's gradient tangent. Per pass that is two
 * products with M (O₁·J₁·O₂·P₂ per sample and direction) where the layer-by-layer rules ran the route's two products,
 * both of the second layer's constant-kernel convolutions at full resolution (forward and flipped, each with ONNX
 * Runtime's layout reorders around it), the transposes between them, the second pool's gather and its spread: about
 * half of the fixture CNN's 16-direction pass ({@code loupe bench hessian --profile}). M is as large as the second
 * chain's Q (O₁·J₁ against J₂ columns per pooled position), so passes take it from the same direction count.
 */
final class SecondLayerRoute {
    private SecondLayerRoute() {
    }

    /** A first chain and the hidden chain its next Conv heads. */
    record Pair(PoolChain first, PoolChain second) {
        /** Per sample multiply-adds of the two products with M (forward and adjoint), O₁·J₁·O₂·P₂ each. */
        long products() {
            return 2 * first.wd()[0] * first.j() * second.wd()[0] * second.pd()[2] * second.pd()[3];
        }
    }

    /** Every first chain whose next Conv heads a hidden chain, M no wider than twice that chain's Q. */
    static List<Pair> pairs(ParameterizedModel m, StaticShapes s) {
        List<PoolChain> chains = PoolChain.of(m, s);
        List<Pair> pairs = new java.util.ArrayList<>();
        for (PoolChain first : chains) {
            chains.stream().filter(c -> !first.hidden() && first.next() != null && c.hidden() && c.conv() == first.next()
                    && first.wd()[0] * first.j() <= 2 * c.j()).findFirst().ifPresent(c -> pairs.add(new Pair(first, c)));
        }
        return pairs;
    }

    /** Registers {@link GradientGraph.Emit#inputRoutes} for every {@link #pairs pair}. */
    static void apply(ParameterizedModel m, GradientGraph.Emit e, StaticShapes s) {
        if (!e.atPoint) {
            return;
        }
        for (Pair pair : pairs(m, s)) {
            PoolChain first = pair.first(), second = pair.second();
            if (e.gradients.get(second.pool().outputs().getFirst()) == null || e.gradients.get(first.pool().outputs().getFirst()) == null) {
                continue;
            }
            String dPooled = e.gradients.get(second.pool().outputs().getFirst());
            String mm = matrix(first, second, e);
            OnnxModelBuilder b = e.b;
            long o1 = first.wd()[0], j1 = first.j(), o2 = second.wd()[0];
            String w1 = first.conv().inputs().get(1), bias1 = first.foldedBias();
            e.inputRoutes.put(second.conv().outputs().getFirst(), new GradientGraph.InputRoute(second.minVectors(), t -> {
                String rows = ConvAtPoint.tangentRows(t.apply(w1), bias1 != null ? t.apply(bias1) : null, w1, bias1, first.wd(), bias1 != null, e);
                if (rows == null) {
                    return null;
                }
                String z = b.op("MatMul", b.op("Reshape", rows, e.ints(e.vectors, o1 * j1)), mm); // [k, N·O₂·P₂]
                return b.op("Reshape", z, e.ints(HvpGraph.withVectors(e.vectors, new long[]{-1, o2, second.pd()[2], second.pd()[3]})));
            }, t -> {
                if (t.apply(dPooled) == null) {
                    return null;
                }
                String d = b.op("Reshape", t.apply(dPooled), e.ints(e.vectors, -1));
                String back = b.op("MatMul", d, b.op("Transpose", Map.of("perm", new long[]{1, 0}), mm)); // [k, O₁·J₁]
                return b.op("Transpose", Map.of("perm", new long[]{1, 0, 2}), b.op("Reshape", back, e.ints(e.vectors, o1, j1)));
            }));
        }
    }

    /**
     * M as [O₁·J₁, N·O₂·P₂]: per first-layer channel o₁, its J₁ planes of Q₁ (one per column, over samples and the pooled
     * grid) through the second Conv's kernel slice W₂[:, o₁] (an ordinary one-channel Conv, which ONNX Runtime runs in its
     * fast layout), gathered where the second pool chose and masked. Writing M tap by tap with broadcast products took
     * 10 s a batch of 500 on the fixture CNN; this is one Conv and one Gather of a sixteenth of M's size per channel.
     */
    private static String matrix(PoolChain first, PoolChain second, GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        long o1 = first.wd()[0], j1 = first.j(), o2 = second.wd()[0], hw2 = second.ho() * second.wo();
        Node conv2 = second.conv();
        String planes = b.op("Reshape", first.qt(e), e.ints(o1, -1, 1, first.pd()[2], first.pd()[3])); // [O₁, J₁·N, 1, H, W]
        // the pool's choices (flat over [N, O₂, Ho, Wo]) as indices into one channel's [J₁, N, O₂, Ho·Wo] output
        String idx = GradientGraph.poolIndices(second.pool());
        String perColumn = b.op("Mul", b.op("Slice", b.op("Shape", idx), e.ints(0), e.ints(1)), e.ints(o2 * hw2)); // [N·O₂·Ho·Wo]
        String js = b.op("Mul", b.op("Reshape", e.ints(java.util.stream.LongStream.range(0, j1).toArray()), e.ints(-1, 1)), perColumn);
        String at = b.op("Reshape", b.op("Add", js, b.op("Reshape", idx, e.ints(1, -1))), e.ints(-1)); // [J₁·N·O₂·P₂]
        String mask = b.op("Reshape", e.positive(second.pool().outputs().getFirst()), e.ints(1, -1)); // [1, N·O₂·P₂]
        String[] rows = new String[(int) o1];
        for (int c = 0; c < o1; c++) {
            String plane = b.op("Reshape", b.op("Slice", planes, e.ints(c), e.ints(c + 1), e.ints(0)),
                    e.ints(-1, 1, first.pd()[2], first.pd()[3])); // [J₁·N, 1, H, W]
            String kernel = b.op("Slice", conv2.inputs().get(1), e.ints(c), e.ints(c + 1), e.ints(1)); // [O₂, 1, kh, kw]
            String y = b.op("Conv", conv2.attributes(), plane, kernel); // [J₁·N, O₂, Ho, Wo]
            String picked = b.op("Gather", Map.of("axis", 0L), b.op("Reshape", y, e.ints(-1)), at);
            rows[c] = b.op("Mul", b.op("Reshape", picked, e.ints(j1, -1)), mask); // [J₁, N·O₂·P₂]
        }
        return b.op("Concat", Map.of("axis", 0L), rows);
    }
}
