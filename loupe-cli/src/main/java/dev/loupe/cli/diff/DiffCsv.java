package dev.loupe.cli.diff;

import dev.loupe.cli.CsvCell;
import dev.loupe.diff.delta.LayerDelta;
import dev.loupe.diff.result.DiffResult;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** One CSV row per compared layer, cells by {@link CsvCell}. */
final class DiffCsv {
    private record Col(String name, Function<LayerDelta, Object> value) {
    }

    private static final List<Col> COLUMNS = List.of(
            new Col("name", LayerDelta::name), new Col("other_name", LayerDelta::otherName),
            new Col("match", l -> l.match().label()), new Col("kind", l -> l.kind().name().toLowerCase(Locale.ROOT)),
            new Col("out", LayerDelta::out), new Col("in", LayerDelta::in), new Col("slices", LayerDelta::slices),
            new Col("delta_norm", LayerDelta::deltaNorm), new Col("base_norm", LayerDelta::baseNorm),
            new Col("relative", LayerDelta::relative), new Col("cosine", LayerDelta::cosine),
            new Col("ww_euclidean", LayerDelta::wwEuclidean), new Col("ww_cka", LayerDelta::wwCka),
            new Col("base_alpha", LayerDelta::baseAlpha), new Col("other_alpha", LayerDelta::otherAlpha),
            new Col("lora_rank", LayerDelta::loraRank), new Col("lora_scale", LayerDelta::loraScale),
            new Col("delta_nonzero_evals", l -> l.update().nonzero()),
            new Col("delta_alpha", l -> l.update().alpha()), new Col("delta_stable_rank", l -> l.update().stableRank()),
            new Col("delta_effective_rank", l -> l.update().effectiveRank()),
            new Col("delta_sv_max", l -> l.update().topSingular().length == 0 ? 0.0 : l.update().topSingular()[0]),
            new Col("note", l -> l.update().note()));

    private DiffCsv() {
    }

    static String of(DiffResult r) {
        boolean acts = !r.activations().isEmpty();
        StringBuilder b = new StringBuilder(COLUMNS.stream().map(Col::name).collect(Collectors.joining(",")))
                .append(acts ? ",activation_cka" : "").append('\n');
        for (LayerDelta l : r.layers()) {
            b.append(COLUMNS.stream().map(c -> CsvCell.of(c.value().apply(l))).collect(Collectors.joining(",")))
                    .append(acts ? "," + CsvCell.of(r.activationCka(l.name())) : "").append('\n');
        }
        return b.toString();
    }
}
