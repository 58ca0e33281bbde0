package dev.loupe.zoo.result;

import dev.loupe.spectral.result.MetricColumns;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The two Parquet tables a zoo run writes. {@code models}: one row per checkpoint (its summary, or
 * its error). {@code layers}: one row per analyzed matrix with every column of inspect's CSV
 * ({@link MetricColumns}, WeightWatcher's names), keyed by the checkpoint's path and the run.
 */
public final class ZooSchema {
    private ZooSchema() {
    }

    public static final List<ZooColumn> MODELS = List.of(
            s("path"), s("file_name"), l("size_bytes"), s("head_hash"), s("format"), s("status"), s("error"),
            l("layers"), l("layers_with_fit"), l("tensors_skipped"), l("parameters"),
            d("alpha"), d("alpha_weighted"), d("log_norm"), d("log_alpha_norm"), d("log_spectral_norm"),
            d("stable_rank"), d("mp_softrank"), d("pl_alpha_hill"), d("rand_distance"),
            l("over_trained"), l("under_trained"), s("backend"), s("precision"), s("loupe_version"),
            s("run_id"), s("analyzed_at"), d("seconds"));

    /** inspect's metric columns that hold text or counts; every other one is a double. */
    private static final Set<String> TEXT = Set.of("key", "tensor", "layer_type", "kind", "dtype", "shape", "status",
            "warning", "orientation", "consumer", "notes");
    private static final Set<String> COUNTS = Set.of("layer_id", "N", "M", "rf", "num_evals", "matrix_rank",
            "num_spikes", "num_pl_spikes", "rank_loss", "weak_rank_loss", "num_fingers", "rand_num_spikes",
            "tpl_num_pl_spikes");

    /** Columns before inspect's own in the layers table. */
    public static final List<ZooColumn> LAYER_KEYS = List.of(s("path"), s("run_id"));

    public static final List<ZooColumn> LAYERS = layers();

    private static List<ZooColumn> layers() {
        List<ZooColumn> cols = new ArrayList<>(LAYER_KEYS);
        for (MetricColumns.Column c : MetricColumns.ALL) {
            ColumnType t = TEXT.contains(c.name()) ? ColumnType.STRING
                    : COUNTS.contains(c.name()) ? ColumnType.LONG : ColumnType.DOUBLE;
            cols.add(new ZooColumn(c.name(), t));
        }
        return List.copyOf(cols);
    }

    public static int index(List<ZooColumn> cols, String name) {
        for (int i = 0; i < cols.size(); i++) {
            if (cols.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no column " + name);
    }

    private static ZooColumn s(String n) {
        return new ZooColumn(n, ColumnType.STRING);
    }

    private static ZooColumn l(String n) {
        return new ZooColumn(n, ColumnType.LONG);
    }

    private static ZooColumn d(String n) {
        return new ZooColumn(n, ColumnType.DOUBLE);
    }
}
