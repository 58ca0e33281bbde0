/** Perplexity of a decoder LM on a text, under the Hugging Face sliding-window or llama.cpp chunk convention. */
package dev.loupe.lm.perplexity;
