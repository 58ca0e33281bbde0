#!/usr/bin/env bash
# The second-order rows of the honest table (issue 14): RTN vs GPTQ at 4 and 3 bits, magnitude vs Wanda vs
# SparseGPT at 50/60/70 % and 2:4. Every row is one `loupe compress ... --eval` run; every calibrated method
# (Wanda, SparseGPT, GPTQ) sees the same first N examples. Run from the repository root:
#   loupe-compress/scripts/compare-second-order.sh           # reference MLP and CNN, N = 1600 of the 2000 test images
#   loupe-compress/scripts/compare-second-order.sh minilm    # all-MiniLM-L6-v2, N = 512 of the 821 fortunes
#                                                              (groups of 128, 50 % and 2:4 only: each run is minutes)
#   loupe-compress/scripts/compare-second-order.sh lm        # the fixture LMs (llama, qwen2, gpt2): perplexity on
#                                                              fixtures/lm/heldout.txt, calibration fixtures/lm/calibration.txt
#                                                              (up to 128 windows), groups of 128, 50 % and 2:4
set -euo pipefail
loupe=${LOUPE:-./loupe}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
field() { python3 -c 'import json,sys,math; e=json.load(sys.stdin)["eval"]; k=e["kind"]; print("%.4f | %.4f" % (e["accuracyAfter"], e["lossAfter"]) if k == "classifier" else "%.4f" % math.exp(e["lossAfter"]) if k == "language_model" else "%.4f" % e["meanCosine"])'; }
if [ "${1:-}" = minilm ]; then
  models=("$($loupe compress --help >/dev/null; ls ~/.cache/loupe/all-minilm-l6-v2.onnx)")
  E=(--text fixtures/text/fortunes-min.txt --calibration-samples 512); groups=("128"); orders=(""); sparsities=(0.5)
  echo "| model | compression | mean cosine |"; echo "|---|---|---|"
elif [ "${1:-}" = lm ]; then
  models=(fixtures/lm/llama fixtures/lm/qwen2 fixtures/lm/gpt2)
  E=(--calibration fixtures/lm/calibration.txt --text fixtures/lm/heldout.txt); groups=("128"); orders=(""); sparsities=(0.5)
  echo "| model | compression | perplexity |"; echo "|---|---|---|"
else
  models=(fixtures/models/mlp.onnx fixtures/models/cnn.onnx)
  E=(--data fixtures/data/fashion-mnist-test-2000-images-idx3-ubyte.gz --labels fixtures/data/fashion-mnist-test-2000-labels-idx1-ubyte.gz
     --calibration-samples 1600); groups=("0"); orders=("" "--act-order"); sparsities=(0.5 0.6 0.7)
  echo "| model | compression | accuracy | cross-entropy |"; echo "|---|---|---|---|"
fi
run() { $loupe compress "$m" "$@" --eval "${E[@]}" --out "$tmp/x.$ext" --json 2>/dev/null | field; }
for m in "${models[@]}"; do
  name=$(basename "$m" .onnx)
  ext=$([ "${1:-}" = lm ] && echo safetensors || echo onnx)
  [ "${1:-}" = lm ] && echo "| $name | (none) | $($loupe compress "$m" --sparsity 0 --eval "${E[@]}" --out "$tmp/x.$ext" --json 2>/dev/null | python3 -c 'import json,sys,math; print("%.4f" % math.exp(json.load(sys.stdin)["eval"]["lossBefore"]))') |"
  for b in 4 3; do
    for g in "${groups[@]}"; do
      label=$([ "$g" = 0 ] && echo "per channel" || echo "g$g")
      echo "| $name | RTN $b bits $label | $(run --bits $b --group $g) |"
      for o in "${orders[@]}"; do
        echo "| $name | GPTQ $b bits $label${o:+ act-order} | $(run --bits $b --group $g --method gptq $o) |"
      done
    done
  done
  for s in "${sparsities[@]}"; do
    for meth in magnitude wanda sparsegpt; do
      echo "| $name | $meth $s | $(run --sparsity $s --method $meth) |"
    done
  done
  echo "| $name | 2:4 magnitude | $(run --sparsity 0.5 --method nm --nm 2:4) |"
  echo "| $name | 2:4 sparsegpt | $(run --sparsity 0.5 --method sparsegpt --nm 2:4) |"
done
