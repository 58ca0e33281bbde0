package dev.loupe.landscape.topology;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * f(x, y) = (x² − 1)² + 2y² on x ∈ {−1.5, −1, …, 1.5} (7), y ∈ {−1, −0.5, 0, 0.5, 1} (5), by hand:
 * minima f = 0 at (±1, 0); the two basins first touch at the saddle (0, 0), f = 1 (the lowest point
 * of the column x = 0); maximum 3.5625 at the four corners. Below f = 1 each basin holds
 * (±1, 0) = 0, (±1, ±0.5) = 0.5, (±0.5, 0) = 0.5625: 4 samples.
 */
class MergeTreeTest {
    private static final int NX = 7, NY = 5;

    private static double[] values() {
        double[] f = new double[NX * NY];
        for (int j = 0; j < NY; j++) {
            for (int i = 0; i < NX; i++) {
                double x = -1.5 + 0.5 * i, y = -1 + 0.5 * j;
                f[j * NX + i] = (x * x - 1) * (x * x - 1) + 2 * y * y;
            }
        }
        return f;
    }

    private static int vertex(double x, double y) {
        return (int) Math.round((y + 1) / 0.5) * NX + (int) Math.round((x + 1.5) / 0.5);
    }

    @Test
    void twoMinimaJoinAtTheSaddle() {
        MergeTree t = MergeTree.compute(values(), NeighborGraph.grid(NY, NX));
        assertEquals(4, t.nodes().size()); // two minima, the saddle, the root
        List<MergeTree.Node> minima = t.nodes().stream().filter(n -> n.kind() == MergeTree.Kind.MINIMUM).toList();
        assertEquals(2, minima.size());
        assertEquals(List.of(vertex(-1, 0), vertex(1, 0)), minima.stream().map(MergeTree.Node::vertex).sorted().toList());
        MergeTree.Node saddle = t.nodes().get(minima.get(0).parent());
        assertEquals(MergeTree.Kind.SADDLE, saddle.kind());
        assertEquals(vertex(0, 0), saddle.vertex());
        assertEquals(1.0, saddle.value(), 1e-12);
        assertEquals(minima.get(0).parent(), minima.get(1).parent());
        assertEquals(4, minima.get(0).basinSize());
        assertEquals(4, minima.get(1).basinSize());
        MergeTree.Node root = t.nodes().get(t.root());
        assertEquals(MergeTree.Kind.ROOT, root.kind());
        assertEquals(3.5625, root.value(), 1e-12);
        assertEquals(NX * NY, root.basinSize());
    }

    @Test
    void persistenceDiagramHasOneFiniteAndOneEssentialPair() {
        MergeTree t = MergeTree.compute(values(), NeighborGraph.grid(NY, NX));
        assertEquals(2, t.pairs().size());
        assertEquals(0.0, t.pairs().get(0).birth(), 1e-12);
        assertEquals(1.0, t.pairs().get(0).death(), 1e-12);
        assertEquals(Double.POSITIVE_INFINITY, t.pairs().get(1).death());
    }

    @Test
    void smadIsTheMeanSaddleMinimumGap() {
        MergeTree t = MergeTree.compute(values(), NeighborGraph.grid(NY, NX));
        assertEquals(1.0, Smad.of(t, false), 1e-12);           // (1 − 0 + 1 − 0) / 2
        assertEquals(1.0 / 3.5625, Smad.of(t, true), 1e-12);   // range 3.5625 − 0
    }

    @Test
    void profileNestsTheTwoValleysInsideTheRootValley() {
        MergeTree t = MergeTree.compute(values(), NeighborGraph.grid(NY, NX));
        TopologicalProfile p = TopologicalProfile.of(t);
        assertEquals(35, p.width());
        TopologicalProfile.Basin left = p.basins().get(0), right = p.basins().get(1);
        // each minimum valley: 4 samples wide, bottom at 0, rim at the saddle value 1
        assertEquals(4, left.x()[left.x().length - 1] - left.x()[0], 1e-12);
        assertEquals(1.0, left.y()[0], 1e-12);
        assertEquals(0.0, left.y()[4], 1e-12);
        // root (35 samples) centred at 17.5; the saddle valley (34: all but the root vertex) likewise; its two
        // children (4 + 4) sit side by side in the middle: [13.5, 17.5) and [17.5, 21.5)
        double[] lx = left.x(), rx = right.x();
        assertTrue(Math.min(lx[lx.length - 1], rx[rx.length - 1]) <= Math.max(lx[0], rx[0]) + 1e-12);
        assertArrayEquals(new double[]{13.5, 21.5}, new double[]{Math.min(lx[0], rx[0]), Math.max(lx[lx.length - 1], rx[rx.length - 1])}, 1e-12);
    }

    @Test
    void knnGraphOfAGridMatchesTheGridGraphsTree() {
        double[] f = values();
        double[][] pts = new double[NX * NY][];
        for (int j = 0; j < NY; j++) {
            for (int i = 0; i < NX; i++) {
                pts[j * NX + i] = new double[]{-1.5 + 0.5 * i, -1 + 0.5 * j};
            }
        }
        MergeTree t = MergeTree.compute(f, NeighborGraph.knn(pts, 4));
        assertEquals(2, t.minimaCount());
        assertEquals(1.0, Smad.of(t, false), 1e-12);
    }
}
