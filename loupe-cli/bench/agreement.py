#!/usr/bin/env python3
"""Alpha agreement of `loupe inspect` (default --precision auto) with WeightWatcher 0.7.5.5, per reference set.

Reference per file: WeightWatcher's CSV (stored in the harness's results/, or run now with the harness's
ww_analyze.py), or, for ONNX files WeightWatcher cannot read, `loupe inspect --precision fp64` (which
matches WeightWatcher's stored outputs to <= 1e-12 in alpha: loupe-spectral/README.md). Layers are
joined on the key; a failed fit on both sides counts as agreeing.

    source ../shared/peers/weightwatcher/env.sh   # (a writable copy after `bash setup.sh`)
    /usr/bin/python3 loupe-cli/bench/agreement.py SET=REF:FILE... [--tol 0.01]
      REF: ww (run WeightWatcher now) | stored:WW.csv | fp64
    e.g. cnn=stored:$WW_HARNESS_DIR/results/fmnist_cnn/fmnist_cnn.default.csv:$WW_HARNESS_DIR/models/fmnist_cnn.safetensors
         mlp=ww:fixtures/models/mlp.safetensors  minilm=fp64:$HOME/.cache/loupe/all-minilm-l6-v2.onnx
"""
import csv
import io
import math
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOUPE = os.environ.get("LOUPE", os.path.join(ROOT, "loupe"))  # e.g. a copy of the built CLI while sources change


def loupe(path, *opts):
    out = subprocess.run([LOUPE, "inspect", "--csv", "--no-hash", *opts, path],
                         check=True, capture_output=True, text=True).stdout
    return {r["key"]: r for r in csv.DictReader(io.StringIO(out))}


def ww_live(path):
    h = os.environ["WW_HARNESS_DIR"]
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([os.environ.get("WW_PY", "python3"), os.path.join(h, "ww_analyze.py"), path, "--config", "default",
                        "--out", d, "--tag", "x"], check=True, capture_output=True)
        return ww_csv(os.path.join(d, "x.default.csv"))


def ww_csv(f):
    return {r["key"]: r for r in csv.DictReader(open(f))}


def alpha(r):
    a = float(r["alpha"]) if r["alpha"] not in ("", "NaN", "nan") else math.nan
    return math.nan if a == -1 else a  # WeightWatcher writes -1 for a failed fit


def main(args):
    tol = 0.01
    if "--tol" in args:
        i = args.index("--tol")
        tol = float(args[i + 1])
        del args[i:i + 2]
    rows = defaultdict(lambda: [0, 0, 0.0, 0, 0])  # layers, agree, max |diff|, recomputed in fp64, files
    for spec in args:
        name, rest = spec.split("=", 1)
        if rest.startswith("stored:"):
            stored, path = rest[7:].rsplit(":", 1)
            ref = ww_csv(stored)
        else:
            kind, path = rest.split(":", 1)
            path = os.path.abspath(path)  # the harness stages a symlink to it
            ref = ww_live(path) if kind == "ww" else loupe(path, "--precision", "fp64")
        got = loupe(path)
        r = rows[name]
        r[4] += 1
        for key, rr in ref.items():
            if key not in got:
                continue
            a, b = alpha(rr), alpha(got[key])
            d = 0.0 if (math.isnan(a) and math.isnan(b)) else abs(a - b)
            r[0] += 1
            r[1] += d <= tol
            r[2] = max(r[2], d) if not math.isnan(d) else math.inf
            r[3] += "recomputed in fp64" in got[key].get("notes", "")
            if not d <= tol:
                print(f"  {name} {os.path.basename(path)} {key}: ref {a:.6f} loupe {b:.6f}", file=sys.stderr)
        print(f"{spec[:60]}... done", file=sys.stderr)
    print(f"| set | files | layers | |Δalpha| ≤ {tol} | max |Δalpha| | recomputed in fp64 |")
    print("|---|---|---|---|---|---|")
    tot = [0, 0, 0]
    for name, (n, ok, mx, redo, files) in rows.items():
        print(f"| {name} | {files} | {n} | {ok} ({100 * ok / max(n, 1):.1f} %) | {mx:.2g} | {redo} |")
        tot[0] += n
        tot[1] += ok
        tot[2] += redo
    print(f"| all | | {tot[0]} | {tot[1]} ({100 * tot[1] / max(tot[0], 1):.1f} %) | | {tot[2]} |")


if __name__ == "__main__":
    main(sys.argv[1:])
