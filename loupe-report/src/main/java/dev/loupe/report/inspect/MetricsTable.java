package dev.loupe.report.inspect;

import dev.loupe.report.html.Table;
import dev.loupe.report.plot.Ticks;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.MetricColumns;

import java.util.ArrayList;
import java.util.List;

/** The layer table: every column of {@link MetricColumns#ALL} (key first), numeric columns sortable by value. */
final class MetricsTable {
    private MetricsTable() {
    }

    static Table of(List<LayerMetrics> layers) {
        // the layer key first: it stays visible (sticky) while the wide table scrolls sideways
        List<MetricColumns.Column> cols = new ArrayList<>();
        MetricColumns.ALL.stream().filter(c -> c.name().equals("key")).forEach(cols::add);
        MetricColumns.ALL.stream().filter(c -> !c.name().equals("key")).forEach(cols::add);
        List<Table.Column> header = new ArrayList<>();
        for (MetricColumns.Column c : cols) {
            boolean numeric = false;
            for (LayerMetrics m : layers) {
                if (c.value().apply(m) instanceof Number) {
                    numeric = true;
                    break;
                }
            }
            header.add(new Table.Column(c.name(), c.name(), numeric));
        }
        Table t = new Table(header);
        for (LayerMetrics m : layers) {
            List<Table.Cell> row = new ArrayList<>(cols.size());
            for (MetricColumns.Column c : cols) {
                Object v = c.value().apply(m);
                Table.Cell cell = switch (v) {
                    case null -> Table.Cell.text("–");
                    case Integer i -> Table.Cell.number(i, Integer.toString(i));
                    case Long l -> Table.Cell.number(l, Long.toString(l));
                    case Number num -> Table.Cell.number(num.doubleValue(), Ticks.compact(num.doubleValue()));
                    default -> Table.Cell.text(v.toString());
                };
                if (c.name().equals("warning") || c.name().equals("alpha")) {
                    cell = new Table.Cell(cell.text(), cell.sortKey(), Warnings.css(m.warning()));
                }
                row.add(cell);
            }
            t.row(row);
        }
        return t;
    }
}
