/**
 * SentencePiece vocabularies ({@code tokenizer.model}): the model protobuf read as data (pieces, scores, types) with
 * the project's protobuf reader, for writing llama.cpp's {@code tokenizer.ggml.*} keys.
 */
package dev.loupe.core.format.sentencepiece;
