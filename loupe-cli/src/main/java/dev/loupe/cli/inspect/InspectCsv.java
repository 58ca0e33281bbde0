package dev.loupe.cli.inspect;

import dev.loupe.cli.CsvCell;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.MetricColumns;

import java.util.stream.Collectors;

/** One CSV row per layer, every metric, WeightWatcher's column names first. Floats round-trip (Double.toString). */
public final class InspectCsv {
    private InspectCsv() {
    }

    static String of(InspectResult r) {
        StringBuilder b = new StringBuilder();
        b.append(MetricColumns.ALL.stream().map(MetricColumns.Column::name).collect(Collectors.joining(","))).append('\n');
        for (LayerMetrics m : r.layers()) {
            b.append(MetricColumns.ALL.stream().map(c -> CsvCell.of(c.value().apply(m))).collect(Collectors.joining(",")))
                    .append('\n');
        }
        return b.toString();
    }
}
