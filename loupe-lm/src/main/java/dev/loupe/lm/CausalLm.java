package dev.loupe.lm;

import dev.loupe.lm.forward.LinearObserver;
import dev.loupe.lm.onnx.OnnxDecoder;

import java.nio.file.Path;

/**
 * A causal decoder LM as the perplexity scorer sees it: a tokenizer, a vocabulary, and next-token logits for a window
 * of ids at positions 0..T-1. {@link LanguageModel} runs it in Java (Hugging Face folders, GGUF); {@link OnnxDecoder}
 * in ONNX Runtime. One scorer ({@code perplexity.Perplexity}) serves both, so both follow the same conventions.
 */
public interface CausalLm extends AutoCloseable {
    /** The file or folder the model came from: what results and error lines name. */
    Path source();

    /** Rows of the logits (the output vocabulary). */
    int vocabSize();

    /** Beginning-of-sequence id, or -1 when there is none (llama.cpp's convention puts it at each chunk's start). */
    int bosId();

    /** The longest window the model's position table allows; {@link Integer#MAX_VALUE} when the model does not say. */
    int maxPositions();

    /** Token ids of {@code text} with the tokenizer's special tokens (BOS where it adds one). */
    int[] tokenize(String text);

    /**
     * Runs one window of {@code ids}; {@code observer} sees every linear layer's input where the model can show them
     * (the Java forward pass; an ONNX graph refuses any observer but {@link LinearObserver#NONE}).
     */
    WindowLogits window(int[] ids, LinearObserver observer);

    @Override
    void close();

    /** The logits of one window, read a few rows at a time so a large vocabulary never needs a [T, V] array. */
    @FunctionalInterface
    interface WindowLogits {
        /** Logits [rows, vocab] of window positions {@code row0 .. row0+rows} into {@code out}. */
        void rows(int row0, int rows, float[] out);
    }

    /**
     * Opens {@code path}: an ONNX decoder ({@code .onnx}, or a folder holding one and no Hugging Face weights, as
     * Optimum exports it; tokenizer.json beside it) or what {@link LanguageModel#open} takes (a Hugging Face folder,
     * its config.json, a .gguf).
     */
    static CausalLm open(Path path) {
        Path onnx = OnnxDecoder.isOnnx(path) ? path : OnnxDecoder.exportIn(path);
        return onnx != null ? OnnxDecoder.open(onnx, null) : LanguageModel.open(path);
    }
}
