package dev.loupe.report.landscape;

import dev.loupe.landscape.result.HessianResult;
import dev.loupe.landscape.result.LineResult;
import dev.loupe.landscape.result.PlaneResult;
import dev.loupe.landscape.result.SampleResult;
import dev.loupe.landscape.result.TopologyResult;
import dev.loupe.report.plot.Chart;
import dev.loupe.report.plot.PlotFiles;
import dev.loupe.report.plot.SurfacePlot;

import java.nio.file.Path;

/** The plots of {@code --out DIR}: each chart as SVG (browsers, the report) and PNG (everything else). */
public final class LandscapePlotFiles {
    private LandscapePlotFiles() {
    }

    public static void line(LineResult r, Path dir) {
        save(SliceCharts.lineLoss(r), dir, "line-loss");
        Chart acc = SliceCharts.lineAccuracy(r);
        if (acc != null) {
            save(acc, dir, "line-accuracy");
        }
    }

    /** Also writes plane.html, the page of {@link LandscapeReport#plane}. */
    public static void plane(PlaneResult p, TopologyResult t, String data, Path dir) {
        save(SliceCharts.heatmap(p, t), dir, "plane-heatmap");
        save(SliceCharts.contour(p), dir, "plane-contour");
        SurfacePlot s = SliceCharts.surface(p);
        PlotFiles.write(s, dir.resolve("plane-surface.svg"));
        PlotFiles.write(s, dir.resolve("plane-surface.png"));
        topology(t, dir, "plane");
        LandscapeReport.write(LandscapeReport.plane(p, t, data), dir.resolve("plane.html"));
    }

    public static void sample(SampleResult r, TopologyResult t, Path dir) {
        save(SliceCharts.sampleScatter(r), dir, "sample-loss");
        topology(t, dir, "sample");
    }

    public static void hessian(HessianResult r, Path dir) {
        Chart d = HessianCharts.density(r, 640, 480);
        if (d != null) {
            save(d, dir, "hessian-density");
        }
        Chart e = HessianCharts.eigenvalues(r, 640, 360);
        if (e != null) {
            save(e, dir, "hessian-eigenvalues");
        }
    }

    private static void topology(TopologyResult t, Path dir, String prefix) {
        save(TopologyCharts.profile(t), dir, prefix + "-profile");
        save(TopologyCharts.persistence(t), dir, prefix + "-persistence");
        save(TopologyCharts.mergeTree(t), dir, prefix + "-merge-tree");
    }

    private static void save(Chart c, Path dir, String base) {
        PlotFiles.write(c, dir.resolve(base + ".svg"));
        PlotFiles.write(c, dir.resolve(base + ".png"));
    }
}
