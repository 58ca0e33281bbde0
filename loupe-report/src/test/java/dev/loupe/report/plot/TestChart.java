package dev.loupe.report.plot;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestChart {
    private static final double PX = 0.011; // SVG coordinates are rounded to 0.01 px

    @Test
    void scatterHasOneCirclePerPointAndParses() {
        Random rnd = new Random(1);
        int n = 37;
        double[] x = new double[n];
        double[] y = new double[n];
        List<String> tips = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextDouble() * 10;
            y[i] = rnd.nextGaussian();
            tips.add("point " + i);
        }
        String svg = new Chart(400, 300).title("t").xTitle("x").yTitle("y")
                .add(new Marks.Points("pts", x, y, 3, Style.fill(Palette.BLUE), tips)).toSvg();
        Document d = Svg.parse(svg);
        assertEquals(n, Svg.inGroup(d, "marks", "circle").size());
        assertEquals(n, Svg.inGroup(d, "marks", "title").size());
        assertEquals(1, Svg.inGroup(d, "legend", "circle").size());
    }

    @Test
    void logAxisPlacesDecadesByFormula() {
        double[] xs = {1, 10, 100, 1000, 10000};
        Chart c = new Chart(500, 300).logX().xRange(1, 1e4).yRange(0, 1)
                .add(new Marks.Points("", xs, new double[]{0.5, 0.5, 0.5, 0.5, 0.5}, 2, Style.fill("#000000"), null));
        Frame f = c.frame();
        List<Element> dots = Svg.inGroup(Svg.parse(c.toSvg()), "marks", "circle");
        assertEquals(5, dots.size());
        for (int i = 0; i < xs.length; i++) {
            // x = left + (log10 v − log10 1) / (log10 1e4 − log10 1) · width; 100 sits at exactly half
            double expected = f.left() + Math.log10(xs[i]) / 4.0 * f.width();
            assertEquals(expected, Svg.num(dots.get(i), "cx"), PX);
        }
        assertEquals(f.left() + f.width() / 2, Svg.num(dots.get(2), "cx"), PX);
        assertEquals(f.top() + f.height() / 2, Svg.num(dots.get(2), "cy"), PX);
    }

    @Test
    void logTicksAreLabelledDecadesWithMinorTicksBetween() {
        List<Tick> ticks = new LogScale(1e-2, 1e2).ticks();
        List<String> labels = ticks.stream().filter(Tick::major).map(Tick::label).toList();
        assertEquals(List.of("10⁻²", "10⁻¹", "10⁰", "10¹", "10²"), labels);
        assertEquals(4 * 8, ticks.stream().filter(t -> !t.major()).count()); // 2..9 in each of 4 decades
        LogScale wide = LogScale.covering(3e-7, 2e9); // 10⁻⁷ .. 10¹⁰: 17 decades, every 3rd labelled
        assertEquals(1e-7, wide.min(), 1e-22);
        assertEquals(1e10, wide.max(), 1);
        assertTrue(wide.ticks().stream().filter(t -> !t.label().isEmpty()).count() <= 9);
    }

    @Test
    void linearTicksAreNice() {
        // range 0..7.3: raw step 1.46 → nice step 2 → 0, 2, 4, 6
        assertEquals(List.of("0", "2", "4", "6"), new LinearScale(0, 7.3).ticks().stream().map(Tick::label).toList());
        // range −0.05..0.2: raw step 0.05 → 0.05 steps, two decimals
        assertEquals(List.of("-0.05", "0.00", "0.05", "0.10", "0.15", "0.20"),
                new LinearScale(-0.05, 0.2).ticks().stream().map(Tick::label).toList());
        assertEquals(0.25, Ticks.niceStep(0.24), 0);
        assertEquals(50, Ticks.niceStep(31), 0);
    }

    @Test
    void barsHaveOneRectPerBarWithHeightsOnTheScale() {
        double[] x0 = {0, 1, 2, 3, 4};
        double[] x1 = {1, 2, 3, 4, 5};
        double[] h = {1, 4, 9, 4, 1};
        List<String> colors = List.of("#000000", "#000000", "#ff0000", "#000000", "#000000");
        Chart c = new Chart(300, 200).add(new Marks.Bars(x0, x1, new double[5], h, colors, null, List.of()));
        Frame f = c.frame();
        List<Element> rects = Svg.inGroup(Svg.parse(c.toSvg()), "marks", "rect");
        assertEquals(5, rects.size());
        // tallest bar (9 on the nice 0..10 axis) reaches 90 % of the plot height
        Element mid = rects.get(2);
        assertEquals(f.height() * 0.9, Svg.num(mid, "height"), PX);
        assertEquals(f.width() / 5, Svg.num(mid, "width"), PX);
        assertEquals("#ff0000", mid.getAttribute("fill"));
    }

    @Test
    void histogramIsOneStepOutline() {
        double[] edges = {1, 10, 100, 1000};
        double[] h = {0.1, 0, 0.001}; // the empty bin must drop to the bottom of the log axis
        Chart c = new Chart(300, 200).logX().logY().xRange(1, 1000).yRange(1e-3, 1)
                .add(new Marks.Histogram("h", edges, h, Palette.BLUE));
        Frame f = c.frame();
        List<Element> polys = Svg.inGroup(Svg.parse(c.toSvg()), "marks", "polygon");
        assertEquals(1, polys.size());
        String[] pts = polys.getFirst().getAttribute("points").split(" ");
        assertEquals(2 * h.length + 2, pts.length);
        // first bin top: log10(0.1) is 2/3 of the way up from 1e-3 to 1; x from 0 to 1/3 of the width
        assertEquals(f.left(), Double.parseDouble(pts[1].split(",")[0]), PX);
        assertEquals(f.top() + f.height() / 3, Double.parseDouble(pts[1].split(",")[1]), PX);
        assertEquals(f.left() + f.width() / 3, Double.parseDouble(pts[2].split(",")[0]), PX);
        assertEquals(f.bottom(), Double.parseDouble(pts[3].split(",")[1]), PX);
        assertEquals(f.bottom(), Double.parseDouble(pts[6].split(",")[1]), PX);
    }

    @Test
    void contourOfAPlaneIsAStraightLineAtTheLevel() {
        int n = 11;
        double[] xs = new double[n];
        double[] ys = new double[n];
        double[][] z = new double[n][n];
        for (int i = 0; i < n; i++) {
            xs[i] = i / 10.0;
            ys[i] = i / 10.0;
        }
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < n; k++) {
                z[r][k] = xs[k]; // z = x: the 0.55 contour is the vertical line x = 0.55
            }
        }
        GridMarks.Contour contour = new GridMarks.Contour(xs, ys, z, new double[]{0.55}, Style.stroke("#000000", 1));
        List<double[]> segs = contour.segments(0.55);
        assertEquals(n - 1, segs.size());
        for (double[] s : segs) {
            assertEquals(0.55, s[0], 1e-12);
            assertEquals(0.55, s[2], 1e-12);
        }
        Chart c = new Chart(400, 300).colorBar("z", 0, 1)
                .add(new GridMarks.Heatmap(xs, ys, z, 0, 1)).add(contour);
        Document d = Svg.parse(c.toSvg());
        assertEquals(n * n, Svg.inGroup(d, "marks", "rect").size());
        assertEquals(n - 1, Svg.inGroup(d, "marks", "line").size());
    }

    @Test
    void hostileLabelsAreEscaped() {
        String evil = "<script>alert('x')</script> & \"q\"";
        String svg = new Chart(300, 200).title(evil).xTitle(evil)
                .add(new Marks.Points(evil, new double[]{1}, new double[]{1}, 2, Style.fill("#000000"), List.of(evil)))
                .toSvg();
        assertFalse(svg.contains("<script>"));
        Document d = Svg.parse(svg);
        assertEquals(evil, Svg.inGroup(d, "marks", "title").getFirst().getTextContent());
    }

    @Test
    void pngHasTheSizeAndPaintsTheBand() throws Exception {
        Chart c = new Chart(300, 200).xRange(0, 10).yRange(0, 1)
                .add(new Marks.Band("", 0, 10, Style.fill("#ff0000")));
        Frame f = c.frame();
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(c.toPng(2)));
        assertNotNull(img);
        assertEquals(600, img.getWidth());
        assertEquals(400, img.getHeight());
        int rgb = img.getRGB((int) ((f.left() + f.width() * 0.37) * 2), (int) ((f.top() + f.height() * 0.63) * 2));
        assertEquals(0xff0000, rgb & 0xffffff);
    }
}
