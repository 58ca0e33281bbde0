package dev.loupe.lm.perplexity;

/**
 * Perplexity = exp(mean NLL) over the scored tokens, natural log. {@code context}/{@code stride} are the window
 * length and step (stride = context for llama.cpp's chunks).
 */
public record PerplexityResult(String model, String text, String convention, int context, int stride, int textTokens,
                               int windows, long tokensScored, double meanNll, double perplexity, double seconds,
                               double tokensPerSecond) {
}
