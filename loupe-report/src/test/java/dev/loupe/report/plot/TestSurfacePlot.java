package dev.loupe.report.plot;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestSurfacePlot {
    @Test
    void oneQuadPerCellPaintedFarToNear() {
        int n = 9;
        double[][] z = new double[n][n];
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < n; k++) {
                z[r][k] = (r - 4) * (r - 4) + (k - 4) * (k - 4); // a bowl, 0..32
            }
        }
        z[0][0] = Double.NaN; // a missing sample drops the one cell that touches it
        SurfacePlot p = new SurfacePlot(400, 300, z, 0, 32).title("<bowl>");
        List<SurfacePlot.Quad> quads = p.quads();
        assertEquals((n - 1) * (n - 1) - 1, quads.size());
        for (int i = 1; i < quads.size(); i++) {
            assertTrue(quads.get(i - 1).depth() >= quads.get(i).depth());
        }
        assertEquals(quads.size(), Svg.inGroup(Svg.parse(p.toSvg()), "marks", "polygon").size());
        // the centre cell (mean of z = 0,1,1,2 → 1/32) is the darkest colour key
        double minT = quads.stream().mapToDouble(SurfacePlot.Quad::t).min().orElseThrow();
        assertEquals(1.0 / 32, minT, 1e-12);
    }
}
