/**
 * Sentence embeddings with BERT-style ONNX encoders: which tokenizer, pooling (mean or [CLS]) and maximum length a
 * model takes ({@code EncoderConfig}, from the option, the model's sentence-transformers files or its name), the
 * WordPiece tokenizer driven by its Hugging Face tokenizer.json, the input feed ({@code TextFeed}), sentence files
 * ({@code Sentences}) and pooled, L2-normalized embeddings with their run statistics ({@code SentenceEmbedder}).
 */
package dev.loupe.runtime.text;
