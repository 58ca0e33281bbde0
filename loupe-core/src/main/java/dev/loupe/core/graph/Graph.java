package dev.loupe.core.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * A computation graph: nodes in file order, graph inputs and outputs (value names), and the names
 * of its initializers. Subgraphs hang off node attributes.
 */
public record Graph(String name, List<Node> nodes, List<String> inputs, List<String> outputs,
                    List<String> initializers) {
    public Graph {
        nodes = List.copyOf(nodes);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        initializers = List.copyOf(initializers);
    }

    /** The nodes of this graph and every subgraph, depth first. */
    public List<Node> allNodes() {
        List<Node> out = new ArrayList<>();
        collect(this, out);
        return out;
    }

    /** Nodes (in any subgraph) that take {@code value} as an input. */
    public List<Node> consumersOf(String value) {
        return allNodes().stream().filter(n -> n.inputs().contains(value)).toList();
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
