#!/usr/bin/env bash
# Issue 14 item 3's honest rows: uniform bits (and magnitude sparsity) against HAWQ-V2 (--allocate hessian: per-layer Hessian traces from
# loupe-landscape, Ω = Tr(H)/n·‖Q(W) − W‖², knapsack) at the same mean bits, RTN per channel, on the Fashion-MNIST
# reference MLP and CNN; accuracy and cross-entropy on the 2,000 test images of fixtures/data. The traces are taken
# over the first $N of those images (default 256, with their labels), up to 100 Hutchinson vectors per layer.
# Run from the repository root: loupe-compress/scripts/compare-hawq.sh [N]
#   loupe-compress/scripts/compare-hawq.sh minilm [BITS...]   all-MiniLM-L6-v2 by mean embedding cosine over the 821
#     fortunes: uniform vs HAWQ-V2 from exact traces of the self-distillation loss (the defaults: 16 sentences, 8 vectors
#     per tensor) vs the XᵀX proxy (--trace-samples 0, 128 sentences); wall and user+sys CPU seconds per row on stderr
set -euo pipefail
loupe=${LOUPE:-./loupe}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if [ "${1:-}" = minilm ]; then
  shift
  m=$($loupe compress --help >/dev/null; ls ~/.cache/loupe/all-minilm-l6-v2.onnx)
  row() { python3 -c 'import json,sys; r=json.load(sys.stdin); print("%s | %.4f | %d | %.6f" % (" ".join("%d" % l["target"] for l in r["layers"]), r["achieved"], r["bytesAfter"], r["eval"]["meanCosine"]))'; }
  echo "| mean bits | allocation | bits per layer | achieved | file bytes | mean cosine |"
  echo "|---|---|---|---|---|---|"
  for b in "${@:-4}"; do
    for a in uniform hessian proxy; do
      extra=(--allocate "$a"); [ "$a" = proxy ] && extra=(--allocate hessian --trace-samples 0)
      r=$(/usr/bin/time -f "%e %U %S" -o "$tmp/t" $loupe compress "$m" --bits "$b" "${extra[@]}" --eval --text fixtures/text/fortunes-min.txt \
        --out "$tmp/q.onnx" --json --quiet | row)
      echo "| $b | $a | $r |"; echo "$b $a: wall user sys $(cat "$tmp/t")" >&2
    done
  done
  exit 0
fi
n=${1:-256}
E=(--data fixtures/data/fashion-mnist-test-2000-images-idx3-ubyte.gz --labels fixtures/data/fashion-mnist-test-2000-labels-idx1-ubyte.gz)
row() { python3 -c 'import json,sys; r=json.load(sys.stdin); e=r["eval"]; print("%s | %.4f | %d | %.4f | %.4f" % (" ".join("%d" % l["target"] for l in r["layers"]), r["achieved"], r["bytesAfter"], e["accuracyAfter"], e["lossAfter"]))'; }
echo "| model | mean bits | allocation | bits per layer | achieved | file bytes | accuracy | cross-entropy |"
echo "|---|---|---|---|---|---|---|---|"
for m in fixtures/models/mlp.onnx fixtures/models/cnn.onnx; do
  name=$(basename "$m" .onnx)
  for b in 4 3; do
    for a in uniform knapsack hessian; do
      extra=(); [ "$a" = hessian ] && extra=(--calibration-samples "$n" --trace-samples 100)
      echo "| $name | $b | $a | $($loupe compress "$m" --bits $b --allocate $a "${extra[@]}" --eval "${E[@]}" --out "$tmp/q.onnx" --json --quiet | row) |"
    done
  done
done
echo
echo "| model | sparsity | allocation | sparsity per layer | achieved | accuracy | cross-entropy |"
echo "|---|---|---|---|---|---|---|"
prow() { python3 -c 'import json,sys; r=json.load(sys.stdin); e=r["eval"]; print("%s | %.4f | %.4f | %.4f" % (" ".join("%.2f" % l["target"] for l in r["layers"]), r["achieved"], e["accuracyAfter"], e["lossAfter"]))'; }
for m in fixtures/models/mlp.onnx fixtures/models/cnn.onnx; do
  name=$(basename "$m" .onnx)
  for s in 0.5 0.7; do
    for a in uniform hessian; do
      extra=(); [ "$a" = hessian ] && extra=(--calibration-samples "$n" --trace-samples 100)
      echo "| $name | $s | $a | $($loupe compress "$m" --sparsity $s --allocate $a "${extra[@]}" --eval "${E[@]}" --out "$tmp/p.onnx" --json --quiet | prow) |"
    done
  done
done
