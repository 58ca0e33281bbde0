package dev.loupe.core.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A computation graph: nodes in file order, graph inputs and outputs (value names), and the names
 * of its initializers. Subgraphs hang off node attributes.
 *
 * @param declared the declared type and shape of each graph input and output, by name
 */
public record Graph(String name, List<Node> nodes, List<String> inputs, List<String> outputs,
                    List<String> initializers, Map<String, ValueInfo> declared) {
    public Graph {
        nodes = List.copyOf(nodes);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        initializers = List.copyOf(initializers);
        declared = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(declared));
    }

    /**
     * The inputs a caller feeds: graph inputs that are not initializers (older exports list every weight as an input
     * too; ONNX Runtime treats those as constants), with what the file declares about them, in file order.
     */
    public List<ValueInfo> feeds() {
        java.util.Set<String> inits = new java.util.HashSet<>(initializers);
        return inputs.stream().filter(i -> !inits.contains(i)).map(this::declaredOf).toList();
    }

    /** The graph outputs with what the file declares about them, in file order. */
    public List<ValueInfo> results() {
        return outputs.stream().map(this::declaredOf).toList();
    }

    private ValueInfo declaredOf(String value) {
        return declared.getOrDefault(value, ValueInfo.untyped(value));
    }

    /** The nodes of this graph and every subgraph, depth first. */
    public List<Node> allNodes() {
        List<Node> out = new ArrayList<>();
        collect(this, out);
        return out;
    }

    /**
     * Every name in use: the graph's inputs, outputs and initializers and the inputs, outputs and names of every node
     * (subgraphs included), so that an edit can pick names that collide with none.
     */
    public java.util.Set<String> names() {
        java.util.Set<String> out = new java.util.HashSet<>(inputs);
        out.addAll(outputs);
        out.addAll(initializers);
        for (Node n : allNodes()) {
            out.addAll(n.inputs());
            out.addAll(n.outputs());
            out.add(n.name());
        }
        return out;
    }

    /** Nodes (in any subgraph) that take {@code value} as an input. */
    public List<Node> consumersOf(String value) {
        return allNodes().stream().filter(n -> n.inputs().contains(value)).toList();
    }

    /**
     * Values that are an initializer passed through {@code Cast} or {@code Identity} chains, mapped to that
     * initializer. Mixed-precision exports keep weights in fp16 and cast each up for the op that reads it
     * ({@code W_fp16 → Cast → MatMul}); the weight's role is decided by that op, not by the Cast.
     */
    public Map<String, String> castAliases() {
        Map<String, String> out = new HashMap<>();
        java.util.Set<String> inits = new java.util.HashSet<>(initializers);
        boolean grew = true;
        List<Node> all = allNodes();
        while (grew) { // chains of casts; each round extends every chain by one node
            grew = false;
            for (Node n : all) {
                if ((n.opType().equals("Cast") || n.opType().equals("Identity")) && n.inputs().size() == 1
                        && n.outputs().size() == 1 && !out.containsKey(n.outputs().get(0))) {
                    String in = n.inputs().get(0);
                    String source = inits.contains(in) ? in : out.get(in);
                    if (source != null) {
                        out.put(n.outputs().get(0), source);
                        grew = true;
                    }
                }
            }
        }
        return out;
    }

    private static void collect(Graph g, List<Node> out) {
        for (Node n : g.nodes()) {
            out.add(n);
            for (Object v : n.attributes().values()) {
                if (v instanceof Graph sub) {
                    collect(sub, out);
                } else if (v instanceof List<?> list) {
                    for (Object o : list) {
                        if (o instanceof Graph sub) {
                            collect(sub, out);
                        }
                    }
                }
            }
        }
    }
}
