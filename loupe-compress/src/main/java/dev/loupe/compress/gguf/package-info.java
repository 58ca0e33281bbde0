/**
 * GGUF output that llama.cpp runs: ggml's quantizers ported byte for byte ({@code GgmlQuantizer}, {@code KQuants},
 * {@code GgmlFit}; importance-weighted like llama.cpp's imatrix), llama.cpp's Q4_K_M/Q5_K_M mixture rules
 * ({@code LlamaQuantRules}), Loupe's own per-tensor types under the same byte budget ({@code GgufAllocator}), and the
 * writers: Hugging Face folder to GGUF ({@code HfToGguf}, {@code HfVocab}), GGUF re-quantized ({@code GgufRequantizer}),
 * and {@code compress --out x.gguf} ({@code GgufCompressor}). Its quantize benchmark lives in loupe-bench.
 */
package dev.loupe.compress.gguf;
