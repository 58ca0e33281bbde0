#!/usr/bin/env bash
# The comparison table of issue 6 on the Fashion-MNIST reference models: pruning (uniform vs alpha allocation,
# magnitude) at 30/50/70 % and RTN at 8/4/3 bits (uniform vs knapsack-allocated), accuracy and mean cross-entropy
# on the 2,000-image test subset. Usage: compare-refmodels.sh MODELS_DIR DATA_DIR [EVAL_CMD]
#   MODELS_DIR holds mlp.onnx and cnn.onnx (fixtures/models), DATA_DIR the two fashion-mnist-test-2000 IDX files.
#   EVAL_CMD defaults to "./loupe eval" (loupe-runtime).
set -euo pipefail
models=$1; data=$2; eval_cmd=${3:-./loupe eval}
loupe=${LOUPE:-./loupe}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
D=(--data "$data/fashion-mnist-test-2000-images-idx3-ubyte.gz" --labels "$data/fashion-mnist-test-2000-labels-idx1-ubyte.gz")
score() { $eval_cmd "$1" "${D[@]}" --json | python3 -c 'import json,sys; j=json.load(sys.stdin); print("%.4f | %.4f" % (j["accuracy"], j["meanCrossEntropy"]))'; }
echo "| model | compression | allocation | accuracy | cross-entropy |"
echo "|---|---|---|---|---|"
for m in mlp cnn; do
  head=$([ $m = mlp ] && echo fc3 || echo fc2) # the 10-way output layer
  echo "| $m | none | - | $(score "$models/$m.onnx") |"
  for s in 0.3 0.5 0.7; do
    for a in uniform alpha; do
      $loupe compress "$models/$m.onnx" --sparsity $s --allocate $a --method magnitude --out "$tmp/p.onnx" >/dev/null
      echo "| $m | magnitude $s | $a | $(score "$tmp/p.onnx") |"
    done
    # AlphaPruning leaves an LLM's head dense; the same here: the output layer is skipped
    for a in uniform alpha; do
      $loupe compress "$models/$m.onnx" --sparsity $s --allocate $a --skip "/$head/" --method magnitude --out "$tmp/p.onnx" >/dev/null
      echo "| $m | magnitude $s, $head dense | $a | $(score "$tmp/p.onnx") |"
    done
  done
  for b in 8 4 3; do
    for a in uniform knapsack; do
      $loupe compress "$models/$m.onnx" --bits $b --allocate $a --out "$tmp/q.onnx" >/dev/null
      echo "| $m | RTN $b bits per channel | $a | $(score "$tmp/q.onnx") |"
    done
  done
done
