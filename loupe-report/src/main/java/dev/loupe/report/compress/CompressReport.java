package dev.loupe.report.compress;

import dev.loupe.compress.Mode;
import dev.loupe.report.html.Humanize;
import dev.loupe.compress.result.CompressionReport;
import dev.loupe.compress.result.EvalResult;
import dev.loupe.compress.result.LayerResult;
import dev.loupe.core.io.AtomicOutput;
import dev.loupe.report.html.Card;
import dev.loupe.report.html.HtmlPage;
import dev.loupe.report.html.Table;
import dev.loupe.report.plot.Chart;
import dev.loupe.report.plot.Ticks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HTML report of {@code loupe compress}: summary cards, per-layer sparsity or bits across depth (with the
 * allocation's metric), the memory-wall table per hardware profile and the allocation table. Draws the
 * {@link CompressionReport} it is given; the only arithmetic here is sums and ratios of its fields for display.
 */
public final class CompressReport {
    private CompressReport() {
    }

    /** Renders and writes the report atomically. */
    public static void write(CompressionReport report, Path out) {
        AtomicOutput.writeString(out, render(report));
    }

    /** The complete, self-contained HTML page. */
    public static String render(CompressionReport r) {
        boolean prune = r.mode() == Mode.PRUNE;
        HtmlPage page = new HtmlPage("Loupe compress — " + Humanize.fileName(r.source()))
                .subtitle(r.source() + " → " + (r.output() == null ? "dry run, nothing written" : r.output()));
        page.cards(cards(r));

        page.section("depth", "Across depth", prune
                ? "Fraction of zeros per compressed layer, in model order; the dashed line is the requested mean. "
                + "With --allocate alpha, layers with larger PL_Alpha_Hill (less well trained) are pruned more, "
                + "and the parameter-weighted mean equals the target. Hover a bar for the layer."
                : "Stored bits per weight per compressed layer, in model order; the dashed line is the requested "
                + "mean. With knapsack or greedy allocation the bits follow each layer's measured error curve.");
        page.figure(AllocationCharts.budget(r, 1280, 340).toSvg(), r.layers().size() + " layers in model order.");
        Chart metric = AllocationCharts.metric(r, 1280, 260);
        if (metric != null) {
            page.figure(metric.toSvg(), "The per-layer value the " + r.allocation()
                    + " allocation was computed from, layers in the same order as the bars above.");
        }

        page.section("memory", "Memory wall",
                "Bytes moved per inference (weights at their stored width, activations in fp32) and the roofline "
                        + "latency max(bytes / bandwidth, FLOPs / peak) on each hardware profile, before and after. "
                        + "Unstructured zeros are not subtracted: dense kernels still move them.");
        page.table(MemoryTable.of(r.memory()));

        page.section("allocation", "Allocation", "One row per compressed layer; click a header to sort.");
        page.table(LayerTable.of(r));

        if (!r.notes().isEmpty()) {
            page.section("notes", "Notes", "");
            for (String n : r.notes()) {
                page.paragraph(n);
            }
        }
        return page.render();
    }

    private static List<Card> cards(CompressionReport r) {
        boolean prune = r.mode() == Mode.PRUNE;
        List<Card> cards = new ArrayList<>();
        cards.add(new Card("Model", Humanize.fileName(r.source()), Humanize.bytes(r.bytesBefore()), ""));
        cards.add(new Card("Method", r.method().toString(), r.mode() + " · allocation " + r.allocation(), ""));
        cards.add(new Card(prune ? "Target sparsity" : "Target bits", Ticks.compact(r.target()),
                "achieved " + String.format(Locale.ROOT, "%.4f", r.achieved()), ""));
        cards.add(new Card("Parameters", Humanize.count(r.paramsInLayers()), "in " + r.layers().size() + " compressed layers", ""));
        if (prune) {
            long kept = 0;
            for (LayerResult l : r.layers()) {
                kept += Math.round(l.params() * (1 - l.sparsity()));
            }
            cards.add(new Card("Non-zero after", Humanize.count(kept), percent(kept, r.paramsInLayers()) + " of before", ""));
        }
        // after in the big value, before in the note: "919.4 KB → 919.4 KB" does not fit a card
        cards.add(new Card(r.output() == null ? "File size (estimated)" : "File size", Humanize.bytes(r.bytesAfter()),
                percent(r.bytesAfter(), r.bytesBefore()) + " of " + Humanize.bytes(r.bytesBefore()),
                r.bytesAfter() < r.bytesBefore() ? "good" : ""));
        if (!r.memory().isEmpty()) {
            CompressionReport.MemoryRow m = r.memory().getFirst();
            cards.add(new Card("Bytes moved", Humanize.bytes((long) m.bytesAfter()), percent(m.bytesAfter(), m.bytesBefore())
                    + " of " + Humanize.bytes((long) m.bytesBefore()) + " per inference", ""));
        }
        EvalResult e = r.eval();
        if (e != null && e.kind() == EvalResult.Kind.CLASSIFIER) {
            double drop = e.accuracyAfter() - e.accuracyBefore();
            cards.add(new Card("Accuracy", fixed(e.accuracyBefore(), 4) + " → " + fixed(e.accuracyAfter(), 4),
                    e.n() + " examples", drop < -0.01 ? "bad" : drop < 0 ? "warn" : "good"));
            cards.add(new Card("Cross-entropy", fixed(e.lossBefore(), 4) + " → " + fixed(e.lossAfter(), 4), "mean", ""));
        } else if (e != null) {
            cards.add(new Card("Embedding cosine", fixed(e.meanCosine(), 4), "compressed vs original, " + e.n() + " sentences",
                    e.meanCosine() < 0.95 ? "warn" : "good"));
        }
        return cards;
    }

    static String fixed(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "–";
    }

    private static String percent(double part, double whole) {
        return whole > 0 ? String.format(Locale.ROOT, "%.1f %%", 100 * part / whole) : "–";
    }



}
