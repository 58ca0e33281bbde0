package dev.loupe.report.compress;

import dev.loupe.compress.Mode;
import dev.loupe.compress.result.CompressionReport;
import dev.loupe.compress.result.LayerResult;
import dev.loupe.report.html.Table;
import dev.loupe.report.html.Table.Cell;
import dev.loupe.report.html.Table.Column;

import java.util.List;

/** The allocation table: one row per compressed layer, the record's values as sort keys. */
final class LayerTable {
    private LayerTable() {
    }

    static Table of(CompressionReport r) {
        boolean prune = r.mode() == Mode.PRUNE;
        Table t = new Table(List.of(new Column("#", "model order", true), new Column("layer", "ONNX node (weight)", false),
                new Column("params", "", true),
                new Column(AllocationCharts.metricName(r), "the value the allocation was computed from", true),
                new Column(prune ? "target sparsity" : "allocated bits", "", true),
                new Column(prune ? "sparsity" : "zeros", "achieved fraction of zeros", true),
                new Column("bits", "stored bits per weight", true),
                new Column("rel. error", "‖W − Ŵ‖_F / ‖W‖_F", true)));
        for (int i = 0; i < r.layers().size(); i++) {
            LayerResult l = r.layers().get(i);
            t.row(List.of(Cell.number(i, Integer.toString(i)), Cell.text(AllocationCharts.label(l)),
                    Cell.number(l.params(), Long.toString(l.params())), num(l.metric(), 4), num(l.target(), prune ? 4 : 2),
                    num(l.sparsity(), 4), num(l.bits(), 2), num(l.relativeError(), 4)));
        }
        return t;
    }

    private static Cell num(double v, int digits) {
        return Cell.number(v, CompressReport.fixed(v, digits));
    }
}
