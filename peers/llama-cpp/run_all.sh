#!/bin/bash
# Re-creates fixtures/lm/llama-cpp/*.json: llama.cpp's perplexity (its own convention) on every fixture GGUF, at the
# n_ctx values the manifest's perplexity_llama_cpp uses, on the held-out ids stored in fixtures/lm/manifest.json
# (each result also says whether llama.cpp's own tokenizer gives the same ids). Run from anywhere; 1-4 minutes per file
# on the shared 2-core machine (REPEAT=N throughput passes each, default 1; MODELS="llama qwen2" picks models).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out=fixtures/lm/llama-cpp
mkdir -p "$out"
for model in ${MODELS:-llama qwen2 gpt2}; do
  for type in f32 q8_0; do
    for ctx in 128 64; do
      node peers/llama-cpp/llama_perplexity.mjs --gguf "fixtures/lm/gguf/$model-$type.gguf" \
        --text fixtures/lm/heldout.txt --ids "fixtures/lm/manifest.json:$model" --ctx "$ctx" --threads 2 --repeat "${REPEAT:-1}" \
        --out "$out/$model-$type-ctx$ctx.json"
      grep -h '"perplexity"' "$out/$model-$type-ctx$ctx.json" | sed "s|^|$model-$type-ctx$ctx |"
    done
  done
done
