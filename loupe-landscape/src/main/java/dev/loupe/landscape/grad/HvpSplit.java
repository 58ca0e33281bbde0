package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;
import dev.loupe.landscape.onnx.OnnxModelBuilder;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link HvpGraph} at one fixed point, cut in two. Everything that does not depend on the tangent u (the
 * forward pass, the backward pass, ReLU masks, pooling routes, im2col of activations, the loss and the gradient)
 * is the same for every product at that point and batch: the {@link #prepared} model computes it once per batch
 * and hands over the {@link #frontier} values the tangent part reads. The {@link #perVector} model holds only the
 * nodes that depend on u (plus constants they read), so a Hessian-vector product costs the tangent passes alone:
 * per hidden layer 2 products forward and 4 backward, where the whole graph had 9 (forward, backward, tangents;
 * Pearlmutter 1994, Griewank &amp; Walther 2008 §3.3).
 */
public final class HvpSplit {
    private final OnnxModelBuilder full;
    /** Per tangent pass (vector count): its nodes, and the frontier values they read. */
    private final Map<Integer, List<Node>> tangentNodes = new java.util.LinkedHashMap<>();
    private final Map<Integer, Set<String>> reads = new java.util.HashMap<>();
    private final List<Node> preparedNodes = new ArrayList<>();
    private final List<String> frontier = new ArrayList<>();
    private final Set<String> dataInputs = new HashSet<>();

    /**
     * @param full   a builder holding the HVP graph at a point (weights initializers, tangents inputs, all outputs)
     * @param counts the vector counts of its tangent passes ({@link HvpGraph#builder}); one prepared model serves all
     */
    HvpSplit(OnnxModelBuilder full, int params, int... counts) {
        this.full = full;
        List<Node> nodes = full.nodes();
        Set<String> varying = new HashSet<>(), constant = new HashSet<>();
        for (int k : counts) {
            for (int p = 0; p < params; p++) {
                varying.add(HvpGraph.tangentName(p, k));
            }
        }
        for (Node n : nodes) {
            if (n.inputs().stream().anyMatch(varying::contains)) {
                varying.addAll(n.outputs());
            } else if (n.inputs().stream().allMatch(i -> i.isEmpty() || full.isInitializer(i) || constant.contains(i))) {
                constant.addAll(n.outputs());
            }
        }
        Map<String, Node> producer = new java.util.HashMap<>();
        nodes.forEach(n -> n.outputs().forEach(o -> producer.put(o, n)));
        Set<String> cut = new LinkedHashSet<>();
        for (int k : counts) {
            Set<String> needed = new HashSet<>(), own = new LinkedHashSet<>();
            for (int p = 0; p < params; p++) {
                needed.add(HvpGraph.hvpName(p, k));
            }
            List<Node> perVector = new ArrayList<>();
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Node n = nodes.get(i);
                if (n.outputs().stream().noneMatch(needed::contains)) {
                    continue;
                }
                perVector.add(n);
                for (String in : n.inputs()) {
                    if (in.isEmpty() || full.isInitializer(in)) {
                        continue;
                    }
                    if (varying.contains(in) || constant.contains(in) || transposedOperand(n, in, producer)) {
                        needed.add(in);
                    } else {
                        own.add(in);
                    }
                }
            }
            tangentNodes.put(k, perVector.reversed());
            reads.put(k, own);
            cut.addAll(own);
        }
        // the prepared part: what the cut, the loss and the gradient need, none of it depending on u
        Set<String> want = new HashSet<>(cut);
        want.add(GradientGraph.LOSS);
        for (int p = 0; p < params; p++) {
            want.add(GradientGraph.gradName(p));
        }
        List<Node> prep = new ArrayList<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.outputs().stream().anyMatch(want::contains) && n.outputs().stream().noneMatch(varying::contains)) {
                prep.add(n);
                want.addAll(n.inputs());
            }
        }
        preparedNodes.addAll(prep.reversed());
        for (String c : cut) {
            if (full.isInput(c)) {
                dataInputs.add(c);
            }
            frontier.add(c);
        }
    }

    /**
     * Whether {@code in} is the right operand of MatMul {@code n} made by a Transpose of its last two axes: the
     * Transpose then runs in the tangent part, where ONNX Runtime fuses it into the product (FusedMatMul reads the
     * operand transposed), rather than being prepared as a second copy of a large matrix (Q and Qᵀ of a
     * {@link HiddenLayerRoute} were 455 MB each per 500 samples on the fixture CNN).
     */
    private static boolean transposedOperand(Node n, String in, Map<String, Node> producer) {
        Node t = producer.get(in);
        if (!n.opType().equals("MatMul") || n.inputs().size() < 2 || !n.inputs().get(1).equals(in) || t == null
                || !t.opType().equals("Transpose") || !(t.attributes().get("perm") instanceof long[] perm) || perm.length < 2) {
            return false;
        }
        for (int i = 0; i < perm.length - 2; i++) {
            if (perm[i] != i) {
                return false;
            }
        }
        return perm[perm.length - 2] == perm.length - 1 && perm[perm.length - 1] == perm.length - 2;
    }

    /** The vector counts of the tangent passes. */
    public Set<Integer> counts() {
        return tangentNodes.keySet();
    }

    /** Values the tangent part reads from the prepared part (or straight from the data feed, {@link #isDataInput}). */
    public List<String> frontier() {
        return frontier;
    }

    /** Whether a frontier value is a graph input (the batch's data), fed as is rather than prepared. */
    public boolean isDataInput(String name) {
        return dataInputs.contains(name);
    }

    /** The model computing, from the data inputs, the frontier values (except data inputs), the loss and the gradient. */
    public byte[] prepared(int params) {
        OnnxModelBuilder b = full.restrictedTo(preparedNodes);
        for (String f : frontier) {
            if (!isDataInput(f)) {
                b.output(f);
            }
        }
        b.output(GradientGraph.LOSS);
        for (int p = 0; p < params; p++) {
            b.output(GradientGraph.gradName(p));
        }
        return b.build();
    }

    /**
     * The model of the tangent pass of {@code vectors} directions: inputs its tangents and the frontier values it
     * reads, typed as the prepared model made them ({@code types}: ONNX element type code and rank of each frontier
     * value that is not a data input).
     */
    public byte[] perVector(int vectors, int params, Map<String, long[]> types, List<long[]> tangentShapes) {
        OnnxModelBuilder b = full.restrictedTo(tangentNodes.get(vectors));
        for (int p = 0; p < params; p++) {
            if (!b.isInput(HvpGraph.tangentName(p, vectors))) {
                b.input(HvpGraph.tangentName(p, vectors), OnnxModelBuilder.FLOAT, HvpGraph.withVectors(vectors, tangentShapes.get(p)));
            }
        }
        for (String f : reads.get(vectors)) {
            if (!isDataInput(f)) {
                long[] t = types.get(f); // [elemType, rank]
                long[] dims = new long[(int) t[1]];
                java.util.Arrays.fill(dims, -1);
                b.inputOwnSymbols(f, (int) t[0], dims);
            }
        }
        for (int p = 0; p < params; p++) {
            b.output(HvpGraph.hvpName(p, vectors));
        }
        return b.build();
    }
}
