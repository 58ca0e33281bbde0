package dev.loupe.report.plot;

import java.nio.file.Path;

/** Writes sample heatmap/contour and log–log plots as PNG and SVG for a visual check: {@code ... WriteSamplePlots DIR}. */
public final class WriteSamplePlots {
    private WriteSamplePlots() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int n = 41;
        double[] xs = new double[n];
        double[] ys = new double[n];
        double[][] z = new double[n][n];
        for (int i = 0; i < n; i++) {
            xs[i] = -1 + 2.0 * i / (n - 1);
            ys[i] = xs[i];
        }
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < n; k++) { // two basins and a saddle, like a small loss landscape
                double x = xs[k];
                double y = ys[r];
                z[r][k] = Math.log(1 + 3 * Math.pow(x * x - 0.4, 2) + 2 * y * y + 0.3 * x);
            }
        }
        Chart heat = new Chart(560, 460).title("Loss landscape (sample)").xTitle("direction 1").yTitle("direction 2")
                .xRange(-1.025, 1.025).yRange(-1.025, 1.025).colorBar("loss", 0, 1.6)
                .add(new GridMarks.Heatmap(xs, ys, z, 0, 1.6))
                .add(new GridMarks.Contour(xs, ys, z, new double[]{0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4},
                        Style.stroke("#ffffff", 0.8).withOpacity(0.8)));
        PlotFiles.write(heat, dir.resolve("landscape.png"));
        PlotFiles.write(heat, dir.resolve("landscape.svg"));
        PlotFiles.write(new SurfacePlot(560, 420, z, 0, 1.6).title("Loss surface (sample)").zLabel("loss"),
                dir.resolve("surface.png"));
        double[] x = new double[60];
        double[] y = new double[60];
        for (int i = 0; i < 60; i++) {
            x[i] = Math.pow(10, -2 + 5.0 * i / 59);
            y[i] = Math.pow(x[i], -2.5);
        }
        Chart pl = new Chart(480, 340).logX().logY().title("Log–log line").xTitle("λ").yTitle("p(λ)")
                .add(new Marks.Band("band", 0.05, 0.5, Style.fill(Palette.GREEN).withOpacity(0.16)))
                .add(new Marks.Line("λ^−2.5", x, y, Style.stroke(Palette.RED, 2)))
                .add(new Marks.VLine("xmin", 1, Style.stroke(Palette.PURPLE, 1.4).withDash("5 3")));
        PlotFiles.write(pl, dir.resolve("loglog.png"));
    }
}
