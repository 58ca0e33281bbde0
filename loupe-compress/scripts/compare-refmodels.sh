#!/usr/bin/env bash
# The comparison table of issue 6 on the Fashion-MNIST reference models (fixtures/models) and MiniLM:
# pruning (uniform vs alpha allocation x magnitude vs Wanda) at 30/50/70 % and RTN at 8/4/3 bits (uniform vs
# knapsack-allocated). Each row is one `loupe compress ... --eval` run. Run from the repository root:
#   loupe-compress/scripts/compare-refmodels.sh            # reference MLP and CNN (accuracy, cross-entropy)
#   loupe-compress/scripts/compare-refmodels.sh minilm     # all-MiniLM-L6-v2 (mean cosine on fixtures/text)
set -euo pipefail
loupe=${LOUPE:-./loupe}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
field() { python3 -c 'import json,sys; e=json.load(sys.stdin)["eval"]; print("%.4f | %.4f" % (e["accuracyAfter"], e["lossAfter"]) if e["kind"] == "classifier" else "%.4f" % e["meanCosine"])'; }
base() { python3 -c 'import json,sys; e=json.load(sys.stdin)["eval"]; print("%.4f | %.4f" % (e["accuracyBefore"], e["lossBefore"]))'; }
if [ "${1:-}" = minilm ]; then
  models=("$($loupe compress --help >/dev/null; ls ~/.cache/loupe/all-minilm-l6-v2.onnx)")
  E=(--text fixtures/text/fortunes-min.txt); out=onnx; skips=(""); echo "| model | compression | allocation | mean cosine |"; echo "|---|---|---|---|"
else
  models=(fixtures/models/mlp.onnx fixtures/models/cnn.onnx)
  E=(--data fixtures/data/fashion-mnist-test-2000-images-idx3-ubyte.gz --labels fixtures/data/fashion-mnist-test-2000-labels-idx1-ubyte.gz)
  echo "| model | compression | allocation | accuracy | cross-entropy |"; echo "|---|---|---|---|---|"
fi
for m in "${models[@]}"; do
  name=$(basename "$m" .onnx)
  [ "${1:-}" != minilm ] && echo "| $name | none | - | $($loupe compress "$m" --bits 8 --eval "${E[@]}" --out "$tmp/x.onnx" --json | base) |"
  for s in 0.3 0.5 0.7; do
    for meth in magnitude wanda; do
      for a in uniform alpha owl; do
        echo "| $name | $meth $s | $a | $($loupe compress "$m" --sparsity $s --allocate $a --method $meth --eval "${E[@]}" --out "$tmp/p.onnx" --json | field) |"
      done
    done
  done
  for b in 8 4 3; do
    for a in uniform knapsack; do
      echo "| $name | RTN $b bits per channel | $a | $($loupe compress "$m" --bits $b --allocate $a --eval "${E[@]}" --out "$tmp/q.onnx" --json | field) |"
    done
  done
done
