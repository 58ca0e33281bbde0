package dev.loupe.spectral.result;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The flat, one-row-per-layer view of {@link LayerMetrics}: WeightWatcher's CSV column names first
 * (same meaning), then Loupe's own. Used by the CSV writer and anyone who wants a table.
 */
public final class MetricColumns {
    /** A named column and how to read it from a layer. Values are Number, String or null (empty). */
    public record Column(String name, Function<LayerMetrics, Object> value) {
    }

    private MetricColumns() {
    }

    public static final List<Column> ALL = List.of(
            c("layer_id", m -> m.layer().index()),
            c("key", m -> m.layer().name()),
            c("tensor", m -> m.layer().tensor()),
            c("layer_type", m -> m.layer().layerType()),
            c("kind", m -> m.layer().kind().name().toLowerCase(Locale.ROOT)),
            c("dtype", m -> m.layer().dtype()),
            c("shape", m -> shape(m.layer().shape())),
            c("N", m -> m.layer().N()),
            c("M", m -> m.layer().M()),
            c("rf", m -> m.layer().rf()),
            c("Q", m -> m.layer().Q()),
            c("num_evals", m -> m.layer().numEvals()),
            c("alpha", m -> m.fit().alpha()),
            c("alpha_weighted", m -> m.norms().alphaWeighted()),
            c("log_alpha_norm", m -> m.norms().logAlphaNorm()),
            c("log_norm", m -> m.norms().logNorm()),
            c("log_spectral_norm", m -> m.norms().logSpectralNorm()),
            c("spectral_norm", m -> m.norms().spectralNorm()),
            c("norm", m -> m.norms().norm()),
            c("stable_rank", m -> m.norms().stableRank()),
            c("entropy", m -> m.norms().entropy()),
            c("matrix_rank", m -> m.norms().matrixRank()),
            c("mp_softrank", m -> m.mp() == null ? null : m.mp().mpSoftrank()),
            c("num_spikes", m -> m.mp() == null ? null : m.mp().numSpikes()),
            c("sigma_mp", m -> m.mp() == null ? null : m.mp().sigmaMp()),
            c("bulk_max", m -> m.mp() == null ? null : m.mp().bulkMax()),
            c("bulk_min", m -> m.mp() == null ? null : m.mp().bulkMin()),
            c("W_scale", m -> m.mp() == null ? null : m.mp().wScale()),
            c("xmin", m -> m.fit().xmin()),
            c("xmax", m -> m.fit().xmax()),
            c("D", m -> m.fit().D()),
            c("sigma", m -> m.fit().sigma()),
            c("num_pl_spikes", m -> m.fit().numPlSpikes()),
            c("status", m -> m.fit().status()),
            c("warning", m -> m.warning().toString()),
            c("lambda_max", m -> m.norms().spectralNorm()),
            c("sv_max", m -> m.norms().svMax()),
            c("sv_min", m -> m.norms().svMin()),
            c("rank_loss", m -> m.norms().rankLoss()),
            c("weak_rank_loss", m -> m.norms().weakRankLoss()),
            c("raw_alpha", m -> m.fit().rawAlpha()),
            c("num_fingers", m -> m.fit().numFingers()),
            c("rand_distance", m -> m.randomized() == null ? null : m.randomized().randDistance()),
            c("max_rand_eval", m -> m.randomized() == null ? null : m.randomized().maxRandEval()),
            c("rand_bulk_max", m -> m.randomized() == null ? null : m.randomized().randBulkMax()),
            c("rand_num_spikes", m -> m.randomized() == null ? null : m.randomized().randNumSpikes()),
            c("rand_mp_softrank", m -> m.randomized() == null ? null : m.randomized().randMpSoftrank()),
            c("ww_softrank", m -> m.randomized() == null ? null : m.randomized().wwSoftrank()),
            c("ww_maxdist", m -> m.randomized() == null ? null : m.randomized().wwMaxdist()),
            c("rand_sigma_mp", m -> m.randomized() == null ? null : m.randomized().randSigmaMp()),
            c("rand_W_scale", m -> m.randomized() == null ? null : m.randomized().randWScale()),
            c("rand_bulk_min", m -> m.randomized() == null ? null : m.randomized().randBulkMin()),
            c("pl_alpha_hill", LayerMetrics::plAlphaHill),
            c("w_mean", m -> m.weights().mean()),
            c("w_std", m -> m.weights().std()),
            c("w_kurtosis", m -> m.weights().kurtosis()),
            c("ggd_beta", m -> m.weights().ggdBeta()),
            c("ggd_scale", m -> m.weights().ggdScale()),
            c("frac_3sigma", m -> m.weights().frac3Sigma()),
            c("frac_6sigma", m -> m.weights().frac6Sigma()),
            c("int8_channel_rel_err", m -> m.weights().int8PerChannel()),
            c("int4_channel_rel_err", m -> m.weights().int4PerChannel()),
            c("int8_g128_rel_err", m -> m.weights().int8Group128()),
            c("int4_g128_rel_err", m -> m.weights().int4Group128()),
            c("tpl_alpha", m -> m.tpl() == null ? null : m.tpl().alpha()),
            c("Lambda", m -> m.tpl() == null ? null : m.tpl().Lambda()),
            c("tpl_xmin", m -> m.tpl() == null ? null : m.tpl().xmin()),
            c("tpl_D", m -> m.tpl() == null ? null : m.tpl().D()),
            c("tpl_num_pl_spikes", m -> m.tpl() == null ? null : m.tpl().numPlSpikes()),
            c("tpl_R", m -> m.tpl() == null ? null : m.tpl().R()),
            c("tpl_p", m -> m.tpl() == null ? null : m.tpl().p()),
            c("bulk_mean_vec_entropy", m -> vec(m, VectorMetrics::vecEntropy, VectorMetrics.BulkTail::bulkMean)),
            c("bulk_var_vec_entropy", m -> vec(m, VectorMetrics::vecEntropy, VectorMetrics.BulkTail::bulkVar)),
            c("tail_mean_vec_entropy", m -> vec(m, VectorMetrics::vecEntropy, VectorMetrics.BulkTail::tailMean)),
            c("tail_var_vec_entropy", m -> vec(m, VectorMetrics::vecEntropy, VectorMetrics.BulkTail::tailVar)),
            c("bulk_mean_loc_ratio", m -> vec(m, VectorMetrics::locRatio, VectorMetrics.BulkTail::bulkMean)),
            c("bulk_var_loc_ratio", m -> vec(m, VectorMetrics::locRatio, VectorMetrics.BulkTail::bulkVar)),
            c("tail_mean_loc_ratio", m -> vec(m, VectorMetrics::locRatio, VectorMetrics.BulkTail::tailMean)),
            c("tail_var_loc_ratio", m -> vec(m, VectorMetrics::locRatio, VectorMetrics.BulkTail::tailVar)),
            c("bulk_mean_part_ratio", m -> vec(m, VectorMetrics::partRatio, VectorMetrics.BulkTail::bulkMean)),
            c("bulk_var_part_ratio", m -> vec(m, VectorMetrics::partRatio, VectorMetrics.BulkTail::bulkVar)),
            c("tail_mean_part_ratio", m -> vec(m, VectorMetrics::partRatio, VectorMetrics.BulkTail::tailMean)),
            c("tail_var_part_ratio", m -> vec(m, VectorMetrics::partRatio, VectorMetrics.BulkTail::tailVar)),
            c("sketch_k", m -> m.sketch() == null ? null : m.sketch().k()),
            c("sketch_max_rel_bound", m -> m.sketch() == null ? null : m.sketch().maxRelBound()),
            c("sketch_max_rel_error", m -> m.sketch() == null || !m.sketch().checked() ? null : m.sketch().maxRelError()),
            c("sketch_alpha_exact", m -> m.sketch() == null || !m.sketch().checked() ? null : m.sketch().alphaExact()),
            c("orientation", m -> m.layer().orientation()),
            c("consumer", m -> m.layer().consumer()),
            c("notes", m -> String.join("; ", m.layer().notes())),
            c("seconds", LayerMetrics::seconds));

    private static Column c(String name, Function<LayerMetrics, Object> f) {
        return new Column(name, f);
    }

    /** One of WeightWatcher's vector columns, null without {@code --vectors}. */
    private static Object vec(LayerMetrics m, Function<VectorMetrics, VectorMetrics.BulkTail> metric,
                              Function<VectorMetrics.BulkTail, Double> part) {
        return m.vectors() == null ? null : part.apply(metric.apply(m.vectors()));
    }

    private static String shape(long[] s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length; i++) {
            b.append(i == 0 ? "" : "x").append(s[i]);
        }
        return b.toString();
    }
}
