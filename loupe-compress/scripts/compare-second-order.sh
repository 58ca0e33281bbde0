#!/usr/bin/env bash
# The second-order rows of the honest table (issue 14): RTN vs GPTQ at 4 and 3 bits, magnitude vs Wanda vs
# SparseGPT at 50/60/70 % and 2:4. Every row is one `loupe compress ... --eval` run (or the mean of several).
# Run from the repository root:
#   loupe-compress/scripts/compare-second-order.sh           # reference MLP and CNN (see the protocol below)
#   (MODELS="fixtures/models/mlp.onnx" CHUNKS=3 ... picks the classifiers and calibration sets)
#   loupe-compress/scripts/compare-second-order.sh fit       # the MLP and CNN at 50 %: magnitude, Wanda, SparseGPT evaluated
#                                                              on the 10,000 training images the models were trained on
#   loupe-compress/scripts/compare-second-order.sh fidelity  # the same rows on the 10,000 test images against the dense
#                                                              model's own top-1 class (accuracy = agreement with the dense
#                                                              model), computed by Debian's /usr/bin/python3 (torch) from
#                                                              fixtures/models/*.pt
#   loupe-compress/scripts/compare-second-order.sh layers    # per-layer attribution at 50 %: magnitude, Wanda, SparseGPT
#                                                              pruning one layer only (the others left dense by --skip),
#                                                              on the test images, calibrated as the default mode
#   loupe-compress/scripts/compare-second-order.sh minilm    # all-MiniLM-L6-v2, N = 512 of the 821 fortunes
#                                                              (groups of 128, 50 % and 2:4 only: each run is minutes)
#   loupe-compress/scripts/compare-second-order.sh lm        # the fixture LMs (llama, qwen2, gpt2): perplexity on
#                                                              fixtures/lm/heldout.txt, calibration fixtures/lm/calibration.txt
#                                                              (up to 128 windows), groups of 128, 50 % and 2:4
#
# Classifier protocol (fixed before any of its numbers were seen): the models were trained on the first 10,000
# Fashion-MNIST training images (fixtures/make_reference_models.py); calibration (Wanda's norms, GPTQ's and SparseGPT's
# XᵀX; images only, never labels) takes 2,048 training images the models never saw, from CHUNKS (default 5) disjoint
# sets: training images 10,000 + 2,048·k .. 10,000 + 2,048·(k+1) − 1, k = 0..CHUNKS−1 (`--calibration-data`); every
# model is evaluated on the full 10,000-image test set. Calibrated rows give mean ± sample standard deviation over the
# CHUNKS calibration sets; RTN and magnitude read no calibration and are one run. GPTQ and SparseGPT calibrate layer by
# layer through the layers already compressed (the default; `--one-shot` rows for SparseGPT show the difference).
# Needs Debian's dataset-fashion-mnist (apt install dataset-fashion-mnist) for the training and 10,000 test images.
set -euo pipefail
loupe=${LOUPE:-./loupe}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
field() { python3 -c 'import json,sys,math; e=json.load(sys.stdin)["eval"]; k=e["kind"]; print("%.4f | %.4f" % (e["accuracyAfter"], e["lossAfter"]) if k == "classifier" else "%.4f" % math.exp(e["lossAfter"]) if k == "language_model" else "%.4f" % e["meanCosine"])'; }
FM=/usr/share/datasets/fashion-mnist
if [ "${1:-}" = minilm ]; then
  models=("$($loupe compress --help >/dev/null; ls ~/.cache/loupe/all-minilm-l6-v2.onnx)")
  E=(--text fixtures/text/fortunes-min.txt --calibration-samples 512); groups=("128"); orders=(""); sparsities=(0.5)
  echo "| model | compression | mean cosine |"; echo "|---|---|---|"
elif [ "${1:-}" = lm ]; then
  models=(fixtures/lm/llama fixtures/lm/qwen2 fixtures/lm/gpt2)
  E=(--calibration fixtures/lm/calibration.txt --text fixtures/lm/heldout.txt); groups=("128"); orders=(""); sparsities=(0.5)
  echo "| model | compression | perplexity |"; echo "|---|---|---|"
else
  [ -f $FM/train-images-idx3-ubyte.gz ] || { echo "needs $FM (apt install dataset-fashion-mnist)" >&2; exit 2; }
  chunks=${CHUNKS:-5}
  # the calibration sets, and the models' own 10,000 training images with labels (for `fit`), as IDX files
  python3 - "$FM" "$tmp" "$chunks" <<'EOF'
import gzip, struct, sys
src, out, chunks = sys.argv[1], sys.argv[2], int(sys.argv[3])
x = gzip.open(src + "/train-images-idx3-ubyte.gz").read()
y = gzip.open(src + "/train-labels-idx1-ubyte.gz").read()
magic, n, h, w = struct.unpack(">IIII", x[:16])
def images(name, start, count):
    with gzip.open(out + "/" + name, "wb") as f:
        f.write(struct.pack(">IIII", magic, count, h, w) + x[16 + start * h * w:16 + (start + count) * h * w])
for k in range(chunks):
    images("cal-%d.gz" % k, 10000 + 2048 * k, 2048)
images("fit-images.gz", 0, 10000)
with gzip.open(out + "/fit-labels.gz", "wb") as f:
    f.write(y[:4] + struct.pack(">I", 10000) + y[8:8 + 10000])
EOF
  models=(${MODELS:-fixtures/models/mlp.onnx fixtures/models/cnn.onnx})
  if [ "${1:-}" = fit ]; then
    E=(--data "$tmp/fit-images.gz" --labels "$tmp/fit-labels.gz")
  elif [ "${1:-}" = fidelity ]; then
    # each model's top-1 class on the test images as labels (torch from the .pt the ONNX files were exported from)
    /usr/bin/python3 - "$FM" "$tmp" <<'EOF'
import gzip, struct, sys
import numpy as np, torch
sys.path.insert(0, "fixtures")
import make_reference_models as M
src, out = sys.argv[1], sys.argv[2]
x = torch.from_numpy(np.frombuffer(gzip.open(src + "/t10k-images-idx3-ubyte.gz").read()[16:], np.uint8).reshape(-1, 1, 28, 28).astype(np.float32))
for name, ctor in [("mlp", M.Mlp), ("cnn", M.Cnn)]:
    m = ctor(); m.load_state_dict(torch.load("fixtures/models/%s.pt" % name)); m.eval()
    with torch.no_grad():
        top = m(x).argmax(1).numpy().astype(np.uint8)
    with gzip.open("%s/dense-%s.gz" % (out, name), "wb") as f:
        f.write(struct.pack(">II", 0x801, len(top)) + top.tobytes())
EOF
  else
    E=(--data $FM/t10k-images-idx3-ubyte.gz --labels $FM/t10k-labels-idx1-ubyte.gz)
  fi
  E+=(--calibration-samples 2048); groups=("0"); orders=("" "--act-order"); sparsities=(0.5 0.6 0.7)
  echo "| model | compression | accuracy | cross-entropy |"; echo "|---|---|---|---|"
fi
classifier() { [ "${1:-}" != minilm ] && [ "${1:-}" != lm ]; }
# one run; a calibrated method on a classifier: one run per calibration set, mean ± sample standard deviation
run() {
  local calibrated=0
  for a in "$@"; do case "$a" in wanda|sparsegpt|gptq) calibrated=1;; esac; done
  if ! classifier "$mode" || [ $calibrated = 0 ]; then
    $loupe compress "$m" "$@" --eval "${E[@]}" --out "$tmp/x.$ext" --json 2>/dev/null | field; return
  fi
  for ((k = 0; k < chunks; k++)); do
    $loupe compress "$m" "$@" --calibration-data "$tmp/cal-$k.gz" --eval "${E[@]}" --out "$tmp/x.$ext" --json 2>/dev/null | field
  done | python3 -c 'import sys,statistics as s; r=[[float(v) for v in l.split("|")] for l in sys.stdin]; print(" | ".join("%.4f ± %.4f" % (s.mean(c), s.stdev(c) if len(c) > 1 else 0) for c in zip(*r)))'
}
mode=${1:-}
for m in "${models[@]}"; do
  name=$(basename "$m" .onnx)
  ext=$([ "$mode" = lm ] && echo safetensors || echo onnx)
  [ "$mode" = fidelity ] && E=(--data $FM/t10k-images-idx3-ubyte.gz --labels "$tmp/dense-$name.gz" --calibration-samples 2048)
  if [ "$mode" = layers ]; then
    echo "| $name | (none) | $($loupe compress "$m" --sparsity 0 --eval "${E[@]}" --out "$tmp/x.$ext" --json 2>/dev/null | python3 -c 'import json,sys; e=json.load(sys.stdin)["eval"]; print("%.4f | %.4f" % (e["accuracyBefore"], e["lossBefore"]))') |"
    names=($($loupe compress "$m" --sparsity 0.5 --dry-run --json 2>/dev/null | python3 -c 'import json,sys; print(" ".join(l["name"] for l in json.load(sys.stdin)["layers"]))'))
    for l in "${names[@]}"; do
      others=$(printf '%s\n' "${names[@]}" | grep -vxF "$l" | paste -sd'|')
      for meth in magnitude wanda sparsegpt; do
        echo "| $name | $meth 0.5, only $l | $(run --sparsity 0.5 --method $meth --skip "$others") |"
      done
    done
    continue
  fi
  if [ "$mode" = fit ] || [ "$mode" = fidelity ]; then
    echo "| $name | (none) | $($loupe compress "$m" --sparsity 0 --eval "${E[@]}" --out "$tmp/x.$ext" --json 2>/dev/null | python3 -c 'import json,sys; e=json.load(sys.stdin)["eval"]; print("%.4f | %.4f" % (e["accuracyBefore"], e["lossBefore"]))') |"
    for meth in magnitude wanda sparsegpt; do
      echo "| $name | $meth 0.5 | $(run --sparsity 0.5 --method $meth) |"
    done
    continue
  fi
  [ "$mode" = lm ] && echo "| $name | (none) | $($loupe compress "$m" --sparsity 0 --eval "${E[@]}" --out "$tmp/x.$ext" --json 2>/dev/null | python3 -c 'import json,sys,math; print("%.4f" % math.exp(json.load(sys.stdin)["eval"]["lossBefore"]))') |"
  classifier "$mode" && echo "| $name | (none) | $($loupe compress "$m" --sparsity 0 --eval "${E[@]}" --out "$tmp/x.$ext" --json 2>/dev/null | python3 -c 'import json,sys; e=json.load(sys.stdin)["eval"]; print("%.4f | %.4f" % (e["accuracyBefore"], e["lossBefore"]))') |"
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
    classifier "$mode" && echo "| $name | sparsegpt $s one-shot | $(run --sparsity $s --method sparsegpt --one-shot) |"
  done
  echo "| $name | 2:4 magnitude | $(run --sparsity 0.5 --method nm --nm 2:4) |"
  echo "| $name | 2:4 sparsegpt | $(run --sparsity 0.5 --method sparsegpt --nm 2:4) |"
done
