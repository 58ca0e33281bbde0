package dev.loupe.cli;

import dev.loupe.lm.perplexity.Convention;
import dev.loupe.lm.perplexity.EvalRequest;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code eval}'s options for decoder language models (perplexity), and how a MODEL is recognized as one. */
public final class LmEvalOptions {
    @Option(names = "--context", paramLabel = "N", description = "Decoder LMs: tokens per window (default: 512 or the model's "
            + "position table if shorter). With --llama-cpp: n_ctx, the chunk length.")
    Integer context;

    @Option(names = "--stride", paramLabel = "S", description = "Decoder LMs: tokens between window starts in the Hugging Face "
            + "sliding-window convention (default: context/2); each window scores only the tokens after the previous one.")
    Integer stride;

    @Option(names = "--llama-cpp", description = "Decoder LMs: llama.cpp's perplexity convention instead: non-overlapping "
            + "chunks of --context tokens, the first token of each replaced by BOS when the tokenizer adds one, the second "
            + "half of each chunk scored.")
    boolean llamaCpp;

    /** Whether any decoder-LM option was given: the model must then be a decoder LM. */
    boolean given() {
        return context != null || stride != null || llamaCpp;
    }

    EvalRequest request(Path text) {
        if (llamaCpp && stride != null) {
            throw new dev.loupe.core.LoupeException("--stride has no meaning with --llama-cpp (its chunks do not overlap)");
        }
        return new EvalRequest(text, llamaCpp ? Convention.LLAMA_CPP : Convention.SLIDING_WINDOW, context, stride);
    }
}
