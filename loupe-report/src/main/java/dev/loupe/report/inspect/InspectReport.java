package dev.loupe.report.inspect;

import dev.loupe.report.html.Humanize;
import dev.loupe.core.io.AtomicOutput;
import dev.loupe.report.html.Card;
import dev.loupe.report.html.Figure;
import dev.loupe.report.html.HtmlPage;
import dev.loupe.report.html.Table;
import dev.loupe.report.plot.Ticks;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.Warning;
import dev.loupe.spectral.result.LayerSpectrum;
import dev.loupe.spectral.result.ModelSummary;
import dev.loupe.spectral.result.Provenance;
import dev.loupe.spectral.result.SkippedTensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HTML report of {@code loupe inspect}: summary cards, α across depth, quantization error across
 * depth, per-layer ESD and weight plots, the full metric table, skipped tensors and provenance.
 * Draws the records it is given; computes no metric.
 */
public final class InspectReport {
    private InspectReport() {
    }

    /** Renders and writes the report atomically. */
    public static void write(InspectResult result, Path out) {
        AtomicOutput.writeString(out, render(result));
    }

    /** The complete, self-contained HTML page. */
    public static String render(InspectResult r) {
        Provenance p = r.provenance();
        HtmlPage page = new HtmlPage("Loupe inspect — " + Humanize.fileName(p.file()))
                .subtitle(p.file() + " · " + p.format() + " · " + p.startedAt());
        page.cards(cards(r));

        List<LayerMetrics> layers = r.layers();
        page.section("depth", "Across depth",
                "Heavy-tailed self-regularization: α is the exponent of a power law fitted to the tail of each layer's "
                        + "eigenvalue spectrum (ESD of WᵀW). Well-trained layers typically have 2 ≤ α ≤ 6; α < 2 "
                        + "suggests over-training, α > 6 under-training. Dots: the Hill estimator (PL_Alpha_Hill). "
                        + "Hover a bar for the layer.");
        page.figure(DepthCharts.alpha(layers, 1280, 380).toSvg(),
                layers.size() + " layers in model order; dashed lines at α = 2 and α = 6.");
        page.figure(DepthCharts.quantization(layers, 1280, 320).toSvg(),
                "Round-to-nearest symmetric quantization, one scale per output channel or per group of 128 weights.");

        page.section("layers", "Layers in detail",
                "Left: the ESD as a density on log–log axes (bars), the fitted power law from xmin to xmax (red), "
                        + "xmin (dashed) and the Marchenko–Pastur bulk of a random matrix of the same shape (green band). "
                        + "Right: the weight distribution with the fitted generalized-Gaussian density (β = 2 Gaussian, "
                        + "β = 1 Laplace).");
        page.figureGrid(layerFigures(r), true);

        page.section("table", "All metrics", "One row per layer; click a header to sort. Names as WeightWatcher's columns.");
        page.table(MetricsTable.of(layers));

        if (!r.skipped().isEmpty()) {
            page.section("skipped", "Tensors not analyzed", "Listed so that nothing is left out silently.");
            page.table(skippedTable(r.skipped()));
        }
        page.section("provenance", "Provenance", "");
        page.keyValues(provenance(p));
        return page.render();
    }

    private static List<Card> cards(InspectResult r) {
        ModelSummary s = r.summary();
        Provenance p = r.provenance();
        double a = s.alpha();
        String tone = !Double.isFinite(a) ? "" : a < 2 ? "bad" : a > 6 ? "warn" : "good";
        return List.of(
                new Card("Model", Humanize.fileName(p.file()), Humanize.bytes(p.sizeBytes()), ""),
                Card.of("Format", p.format()),
                new Card("Layers", Integer.toString(s.layers()), s.layersWithFit() + " with a power-law fit", ""),
                new Card("Parameters", Humanize.count(s.parameters()), "in analyzed matrices", ""),
                new Card("Mean α", Ticks.compact(a), "mean α̂ (Hill) " + Ticks.compact(s.plAlphaHill()), tone),
                new Card("Over-trained", Integer.toString(s.overTrained()), "layers with α < 2",
                        s.overTrained() > 0 ? "bad" : "good"),
                new Card("Under-trained", Integer.toString(s.underTrained()), "layers with α > 6"
                        + (s.tooFewEigenvalues() > 0 ? "; " + s.tooFewEigenvalues() + " too small to judge" : ""),
                        s.underTrained() > 0 ? "warn" : "good"),
                new Card("Mean α weighted", Ticks.compact(s.alphaWeighted()), "log norm " + Ticks.compact(s.logNorm()), ""),
                new Card("Backend", p.backend(), p.threads() + " threads", ""),
                new Card("Precision", p.precision(), String.format(Locale.ROOT, "%.1f s wall, peak heap %s", p.wallSeconds(),
                        Humanize.bytes(p.peakHeapBytes())), ""));
    }

    private static List<Figure> layerFigures(InspectResult r) {
        List<Figure> figs = new ArrayList<>();
        for (int i = 0; i < r.layers().size() && i < r.spectra().size(); i++) {
            LayerMetrics m = r.layers().get(i);
            LayerSpectrum s = r.spectra().get(i);
            String svg = "<div class=\"pair\">" + LayerCharts.esd(m, s, 330, 250).toSvg()
                    + LayerCharts.weights(s, 330, 250).toSvg() + "</div>";
            String warn = m.warning() == Warning.NONE ? "" : " · " + m.warning();
            String head = "#" + m.layer().index() + "  " + m.name() + "  ·  " + Humanize.shape(m.layer().shape())
                    + "  ·  α " + Ticks.compact(m.alpha()) + warn;
            String caption = m.layer().numEvals() + " eigenvalues" + (s.subsampled() ? " (histogram of all)" : "")
                    + ", " + m.fit().numPlSpikes() + " in the fitted tail, KS D = " + Ticks.compact(m.fit().D())
                    + (m.mp() == null ? "" : ", " + m.mp().numSpikes() + (m.mp().numSpikes() == 1 ? " spike" : " spikes") + " above the MP edge")
                    + (m.notes().isEmpty() ? "" : ". " + String.join("; ", m.notes()));
            figs.add(new Figure(svg, caption, head, warn.isEmpty() ? "" : "flagged"));
        }
        return figs;
    }

    private static Table skippedTable(List<SkippedTensor> skipped) {
        Table t = new Table(List.of(new Table.Column("tensor", "", false), new Table.Column("dtype", "", false),
                new Table.Column("shape", "", false), new Table.Column("reason", "", false)));
        for (SkippedTensor s : skipped) {
            t.row(List.of(Table.Cell.text(s.tensor()), Table.Cell.text(s.dtype()), Table.Cell.text(Humanize.shape(s.shape())),
                    Table.Cell.text(s.reason())));
        }
        return t;
    }

    private static List<String[]> provenance(Provenance p) {
        List<String[]> kv = new ArrayList<>();
        kv.add(new String[]{"file", p.file()});
        kv.add(new String[]{"format", p.format()});
        kv.add(new String[]{"size", Humanize.bytes(p.sizeBytes()) + " (" + p.sizeBytes() + " bytes)"});
        kv.add(new String[]{"sha256", p.sha256().isEmpty() ? "not computed" : p.sha256()});
        kv.add(new String[]{"backend", p.backend()});
        kv.add(new String[]{"precision", p.precision()});
        kv.add(new String[]{"options", String.join(" ", p.options())});
        kv.add(new String[]{"seed", Long.toString(p.seed())});
        kv.add(new String[]{"threads", Integer.toString(p.threads())});
        kv.add(new String[]{"started", p.startedAt()});
        kv.add(new String[]{"wall time", String.format(Locale.ROOT, "%.2f s", p.wallSeconds())});
        kv.add(new String[]{"peak heap", Humanize.bytes(p.peakHeapBytes()) + " of " + Humanize.bytes(p.maxHeapBytes())});
        kv.add(new String[]{"Loupe", p.loupeVersion()});
        kv.add(new String[]{"Java", p.javaVersion()});
        return kv;
    }




}
