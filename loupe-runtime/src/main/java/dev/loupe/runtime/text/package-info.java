/**
 * Sentence embeddings with BERT-style ONNX encoders (all-MiniLM-L6-v2): a WordPiece tokenizer driven by the
 * model's Hugging Face tokenizer.json, and mean pooling + L2 normalization as the model card prescribes.
 */
package dev.loupe.runtime.text;
