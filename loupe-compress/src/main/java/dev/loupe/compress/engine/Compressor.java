package dev.loupe.compress.engine;

import dev.loupe.compress.Method;
import dev.loupe.compress.allocate.Allocation;
import dev.loupe.compress.allocate.LayerShare;
import dev.loupe.compress.calibrate.InputGram;
import dev.loupe.compress.gptq.Gptq;
import dev.loupe.compress.gptq.GptqSpec;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.obs.InverseHessian;
import dev.loupe.compress.sparsegpt.SparseGpt;
import dev.loupe.compress.sparsegpt.SparseGptSpec;
import dev.loupe.compress.prune.Mask;
import dev.loupe.compress.prune.Pruners;
import dev.loupe.compress.prune.SemiStructured;
import dev.loupe.compress.quantize.LowRankCompensation;
import dev.loupe.compress.quantize.Outliers;
import dev.loupe.compress.quantize.QuantError;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.quantize.QuantizedMatrix;
import dev.loupe.compress.quantize.RoundToNearest;
import dev.loupe.compress.result.LayerResult;
import dev.loupe.compress.write.LayerEdit;
import dev.loupe.core.LoupeException;
import dev.loupe.core.progress.Progress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One compression run over a list of layers: given the allocation ({@link Allocations}), apply the kernel to each layer. Layers are
 * decoded one at a time; the edits hold the new values of every layer (fine for models that fit in memory
 * as float arrays, which is what the writers need anyway).
 */
public final class Compressor {
    /** The edits to write and what they did. */
    public record Outcome(Allocation allocation, List<LayerEdit> edits, List<LayerResult> layers) {
    }

    private Compressor() {
    }

    /** Prunes every layer to its allocated sparsity; {@code norms} are the input-channel norms (layer name → one per input channel) Wanda scores with. */
    public static Outcome prune(List<Layer> layers, Allocation a, CompressRequest.Prune o, Map<String, double[]> norms) {
        return prune(layers, a, o, norms, Map.of());
    }

    /** As above; SparseGPT prunes each layer from its calibration XᵀX in {@code grams} (layer name → XᵀX). */
    public static Outcome prune(List<Layer> layers, Allocation a, CompressRequest.Prune o, Map<String, double[]> norms,
                                Map<String, InputGram.Gram> grams) {
        return prune(layers, a, o, norms, grams, Progress.NONE);
    }

    /** As above, reporting each layer done to {@code progress}. */
    public static Outcome prune(List<Layer> layers, Allocation a, CompressRequest.Prune o, Map<String, double[]> norms,
                                Map<String, InputGram.Gram> grams, Progress progress) {
        List<LayerEdit> edits = new ArrayList<>();
        Outcome out = prune(layers, a, o, norms, grams, progress, edits::add);
        return new Outcome(a, edits, out.layers());
    }

    /**
     * As above, handing each layer's edit to {@code sink} as soon as it is made and keeping none (the outcome's edits
     * are empty): a streamed writer then holds one layer at a time, whatever the model's size.
     */
    public static Outcome prune(List<Layer> layers, Allocation a, CompressRequest.Prune o, Map<String, double[]> norms,
                                Map<String, InputGram.Gram> grams, Progress progress, Consumer<LayerEdit> sink) {
        List<LayerResult> results = new ArrayList<>();
        progress.start("pruning " + layers.size() + " layers (" + o.method().name().toLowerCase(java.util.Locale.ROOT) + ")", layers.size());
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            LayerShare share = a.layers().get(i);
            float[] w = l.outIn();
            double[] layerNorms = norms.get(l.name());
            if (o.method() == Method.WANDA && layerNorms == null) {
                throw new LoupeException("Wanda needs input-activation norms for layer '" + l.name() + "'");
            }
            if (layerNorms != null && layerNorms.length != l.cols()) {
                throw new LoupeException("layer '" + l.name() + "' has " + l.cols() + " input channels but " + layerNorms.length + " norms");
            }
            float[] pruned;
            if (o.method() == Method.SPARSEGPT) {
                SparseGptSpec spec = o.semiStructured() ? SparseGptSpec.semiStructured(o.n(), o.m())
                        : SparseGptSpec.unstructured(share.value());
                pruned = SparseGpt.prune(w, l.rows(), l.cols(), inverseHessian(l, grams, spec.dampening(), false), spec).weights();
            } else {
                float[] scores = layerNorms == null ? Pruners.magnitudeScores(w) : Pruners.wandaScores(w, l.rows(), l.cols(), layerNorms);
                Mask mask = switch (o.method()) {
                    case MAGNITUDE -> Pruners.prune(scores, l.rows(), l.cols(), share.value(), Pruners.Scope.LAYER);
                    case WANDA -> Pruners.prune(scores, l.rows(), l.cols(), share.value(), Pruners.Scope.ROW);
                    case NM -> SemiStructured.prune(scores, l.rows(), l.cols(), o.n(), o.m());
                    case SPARSEGPT, RTN, GPTQ -> throw new IllegalArgumentException(o.method() + " is not a score pruner");
                };
                pruned = mask.apply(w);
            }
            results.add(new LayerResult(l.name(), l.node(), l.params(), share.metric(), share.value(), zeros(pruned),
                    8.0 * l.tensor().dtype().elementBytes(), relative(w, pruned)));
            sink.accept(new LayerEdit.Dense(l, pruned));
            progress.advance(1);
        }
        progress.done();
        return new Outcome(a, List.of(), results);
    }

    /** Quantizes every layer at its allocated bits. */
    public static Outcome quantize(List<Layer> layers, Allocation a, QuantOptions o) {
        return quantize(layers, a, o, Map.of());
    }

    /** As above; with {@code o.gptq()} each layer is quantized by GPTQ from its calibration XᵀX in {@code grams}. */
    public static Outcome quantize(List<Layer> layers, Allocation a, QuantOptions o, Map<String, InputGram.Gram> grams) {
        return quantize(layers, a, o, grams, Progress.NONE);
    }

    /** As above, reporting each layer done to {@code progress}. */
    public static Outcome quantize(List<Layer> layers, Allocation a, QuantOptions o, Map<String, InputGram.Gram> grams,
                                   Progress progress) {
        List<LayerEdit> edits = new ArrayList<>();
        Outcome out = quantize(layers, a, o, grams, progress, edits::add);
        return new Outcome(a, edits, out.layers());
    }

    /** As above, handing each layer's edit to {@code sink} as soon as it is made and keeping none (see {@link #prune}). */
    public static Outcome quantize(List<Layer> layers, Allocation a, QuantOptions o, Map<String, InputGram.Gram> grams,
                                   Progress progress, Consumer<LayerEdit> sink) {
        List<LayerResult> results = new ArrayList<>();
        progress.start("quantizing " + layers.size() + " layers" + (o.gptq() != null ? " (gptq)" : ""), layers.size());
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            LayerShare share = a.layers().get(i);
            float[] w = l.outIn();
            QuantSpec spec = spec(o, (int) share.value());
            QuantizedMatrix q = o.gptq() == null ? quantize(w, l, spec, o.outliers())
                    : Gptq.quantize(w, l.rows(), l.cols(), inverseHessian(l, grams, o.gptq().dampening(), o.gptq().actOrder()),
                    new GptqSpec(spec, o.gptq().actOrder(), o.gptq().blockSize(), o.gptq().dampening())).matrix();
            LowRankCompensation.Factors f = o.lowRank() > 0
                    ? LowRankCompensation.of(w, q.dequantize(), l.rows(), l.cols(), Math.min(o.lowRank(), Math.min(l.rows(), l.cols())))
                    : null;
            LayerEdit.Quantized e = new LayerEdit.Quantized(l, q, f);
            float[] d = e.reconstructed();
            results.add(new LayerResult(l.name(), l.node(), l.params(), share.metric(), share.value(), zeros(d), share.value(),
                    relative(w, d)));
            sink.accept(e);
            progress.advance(1);
        }
        progress.done();
        return new Outcome(a, List.of(), results);
    }

    /**
     * The inverse-Hessian factor of a layer from its calibration XᵀX. What a singular XᵀX means decides what is done:
     * fewer calibration rows than inputs leave it singular in directions the data never visited, where the OBS update
     * fits noise: refused. Inputs that are 0 on every calibration row ("dead": a border pixel, a never-firing unit)
     * are handled as the references do, their weights set to 0 (they contribute nothing on such data), and collinear
     * inputs by the 1 % dampening. A layer whose inputs are all dead would be zeroed whole: refused.
     */
    private static InverseHessian inverseHessian(Layer l, Map<String, InputGram.Gram> grams, double dampening, boolean actOrder) {
        InputGram.Gram g = gram(l, grams);
        int n = l.cols();
        boolean alive = false;
        for (int c = 0; c < n && !alive; c++) {
            alive = g.xtx()[c * n + c] != 0;
        }
        if (!alive) {
            throw new LoupeException("layer '" + l.name() + "': all " + n + " of its inputs are 0 on every calibration row"
                    + " (XᵀX = 0), so GPTQ/SparseGPT would zero it; calibrate with data that reaches it");
        }
        try {
            return InverseHessian.of(g.xtx(), l.cols(), dampening, actOrder);
        } catch (LoupeException e) {
            throw new LoupeException("layer '" + l.name() + "': " + e.getMessage());
        }
    }

    /** The layer's XᵀX, refused when it has fewer calibration rows than inputs (see {@link #inverseHessian}). */
    static InputGram.Gram gram(Layer l, Map<String, InputGram.Gram> grams) {
        InputGram.Gram g = grams.get(l.name());
        if (g == null || g.n() != l.cols()) {
            throw new IllegalArgumentException("no XᵀX of " + l.cols() + " inputs for layer '" + l.name() + "'");
        }
        if (g.rows() < l.cols()) {
            throw new LoupeException("layer '" + l.name() + "': " + g.rows() + " calibration rows for its " + l.cols()
                    + " inputs are too few to estimate XᵀX; give more calibration data (--calibration-samples)");
        }
        return g;
    }

    static QuantSpec spec(QuantOptions o, int bits) {
        return new QuantSpec(bits, o.symmetric(), o.groupSize(), o.ggmlGrid());
    }

    static QuantizedMatrix quantize(float[] w, Layer l, QuantSpec spec, double outliers) {
        return outliers > 0 ? Outliers.quantize(w, l.rows(), l.cols(), spec, outliers)
                : RoundToNearest.quantize(w, l.rows(), l.cols(), spec);
    }

    private static double zeros(float[] w) {
        long z = 0;
        for (float v : w) {
            if (v == 0) {
                z++;
            }
        }
        return w.length == 0 ? 0 : (double) z / w.length;
    }

    private static double relative(float[] w, float[] approx) {
        double norm = QuantError.squared(w, new float[w.length]);
        return norm == 0 ? 0 : Math.sqrt(QuantError.squared(w, approx) / norm);
    }
}
