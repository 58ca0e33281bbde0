package dev.loupe.landscape.result;

import java.util.List;

/**
 * Topology of a sampled loss: merge tree, 0-dim persistence diagram, topological profile and SMAD.
 *
 * @param graph          "grid" (axis neighbours) or "knn k=…"
 * @param smad           mean saddle–minimum loss gap (Landscaper); 0 with a single basin
 * @param smadNormalized the same with each gap divided by the loss range
 */
public record TopologyResult(String graph, int minima, double smad, double smadNormalized, List<TreeNode> mergeTree,
                             List<PersistencePair> persistence, List<ProfileBasin> profile, double profileWidth) {

    /** A merge-tree node; {@code coords} locates its sample, parent −1 for the root. */
    public record TreeNode(int id, String kind, int sample, double[] coords, double loss, int parent, int basinSize) {
    }

    /** Birth (minimum's loss) and death (saddle's loss; null for the global minimum's class, which never dies). */
    public record PersistencePair(double birth, Double death, int minimumSample, int saddleSample) {
    }

    /** One valley of the profile as a polygon. */
    public record ProfileBasin(int node, double[] x, double[] y) {
    }
}
