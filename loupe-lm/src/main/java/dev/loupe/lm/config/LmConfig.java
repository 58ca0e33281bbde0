package dev.loupe.lm.config;

import dev.loupe.core.LoupeException;

import java.nio.file.Path;

/**
 * A decoder LM's hyper-parameters, whatever file they came from. {@code ropeScaling} is null without scaling;
 * {@code ropeFreqFactors} (GGUF {@code rope_freqs.weight}, llama.cpp's precomputed llama3 scaling) likewise.
 *
 * @param bosId         beginning-of-sequence id, or -1 when the tokenizer has none
 * @param slidingWindow sliding-window attention, or null for full causal attention in every layer
 */
public record LmConfig(Architecture architecture, int vocabSize, int hiddenSize, int layers, int heads, int kvHeads,
                       int headDim, int intermediateSize, int maxPositions, double normEps, double ropeTheta,
                       RopeScaling ropeScaling, RopeStyle ropeStyle, boolean tiedEmbeddings, int bosId,
                       SlidingWindow slidingWindow) {
    /** More layers than any published decoder by an order of magnitude: a corrupt or hostile config. */
    public static final int MAX_LAYERS = 1024;
    /** Larger widths or vocabularies than this are not a model but a typo or an attack on memory. */
    public static final int MAX_DIM = 1 << 20;
    public static final int MAX_VOCAB = 1 << 22;

    /** Checks the numbers against each other; {@code file} and the field names are the source's. */
    public LmConfig validated(Path file, FieldNames f) {
        range(file, f.layers(), layers, 1, MAX_LAYERS);
        range(file, f.hidden(), hiddenSize, 1, MAX_DIM);
        range(file, f.heads(), heads, 1, hiddenSize);
        range(file, f.kvHeads(), kvHeads, 1, heads);
        range(file, f.vocab(), vocabSize, 1, MAX_VOCAB);
        range(file, f.intermediate(), intermediateSize, 1, MAX_DIM);
        range(file, f.maxPositions(), maxPositions, 1, 1 << 24);
        if (heads % kvHeads != 0) {
            throw new LoupeException(file, f.heads() + " = " + heads + " is not a multiple of " + f.kvHeads() + " = " + kvHeads);
        }
        if (headDim < 1 || (ropeStyle != RopeStyle.NONE && headDim % 2 != 0)) {
            throw new LoupeException(file, "head dimension " + headDim + " (" + f.hidden() + " / " + f.heads() + ") must be a positive even number");
        }
        if (!(normEps > 0 && normEps < 1)) {
            throw new LoupeException(file, "norm epsilon " + normEps + " is not in (0, 1)");
        }
        if (ropeStyle != RopeStyle.NONE && !(ropeTheta > 1)) {
            throw new LoupeException(file, "rope_theta " + ropeTheta + " must be > 1");
        }
        return this;
    }

    /** The attention window of layer {@code layer}, or 0 for full causal attention. */
    public int window(int layer) {
        return slidingWindow == null ? 0 : slidingWindow.at(layer);
    }

    /** Width of the query projection's output (heads × head dimension; not always the hidden size). */
    public int queryWidth() {
        return heads * headDim;
    }

    public int kvWidth() {
        return kvHeads * headDim;
    }

    /** The names the source uses for each checked field, so errors name the field the user sees. */
    public record FieldNames(String layers, String hidden, String heads, String kvHeads, String vocab, String intermediate,
                             String maxPositions) {
    }

    private static void range(Path file, String field, long v, long lo, long hi) {
        if (v < lo || v > hi) {
            throw new LoupeException(file, "field \"" + field + "\" = " + v + " is outside " + lo + ".." + hi);
        }
    }
}
