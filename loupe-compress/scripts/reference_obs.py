#!/usr/bin/env python3
"""Peer check for Loupe's GPTQ and SparseGPT kernels: runs the authors' own code on a small seeded layer.

Usage (Debian python3 with torch; the reference code is not part of Loupe):
  git clone https://github.com/IST-DASLab/gptq /tmp/gptq          # tested at 2d65066eeb06a5c9ff5184d8cebdf33662c67faf
  git clone https://github.com/IST-DASLab/sparsegpt /tmp/sparsegpt  # tested at 147d2159dc4f3e9f73e47b32c04d7b3708f44436
  /usr/bin/python3 loupe-compress/scripts/reference_obs.py /tmp/gptq /tmp/sparsegpt \
      > loupe-compress/src/test/resources/dev/loupe/compress/obs/reference-obs.json

Runs on CPU: `transformers` (imported by the reference for its Conv1D type only) is stubbed and
torch.cuda.synchronize made a no-op. The layer's H is given to the reference directly (float32, as it keeps it),
and written out so the Java test uses the same numbers. GPTQ uses asymmetric grids, where the reference's and
Loupe's grids are the same formula; SparseGPT uses 2:4, where no threshold rule differs.
"""
import contextlib
import importlib.util
import io
import json
import sys
import types

import numpy as np
import torch

sys.modules["transformers"] = types.SimpleNamespace(Conv1D=type("Conv1D", (), {}))
torch.cuda.synchronize = lambda *a, **k: None


def load(path, name, extra_path):
    sys.path.insert(0, extra_path)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    sys.path.pop(0)
    sys.modules.pop("quant", None)
    return mod


gptq_dir, sparsegpt_dir = sys.argv[1], sys.argv[2]
with contextlib.redirect_stdout(sys.stderr):
    gptq = load(gptq_dir + "/gptq.py", "ref_gptq", gptq_dir)
    sparsegpt = load(sparsegpt_dir + "/sparsegpt.py", "ref_sparsegpt", sparsegpt_dir)

rows, cols, tokens = 16, 64, 256
rng = np.random.default_rng(20261206)
w = rng.standard_normal((rows, cols)).astype(np.float32)
scales = (1 + (np.arange(cols) % 4)).astype(np.float64)
x = rng.standard_normal((tokens, cols)) * scales + 0.7 * rng.standard_normal((tokens, 1))
h = (x.T @ x).astype(np.float32)


def error(log):
    """The reference's printed total loss, Σ (w − q)²/(2·d²)."""
    return float([line for line in log.getvalue().splitlines() if line.startswith("error ")][-1].split()[1])


def layer():
    lin = torch.nn.Linear(cols, rows, bias=False)
    lin.weight.data = torch.from_numpy(w.copy())
    return lin


out = {"provenance": "loupe-compress/scripts/reference_obs.py; IST-DASLab/gptq@2d65066, IST-DASLab/sparsegpt@147d215; "
                     "torch " + torch.__version__ + " CPU; run 2026-12-06",
       "rows": rows, "cols": cols, "w": w.flatten().tolist(), "h": h.flatten().tolist(), "cases": []}
for bits, group, actorder in [(4, -1, False), (3, 16, False), (4, -1, True), (2, -1, False)]:
    lin = layer()
    g = gptq.GPTQ(lin)
    g.H = torch.from_numpy(h.copy())
    g.quantizer = gptq.Quantizer()
    g.quantizer.configure(bits, perchannel=True, sym=False, mse=False)
    log = io.StringIO()
    with contextlib.redirect_stdout(log):
        g.fasterquant(blocksize=128, percdamp=0.01, groupsize=group, actorder=actorder)
    out["cases"].append({"method": "gptq", "bits": bits, "group": group if group > 0 else 0, "actorder": actorder,
                         "loss": error(log), "q": lin.weight.data.flatten().tolist()})
lin = layer()
s = sparsegpt.SparseGPT(lin)
s.H = torch.from_numpy(h.copy())
log = io.StringIO()
with contextlib.redirect_stdout(log):
    s.fasterprune(0.5, prunen=2, prunem=4, blocksize=128, percdamp=0.01)
out["cases"].append({"method": "sparsegpt", "n": 2, "m": 4, "loss": error(log), "q": lin.weight.data.flatten().tolist()})
json.dump(out, sys.stdout)
