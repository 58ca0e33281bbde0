package dev.loupe.landscape.topology;

import dev.loupe.landscape.result.TopologyResult;

import java.util.ArrayList;
import java.util.List;

/** Merge tree, persistence, profile and SMAD of sampled loss values, as one result record. */
public final class TopologyAnalysis {
    private TopologyAnalysis() {
    }

    /** @param coords per sample its coordinates in the slice (for locating tree nodes) */
    public static TopologyResult of(double[] loss, double[][] coords, NeighborGraph graph, String graphName) {
        MergeTree t = MergeTree.compute(loss, graph);
        List<TopologyResult.TreeNode> nodes = new ArrayList<>();
        for (int i = 0; i < t.nodes().size(); i++) {
            MergeTree.Node n = t.nodes().get(i);
            nodes.add(new TopologyResult.TreeNode(i, n.kind().name().toLowerCase(java.util.Locale.ROOT), n.vertex(),
                    coords[n.vertex()].clone(), n.value(), n.parent(), n.basinSize()));
        }
        List<TopologyResult.PersistencePair> pairs = t.pairs().stream().map(p -> new TopologyResult.PersistencePair(
                p.birth(), Double.isInfinite(p.death()) ? null : p.death(), p.minimumVertex(), p.saddleVertex())).toList();
        TopologicalProfile prof = TopologicalProfile.of(t);
        List<TopologyResult.ProfileBasin> basins = prof.basins().stream()
                .map(b -> new TopologyResult.ProfileBasin(b.node(), b.x(), b.y())).toList();
        return new TopologyResult(graphName, (int) t.minimaCount(), Smad.of(t, false), Smad.of(t, true), nodes, pairs,
                basins, prof.width());
    }
}
