package dev.loupe.report.diff;

import dev.loupe.core.io.AtomicOutput;
import dev.loupe.diff.delta.LayerDelta;
import dev.loupe.diff.delta.LayerEsds;
import dev.loupe.diff.result.DiffKind;
import dev.loupe.diff.result.DiffResult;
import dev.loupe.report.html.Card;
import dev.loupe.report.html.Figure;
import dev.loupe.report.html.HtmlPage;
import dev.loupe.report.html.Humanize;
import dev.loupe.report.html.Table;
import dev.loupe.report.plot.Ticks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The HTML report of {@code loupe diff}. Draws the records it is given; computes no metric. */
public final class DiffReport {
    /** Layers whose spectra are drawn: the ones that moved most. */
    private static final int SPECTRA = 12;

    private DiffReport() {
    }

    public static void write(DiffResult r, Path out) {
        AtomicOutput.writeString(out, render(r));
    }

    public static String render(DiffResult r) {
        boolean adapterOnly = r.kind() == DiffKind.ADAPTER;
        String title = r.kind() == DiffKind.CHECKPOINTS
                ? Humanize.fileName(r.base()) + " → " + Humanize.fileName(r.other())
                : "adapter " + Humanize.fileName(r.other());
        HtmlPage page = new HtmlPage("Loupe diff — " + title)
                .subtitle((r.base().isEmpty() ? "" : r.base() + " · ") + r.other());
        page.cards(cards(r));
        page.section("movement", "Across depth", adapterOnly
                ? "The size of each module's update ΔW = s·B·A (Frobenius norm), in adapter order."
                : "How far each layer moved relative to its own size. Large bars are where fine-tuning changed the "
                + "model; a cosine near 1 with a small ratio means the layer kept its direction.");
        page.figure(DiffCharts.movement(r.layers(), !adapterOnly, 1280, 360).toSvg(),
                r.layers().size() + " layers in model order.");
        page.section("spectra", "Spectra of the updates",
                "The eigenvalue density of WᵀW (blue), of W'ᵀW' (green, dashed) and of ΔWᵀΔW (orange) on log–log "
                        + "axes, for the " + Math.min(SPECTRA, r.layers().size()) + " layers that moved most. A "
                        + "low-rank or spiked ΔW shows as a few large eigenvalues far right of W's bulk. Eigenvalues below "
                        + "10⁻¹² of a spectrum's largest (numerical zeros: dead units, rank-deficient updates) are not drawn.");
        List<Figure> figs = new ArrayList<>();
        for (LayerDelta l : r.movedMost(SPECTRA)) {
            LayerEsds e = r.esds().get(r.layers().indexOf(l));
            figs.add(new Figure(DiffCharts.spectra(e, l, 620, 340).toSvg(), "", l.name(), ""));
        }
        page.figureGrid(figs, false);
        page.section("table", "Layers", "Click a header to sort.");
        page.table(table(r));
        if (!r.onlyInBase().isEmpty() || !r.onlyInOther().isEmpty() || !r.notes().isEmpty()) {
            List<String[]> kv = new ArrayList<>();
            r.onlyInBase().forEach(n -> kv.add(new String[]{"only in base", n}));
            r.onlyInOther().forEach(n -> kv.add(new String[]{"only in other", n}));
            r.notes().forEach(n -> kv.add(new String[]{"note", n}));
            page.section("unmatched", "Not compared", "Layers without a counterpart, and adapter tensors not analyzed.");
            page.keyValues(kv);
        }
        return page.render();
    }

    private static List<Card> cards(DiffResult r) {
        List<Card> c = new ArrayList<>();
        c.add(Card.of("layers compared", Integer.toString(r.layers().size())));
        LayerDelta top = r.movedMost(1).getFirst();
        if (r.kind() == DiffKind.ADAPTER) {
            c.add(new Card("largest update", Ticks.compact(top.deltaNorm()), top.name(), ""));
        } else {
            double mean = r.layers().stream().mapToDouble(LayerDelta::relative).average().orElse(Double.NaN);
            c.add(Card.of("mean ‖ΔW‖/‖W‖", Ticks.compact(mean)));
            c.add(new Card("moved most", Ticks.compact(top.relative()), top.name(), ""));
            double minCos = r.layers().stream().mapToDouble(LayerDelta::cosine).min().orElse(Double.NaN);
            c.add(Card.of("lowest cos(W, W')", Ticks.compact(minCos)));
        }
        int unmatched = r.onlyInBase().size() + r.onlyInOther().size();
        c.add(new Card("not matched", Integer.toString(unmatched), "", unmatched > 0 ? "warn" : ""));
        return c;
    }

    private static Table table(DiffResult r) {
        Table t = new Table(List.of(
                new Table.Column("layer", "name in the base checkpoint", false),
                new Table.Column("match", "how the pair was found", false),
                new Table.Column("shape", "out × in (× slices)", false),
                new Table.Column("‖ΔW‖", "Frobenius norm of the update", true),
                new Table.Column("‖ΔW‖/‖W‖", "relative movement", true),
                new Table.Column("cos", "cosine between W and W'", true),
                new Table.Column("ΔW alpha", "power-law alpha of the update's ESD", true),
                new Table.Column("ΔW stable rank", "‖ΔW‖_F² / ‖ΔW‖₂²", true),
                new Table.Column("ΔW eff. rank", "exp(entropy of normalized singular values)", true),
                new Table.Column("σ₁(ΔW)", "largest singular value of the update", true),
                new Table.Column("alpha W → W'", "power-law alpha before and after", false)));
        for (LayerDelta l : r.layers()) {
            t.row(List.of(Table.Cell.text(l.name()), Table.Cell.text(l.match().label()),
                    Table.Cell.text(l.out() + "×" + l.in() + (l.slices() > 1 ? "×" + l.slices() : "")),
                    num(l.deltaNorm()), num(l.relative()), num(l.cosine()), num(l.update().alpha()),
                    num(l.update().stableRank()), num(l.update().effectiveRank()),
                    num(l.update().topSingular().length == 0 ? 0 : l.update().topSingular()[0]),
                    Table.Cell.text(Ticks.compact(l.baseAlpha()) + " → " + Ticks.compact(l.otherAlpha()))));
        }
        return t;
    }

    private static Table.Cell num(double v) {
        return Table.Cell.number(v, Double.isNaN(v) ? "–" : Ticks.compact(v));
    }
}
