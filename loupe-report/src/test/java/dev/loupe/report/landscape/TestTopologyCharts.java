package dev.loupe.report.landscape;

import dev.loupe.landscape.result.TopologyResult;
import dev.loupe.landscape.result.TopologyResult.TreeNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TestTopologyCharts {
    private static TreeNode node(int id, String kind, double loss, int parent) {
        return new TreeNode(id, kind, id, new double[]{id, 0}, loss, parent, 1);
    }

    /**
     * By hand: minima a (0.5), b (0.2), c (0.9); a and b join at s1 (1.0), s1 and c at the root (2.0).
     * Children go lowest first: the root's are s1 (lowest below it 0.2) then c; s1's are b then a.
     * Leaves in that order get x = 0 (b), 1 (a), 2 (c); s1 sits at 0.5, the root at (0.5 + 2) / 2 = 1.25.
     */
    @Test
    void layoutPlacesLeavesInOrderAndParentsBetweenTheirChildren() {
        List<TreeNode> nodes = List.of(node(0, "minimum", 0.5, 3), node(1, "minimum", 0.2, 3),
                node(2, "minimum", 0.9, 4), node(3, "saddle", 1.0, 4), node(4, "root", 2.0, -1));
        assertArrayEquals(new double[]{1, 0, 2, 0.5, 1.25}, TopologyCharts.layout(nodes), 1e-12);
    }

    @Test
    void aLongChainDoesNotOverflowTheStack() {
        int n = 200_000; // minimum 0 under a chain of single-child nodes (not a real merge tree, a stress case)
        List<TreeNode> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nodes.add(node(i, i == 0 ? "minimum" : i == n - 1 ? "root" : "saddle", i, i == n - 1 ? -1 : i + 1));
        }
        double[] x = TopologyCharts.layout(nodes);
        assertEquals(0, x[n - 1], 0);
    }

    /** Saddle at 1, lowest minimum 0: the chart stops at 1.25 unless the root is already below that. */
    @Test
    void focusRangeCutsAFarRootOnly() {
        TopologyResult far = tree(3.5), near = tree(1.2);
        assertArrayEquals(new double[]{-0.05, 1.25}, TopologyCharts.focusRange(far), 1e-12);
        assertNull(TopologyCharts.focusRange(near));
    }

    private static TopologyResult tree(double root) {
        List<TreeNode> nodes = List.of(node(0, "minimum", 0, 2), node(1, "minimum", 0.4, 2), node(2, "saddle", 1, 3),
                node(3, "root", root, -1));
        return new TopologyResult("grid", 2, 0.8, 0.2, nodes, List.of(), List.of(), 4);
    }
}
