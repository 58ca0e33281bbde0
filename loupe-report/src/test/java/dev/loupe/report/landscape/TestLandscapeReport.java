package dev.loupe.report.landscape;

import dev.loupe.landscape.result.HessianResult;
import dev.loupe.landscape.result.PlaneResult;
import dev.loupe.landscape.result.TopologyResult;
import dev.loupe.report.plot.Svg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestLandscapeReport {
    private static final String EVIL = "<script>alert('x')</script>&\"model\".onnx";

    @Test
    void everyPageIsSelfContainedWellFormedAndEscaped() {
        PlaneResult p = TwoWells.plane(EVIL);
        TopologyResult t = TwoWells.topology(p);
        List<String> pages = List.of(LandscapeReport.plane(p, t, "data.idx"), LandscapeReport.line(TwoWells.line(EVIL), "data.idx"),
                LandscapeReport.sample(TwoWells.sample(EVIL), t, "data.idx"), HessianReport.render(TwoWells.hessian(EVIL), "data.idx"));
        int[] figures = {3 + 3, 2, 1 + 3, 2}; // plane: heatmap, surface, contours + topology; line: loss, accuracy; ...
        for (int i = 0; i < pages.size(); i++) {
            String html = pages.get(i);
            assertFalse(html.contains("http://") || html.contains("https://"), "page " + i + " refers to the network");
            assertFalse(html.contains("<link") || html.contains("<img") || html.contains(" src="));
            assertFalse(html.contains("alert('x')"));
            assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
            assertEquals(1, count(html, "<script>"), "only the page's own script");
            List<String> svgs = svgs(html);
            assertEquals(figures[i], svgs.size(), "figures on page " + i);
            svgs.forEach(TestLandscapeReport::parse);
        }
    }

    @Test
    void planeMarksMatchTheGridAndTheTree() {
        PlaneResult p = TwoWells.plane("m.onnx");
        TopologyResult t = TwoWells.topology(p);
        assertEquals(4, t.mergeTree().size()); // two minima, one saddle, the root (worked out in TwoWells)
        List<String> svgs = svgs(LandscapeReport.plane(p, t, "d"));
        Document heat = parse(svgs.get(0));
        // one cell per grid point, plus the two minima and the saddle marked on top
        assertEquals(TwoWells.NX * TwoWells.NY, Svg.inGroup(heat, "marks", "rect").size());
        assertEquals(3, Svg.inGroup(heat, "marks", "circle").size());
        Document surface = parse(svgs.get(1));
        assertEquals((TwoWells.NX - 1) * (TwoWells.NY - 1), Svg.inGroup(surface, "marks", "polygon").size());
        Document persistence = parse(svgs.get(4));
        assertEquals(t.persistence().size(), Svg.inGroup(persistence, "marks", "circle").size());
        assertEquals(2, t.persistence().size());
        Document tree = parse(svgs.get(5));
        assertEquals(4, Svg.inGroup(tree, "marks", "circle").size());
        String edges = Svg.inGroup(tree, "marks", "path").getFirst().getAttribute("d");
        assertEquals(3, count(edges, "M"), "one segment per child–parent edge");
    }

    @Test
    void hessianMarksMatchTheRecord() {
        HessianResult r = TwoWells.hessian("m.onnx");
        List<String> svgs = svgs(HessianReport.render(r, "d"));
        Document density = parse(svgs.get(0));
        assertEquals(r.nodes().length, Svg.inGroup(density, "marks", "circle").size());
        // density curve + one dashed line per power-iteration eigenvalue
        assertEquals(1 + r.eigenvalues().length, Svg.inGroup(density, "marks", "path").size()
                + Svg.inGroup(density, "marks", "line").size());
        Document bars = parse(svgs.get(1));
        assertEquals(r.eigenvalues().length, Svg.inGroup(bars, "marks", "rect").size());
        String html = HessianReport.render(r, "d");
        assertTrue(html.contains("4.0000 ± 0.100"), "trace with its CI on a card");
        assertTrue(html.contains("3.0000 ± 0.0010"), "top eigenvalue with its residual bound on a card");
        assertTrue(html.contains(">0.0020<"), "the second eigenvalue's bound in the table");
        assertTrue(html.contains("Per-layer curvature") && html.contains(">b<") && html.contains(">0.050<"), "per-layer table");
    }

    @Test
    void plotFilesAndPlaneHtmlAreWritten(@TempDir Path dir) throws Exception {
        PlaneResult p = TwoWells.plane("m.onnx");
        TopologyResult t = TwoWells.topology(p);
        LandscapePlotFiles.plane(p, t, "d", dir);
        LandscapePlotFiles.hessian(TwoWells.hessian("m.onnx"), dir);
        for (String base : List.of("plane-heatmap", "plane-contour", "plane-surface", "plane-profile", "plane-persistence",
                "plane-merge-tree", "hessian-density", "hessian-eigenvalues")) {
            assertTrue(Files.size(dir.resolve(base + ".svg")) > 500, base);
            byte[] png = Files.readAllBytes(dir.resolve(base + ".png"));
            assertEquals((byte) 0x89, png[0], base);
            assertEquals('P', png[1], base);
        }
        assertTrue(Files.readString(dir.resolve("plane.html")).startsWith("<!DOCTYPE html>"));
    }

    static List<String> svgs(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL).matcher(html);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    static Document parse(String svg) {
        return Svg.parse(svg.replaceFirst("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" "));
    }

    static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
            n++;
        }
        return n;
    }
}
