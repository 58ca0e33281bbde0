package dev.loupe.report.landscape;

import dev.loupe.report.html.Humanize;
import dev.loupe.core.io.AtomicOutput;
import dev.loupe.landscape.result.EigenMethod;
import dev.loupe.landscape.result.HessianResult;
import dev.loupe.landscape.result.LayerCurvature;
import dev.loupe.landscape.result.TraceMethod;
import dev.loupe.report.html.Card;
import dev.loupe.report.html.HtmlPage;
import dev.loupe.report.html.Table;
import dev.loupe.report.plot.Chart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The HTML report of {@code loupe hessian}: cards, the SLQ density, the top eigenvalues, per-layer blocks and the settings. */
public final class HessianReport {
    private HessianReport() {
    }

    public static void write(HessianResult r, String data, Path out) {
        AtomicOutput.writeString(out, render(r, data));
    }

    public static String render(HessianResult r, String data) {
        List<Card> cards = new ArrayList<>(LandscapeReport.common(r.model(), data, r.samples()));
        cards.add(new Card("Parameters", String.format(Locale.ROOT, "%,d", r.parameters()), "weights the Hessian is over", ""));
        if (r.eigenvalues().length > 0) {
            cards.add(new Card("Top eigenvalue", String.format(Locale.ROOT, "%.5g ± %.2g", r.eigenvalues()[0], r.residuals()[0]),
                    "residual bound; " + r.iterations()[0] + " " + steps(r), ""));
        }
        if (r.eigenvalues().length > 1) {
            StringBuilder b = new StringBuilder();
            for (int i = 2; i < Math.min(5, r.eigenvalues().length); i++) {
                b.append(i == 2 ? "then " : ", ").append(String.format(Locale.ROOT, "%.4g", r.eigenvalues()[i]));
            }
            cards.add(new Card("Second eigenvalue", String.format(Locale.ROOT, "%.5g", r.eigenvalues()[1]),
                    b + (r.eigenvalues().length > 5 ? "…" : ""), ""));
        }
        if (r.traceSamples() > 0) {
            cards.add(new Card("Trace", String.format(Locale.ROOT, "%.5g ± %.3g", r.trace(), r.traceHalfWidth95()),
                    "95% CI, " + r.traceSamples() + (r.traceMethod() == TraceMethod.HUTCHPP ? " Hutch++ products" : " Hutchinson samples"), ""));
        }
        cards.add(new Card("Hessian-vector products", r.fdStep() == 0 ? "exact" : "finite diff.",
                r.fdStep() == 0 ? "R-operator on the gradient graph" : "central differences, ε = " + r.fdStep(), ""));
        cards.add(new Card("Wall time", String.format(Locale.ROOT, "%.1f s", r.seconds()), "seed " + r.seed(), ""));
        HtmlPage page = new HtmlPage("Hessian spectrum: " + Humanize.fileName(r.model()))
                .subtitle(r.model() + " · Hessian of the mean loss over " + r.samples() + " samples at the model's weights")
                .cards(cards);
        Chart density = HessianCharts.density(r, 1280, 460);
        if (density != null) {
            page.section("density", "Eigenvalue spectral density", "Stochastic Lanczos quadrature (Ghorbani et al. 2019, as "
                    + "PyHessian): the Ritz values of Lanczos runs from random vectors, each a Gaussian of variance σ² "
                    + "weighted by its quadrature weight; log scale, clipped " + HessianCharts.FLOOR + " below the peak. "
                    + "Most of the mass sits near zero; the outliers on the right are the sharp directions.");
            page.figure(density.toSvg(), r.nodes().length + " quadrature nodes; dashed: the top eigenvalues.");
        }
        if (r.eigenvalues().length > 0) {
            page.section("top", "Top eigenvalues", (r.method() == EigenMethod.LANCZOS
                    ? "Lanczos with full reorthogonalization, largest magnitude first: one Krylov space for all of them, at most "
                    + r.maxIter() + " Hessian-vector products, stopped when every residual bound fell below " + r.tol() + "·|λ|. "
                    : "Power iteration with deflation, largest magnitude first (PyHessian's defaults: at most " + r.maxIter()
                    + " iterations per eigenvalue, relative tolerance " + r.tol() + "). ")
                    + "The bound ‖Hv − λv‖ of each eigenvalue's unit vector v: an exact eigenvalue of the Hessian lies within ± it.");
            Chart bars = HessianCharts.eigenvalues(r, 1280, 320);
            if (bars != null) {
                page.figure(bars.toSvg(), "blue: positive, red: negative (a saddle direction)");
            }
            page.table(eigenTable(r));
        }
        if (!r.layers().isEmpty()) {
            page.section("layers", "Per-layer curvature", "Each weight tensor's diagonal block H_ii of the Hessian (the other weights "
                    + "held fixed), from vectors nonzero only on that tensor: its trace by Hutchinson with a 95% CI, tr(H_ii)/n, the layer "
                    + "sensitivity HAWQ-V2 allocates quantization bits by, and its eigenvalue of largest magnitude by Lanczos, with the "
                    + "residual bound: an exact eigenvalue of the block lies within ± it.");
            page.table(layerTable(r));
        }
        page.section("settings", "Settings", "");
        List<String[]> kv = new ArrayList<>();
        kv.add(new String[]{"model", r.model()});
        kv.add(new String[]{"data", data == null ? "" : data});
        kv.add(new String[]{"samples", Integer.toString(r.samples())});
        kv.add(new String[]{"max iterations / tolerance", r.maxIter() + " / " + r.tol()});
        kv.add(new String[]{"SLQ", r.nodes().length + " nodes, σ² = " + String.format(Locale.ROOT, "%.3g", r.sigma2())
                + ", grid " + r.densityGrid().length + " points"});
        kv.add(new String[]{"seed", Long.toString(r.seed())});
        page.keyValues(kv);
        return page.render();
    }

    private static Table eigenTable(HessianResult r) {
        Table t = new Table(List.of(new Table.Column("rank", "", true), new Table.Column("eigenvalue", "", true),
                new Table.Column("± bound", "residual ‖Hv − λv‖: an exact eigenvalue lies within this distance", true),
                new Table.Column(steps(r), "Hessian-vector products", true)));
        for (int i = 0; i < r.eigenvalues().length; i++) {
            t.row(List.of(Table.Cell.number(i + 1, Integer.toString(i + 1)),
                    Table.Cell.number(r.eigenvalues()[i], String.format(Locale.ROOT, "%.6g", r.eigenvalues()[i])),
                    Table.Cell.number(r.residuals()[i], String.format(Locale.ROOT, "%.2g", r.residuals()[i])),
                    Table.Cell.number(r.iterations()[i], Integer.toString(r.iterations()[i]))));
        }
        return t;
    }

    private static Table layerTable(HessianResult r) {
        Table t = new Table(List.of(new Table.Column("weight", "", false), new Table.Column("shape", "", false),
                new Table.Column("weights", "", true), new Table.Column("trace", "Hutchinson estimate of tr(H_ii)", true),
                new Table.Column("± 95% CI", "", true), new Table.Column("trace / weights", "average eigenvalue (HAWQ-V2)", true),
                new Table.Column("top eigenvalue", "largest magnitude, Lanczos on the block", true),
                new Table.Column("± bound", "residual ‖H_ii v − λv‖: an exact eigenvalue of the block lies within this distance", true),
                new Table.Column("Lanczos steps", "Hessian-vector products", true)));
        for (LayerCurvature l : r.layers()) {
            t.row(List.of(Table.Cell.text(l.name()), Table.Cell.text(Arrays.toString(l.shape())),
                    Table.Cell.number(l.parameters(), String.format(Locale.ROOT, "%,d", l.parameters())),
                    measured(l.traceSamples() > 0, l.trace(), "%.5g"), measured(l.traceSamples() > 0, l.traceHalfWidth95(), "%.2g"),
                    measured(l.traceSamples() > 0, l.averageEigenvalue(), "%.4g"),
                    measured(l.lanczosSteps() > 0, l.topEigenvalue(), "%.6g"), measured(l.lanczosSteps() > 0, l.residual(), "%.2g"),
                    Table.Cell.number(l.lanczosSteps(), Integer.toString(l.lanczosSteps()))));
        }
        return t;
    }

    /** A number, or — where it was not computed (--trace-samples 0, --max-iter 0): never NaN on the page. */
    private static Table.Cell measured(boolean computed, double v, String format) {
        return computed ? Table.Cell.number(v, String.format(Locale.ROOT, format, v)) : Table.Cell.text("—");
    }

    private static String steps(HessianResult r) {
        return r.method() == EigenMethod.LANCZOS ? "Lanczos steps" : "power iterations";
    }
}
