#!/bin/bash
# GGUF rows of the honest table: llama.cpp's Q4_K_M (without and with an importance matrix from the calibration text,
# and by GPTQ on each tensor's fixed grid: --method gptq) against Loupe's allocated mixture at the same bytes
# (--allocate knapsack, rounded by ggml's quantizer or by GPTQ), each file measured by stock llama.cpp's
# perplexity (node-llama-cpp 3.21.1, peers/llama-cpp) and by Loupe's own evaluation of the same file (n_ctx 128,
# llama.cpp's convention, fixtures/lm/heldout.txt). Run from the repository root; NLC_DIR as peers/llama-cpp/README.md.
#   bash loupe-compress/scripts/compare-gguf.sh [OUT_DIR]
# With "gptq" as second argument: GPTQ stored exactly as Q4_0/Q5_0 (compress --method gptq --out x.gguf) against ggml's
# own round-to-nearest Q4_0/Q5_0 of the same model (loupe convert --type, the bytes of llama-quantize), on the
# Hugging Face fixtures, the same two perplexities per file.
#   bash loupe-compress/scripts/compare-gguf.sh /tmp/loupe-gguf-gptq gptq
set -euo pipefail
out="${1:-/tmp/loupe-gguf-compare}"
mkdir -p "$out"
nlc="${NLC_DIR:-/tmp/lmfix-nlc}"
calib=fixtures/lm/calibration.txt
row() {  # name model ids file
    local tag="$1" ids="$3" f="$4"
    NLC_DIR="$nlc" node peers/llama-cpp/llama_perplexity.mjs --gguf "$f" --text fixtures/lm/heldout.txt --ids "$ids" --ctx 128 \
        --threads 2 --repeat 1 --out "$out/$tag.json" >/dev/null 2>&1
    local cpp loupe
    cpp=$(/usr/bin/python3 -c "import json,sys; print('%.4f' % json.load(open(sys.argv[1]))['perplexity'])" "$out/$tag.json")
    loupe=$(./loupe eval "$f" --text fixtures/lm/heldout.txt --llama-cpp --context 128 --json 2>/dev/null \
        | /usr/bin/python3 -c "import json,sys; print('%.4f' % json.load(sys.stdin)['perplexity'])")
    printf '| %s | %s | %d | %s | %s |\n' "$2" "${tag#*-}" "$(stat -c %s "$f")" "$cpp" "$loupe"
}
echo "| model | file | bytes | llama.cpp ppl | Loupe ppl |"
echo "|---|---|---|---|---|"
if [ "${2:-}" = gptq ]; then
    for m in llama qwen2 gpt2; do
        for b in 4 5; do
            t=$([ $b = 4 ] && echo Q4_0 || echo Q5_0)
            ./loupe convert fixtures/lm/$m --out "$out/$m-$t.gguf" --type $t --quiet >/dev/null
            ./loupe compress fixtures/lm/$m --out "$out/$m-gptq-$t.gguf" --method gptq --bits $b --calibration "$calib" --quiet >/dev/null
            row "$m-$t" "$m" "fixtures/lm/manifest.json:$m" "$out/$m-$t.gguf"
            row "$m-gptq-$t" "$m" "fixtures/lm/manifest.json:$m" "$out/$m-gptq-$t.gguf"
        done
    done
    exit 0
fi
for m in ${MODELS:-llama llama256 qwen2 gpt2}; do
    if [ "$m" = llama256 ]; then src=fixtures/lm/gguf/llama256-q8_0.gguf; ids=fixtures/lm/llama256-manifest.json:llama256
    else src=fixtures/lm/$m; ids=fixtures/lm/manifest.json:$m; fi
    ./loupe convert "$src" --out "$out/$m-Q8_0.gguf" --type Q8_0 --quiet >/dev/null
    ./loupe convert "$src" --out "$out/$m-Q4_K_M.gguf" --type Q4_K_M --quiet >/dev/null
    ./loupe compress "$src" --out "$out/$m-Q4_K_M+imatrix.gguf" --calibration "$calib" >/dev/null
    ./loupe compress "$src" --out "$out/$m-Q4_K_M+gptq.gguf" --calibration "$calib" --method gptq >/dev/null
    ./loupe compress "$src" --out "$out/$m-knapsack+imatrix.gguf" --calibration "$calib" --allocate knapsack > "$out/$m-knapsack.txt"
    ./loupe compress "$src" --out "$out/$m-knapsack+gptq.gguf" --calibration "$calib" --allocate knapsack --method gptq \
        > "$out/$m-knapsack-gptq.txt"
    for k in Q8_0 Q4_K_M Q4_K_M+imatrix Q4_K_M+gptq knapsack+imatrix knapsack+gptq; do
        row "$m-$k" "$m" "$ids" "$out/$m-$k.gguf"
    done
done
