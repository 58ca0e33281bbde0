#!/usr/bin/python3
"""Peer run for issue 14's "SparseGPT at 50 % is at least as good as magnitude" on the reference MLP: the authors'
own SparseGPT (IST-DASLab/sparsegpt, sparsegpt.py `SparseGPT.fasterprune`) applied to the torch MLP the ONNX fixture
was exported from (fixtures/make_reference_models.py Mlp + fixtures/models/mlp.pt), under the protocol of
loupe-compress/scripts/compare-second-order.sh: calibration on 2,048 training images the model never saw
(set k = training images 10,000 + 2,048·k ..), images only; evaluation on the 10,000 test images.

Usage (Debian's /usr/bin/python3, torch 1.13; the reference code is not part of Loupe):
  git clone https://github.com/IST-DASLab/sparsegpt /tmp/sparsegpt   # run at 147d2159dc4f3e9f73e47b32c04d7b3708f44436
  /usr/bin/python3 loupe-compress/scripts/sparsegpt_reference_mlp.py /tmp/sparsegpt run [SETS] [k=LOUPE.onnx ...] [--float64] \
      > fixtures/sparsegpt/mlp-reference-float32.json      # (float64.json with --float64)
      SETS calibration sets (default 5); each k=LOUPE.onnx (a `loupe compress fixtures/models/mlp.onnx --method
      sparsegpt --sparsity 0.5 --calibration-data <set k> --calibration-samples 2048` output) is compared with the
      reference's weights for set k: mask agreement and weight differences per layer.
  /usr/bin/python3 loupe-compress/scripts/sparsegpt_reference_mlp.py /tmp/sparsegpt fixture --float64 \
      > loupe-compress/src/test/resources/dev/loupe/compress/sparsegpt/reference-mlp-fc1.json
      the reference's pruned fc1 (50 %) from the first 256 images of fixtures/data's test images, for
      TestReferenceSparseGptMlp: the whole mask, and the values of the first ROWS rows.

As opt.py's `opt_sequential`: each layer's H is gathered by the reference's own `add_batch` (a forward hook, one call
per batch of 128 images) from inputs computed through the layers already pruned, then `fasterprune(0.5, prunen=0,
prunem=0, blocksize=128, percdamp=.01)`. On CPU: `transformers` (imported by the reference for its Conv1D type only)
is stubbed and torch.cuda.synchronize made a no-op. Magnitude: each layer's 50 % smallest |w| zeroed (as Loupe's
`--method magnitude`). Per-layer attribution: one layer pruned, the others dense.
"""
import base64
import contextlib
import datetime
import importlib.util
import io
import json
import os
import subprocess
import sys
import types

import numpy as np
import torch
import torch.nn.functional as F

sys.modules["transformers"] = types.SimpleNamespace(Conv1D=type("Conv1D", (), {}))
torch.cuda.synchronize = lambda *a, **k: None
torch.set_num_threads(1)
# --float64: the same reference code and model in double precision (activations, H, the Cholesky factors, the sweep;
# the reference's .float() casts made .double()), to tell the algorithm's differences from float32 rounding.
FLOAT64 = "--float64" in sys.argv
if FLOAT64:
    sys.argv.remove("--float64")
    torch.set_default_dtype(torch.float64)
    torch.Tensor.float = torch.Tensor.double

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "fixtures"))
import make_reference_models as M  # noqa: E402

FM = "/usr/share/datasets/fashion-mnist"
LAYERS = ["fc1", "fc2", "fc3"]
SPARSITY = 0.5
BATCH = 128
ROWS = 32  # fixture mode: rows of fc1 whose values are stored (the mask is stored whole)


def load_reference(ref_dir):
    sys.path.insert(0, ref_dir)
    spec = importlib.util.spec_from_file_location("ref_sparsegpt", os.path.join(ref_dir, "sparsegpt.py"))
    mod = importlib.util.module_from_spec(spec)
    with contextlib.redirect_stdout(sys.stderr):
        spec.loader.exec_module(mod)
    return mod


def images(path, start=0, count=None):
    a = M.read_idx(path)
    a = a[start:start + count] if count else a[start:]
    return torch.from_numpy(a.reshape(-1, 1, 28, 28).copy()).to(torch.get_default_dtype())


def dense():
    m = M.Mlp()
    m.load_state_dict(torch.load(os.path.join(ROOT, "fixtures/models/mlp.pt")))
    m.eval()
    return m


@torch.no_grad()
def sparsegpt(ref, model, cal, layers):
    """The reference's sequential loop: H of each layer through the layers already pruned, then fasterprune."""
    errors = {}
    for name in layers:
        lin = getattr(model, name)
        g = ref.SparseGPT(lin)
        h = lin.register_forward_hook(lambda _, inp, out: g.add_batch(inp[0].data, out.data))
        for i in range(0, len(cal), BATCH):
            model(cal[i:i + BATCH])
        h.remove()
        log = io.StringIO()
        with contextlib.redirect_stdout(log):
            g.fasterprune(SPARSITY, prunen=0, prunem=0, blocksize=128, percdamp=.01)
        g.free()
        errors[name] = float([line for line in log.getvalue().splitlines() if line.startswith("error ")][-1].split()[1])
    return errors


@torch.no_grad()
def magnitude(model, layers):
    for name in layers:
        w = getattr(model, name).weight.data
        flat = w.abs().flatten()
        k = int(round(SPARSITY * flat.numel()))
        # exact count, ties to the lower flat index (a stable sort), as Loupe's Pruners
        idx = torch.from_numpy(np.argsort(flat.numpy(), kind="stable")[:k].copy())
        w.view(-1)[idx] = 0


@torch.no_grad()
def evaluate(model, x, y, top):
    logits = model(x)
    return {"accuracy": (logits.argmax(1) == y).double().mean().item(),
            "loss": F.cross_entropy(logits.double(), y).item(),
            "agreement": (logits.argmax(1) == top).double().mean().item()}


def compare(model, onnx_path):
    """Loupe's pruned weights against the reference's, per layer."""
    import onnx
    from onnx import numpy_helper
    inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(onnx_path).graph.initializer}
    out = {}
    for name in LAYERS:
        ref = getattr(model, name).weight.data.numpy()
        lo = inits[name + ".weight"]
        both = (ref != 0) & (lo != 0)
        rows_same = int(np.sum(np.all((ref == 0) == (lo == 0), axis=1)))
        diff = np.abs(ref - lo)[both]
        out[name] = {"pruned_reference": int(np.sum(ref == 0)), "pruned_loupe": int(np.sum(lo == 0)),
                     "mask_mismatches": int(np.sum((ref == 0) != (lo == 0))),
                     "rows_with_identical_mask": rows_same, "rows": int(ref.shape[0]),
                     "max_abs_diff_where_both_kept": float(diff.max()) if diff.size else 0.0,
                     "median_rel_diff_where_both_kept": float(np.median(diff / np.abs(ref[both]))) if diff.size else 0.0}
    return out


def provenance(ref_dir):
    try:
        commit = subprocess.run(["git", "-C", ref_dir, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = ""
    return {"command": "/usr/bin/python3 " + " ".join([os.path.relpath(sys.argv[0], ROOT)] + ["<sparsegpt>"] + sys.argv[2:]
                                                       + (["--float64"] if FLOAT64 else [])),
            "reference": "IST-DASLab/sparsegpt@" + (commit or "unknown commit"),
            "torch": torch.__version__ + " CPU, 1 thread" + (", float64 (--float64)" if FLOAT64 else ", float32"), "date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC")}


def run(ref, sets, loupe):
    train = FM + "/train-images-idx3-ubyte.gz"
    x = images(FM + "/t10k-images-idx3-ubyte.gz")
    y = torch.from_numpy(M.read_idx(FM + "/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    with torch.no_grad():
        top = dense()(x).argmax(1)
    out = {"provenance": provenance(sys.argv[1]), "dense": evaluate(dense(), x, y, top)}
    for only in [LAYERS] + [[name] for name in LAYERS]:
        m = dense()
        magnitude(m, only)
        out["magnitude " + "+".join(only)] = evaluate(m, x, y, top)
    for only in [LAYERS] + [[name] for name in LAYERS]:
        rows = []
        for k in range(sets):
            m = dense()
            err = sparsegpt(ref, m, images(train, 10000 + 2048 * k, 2048), only)
            r = {"set": k, **evaluate(m, x, y, top), "reference_error": err}
            if only == LAYERS and str(k) in loupe:
                r["loupe"] = compare(m, loupe[str(k)])
            rows.append(r)
            print("sparsegpt", "+".join(only), k, r["accuracy"], r["loss"], file=sys.stderr)
        stats = {f: [float(np.mean([r[f] for r in rows])), float(np.std([r[f] for r in rows], ddof=1))]
                 for f in ("accuracy", "loss", "agreement")}
        out["sparsegpt " + "+".join(only)] = {"mean_sd": stats, "sets": rows}
    json.dump(out, sys.stdout, indent=1)
    print()


def fixture(ref):
    cal = images(os.path.join(ROOT, "fixtures/data/fashion-mnist-test-2000-images-idx3-ubyte.gz"), 0, 256)
    m = dense()
    err = sparsegpt(ref, m, cal, ["fc1"])
    w = m.fc1.weight.data.numpy()
    keep = np.packbits((w != 0).flatten(), bitorder="big")
    out = {"provenance": provenance(sys.argv[1]),
           "what": "fc1 of fixtures/models/mlp.onnx pruned 50 % by the reference SparseGPT (blocksize 128, percdamp .01) "
                   "from H of the first 256 images of fixtures/data/fashion-mnist-test-2000-images-idx3-ubyte.gz "
                   "divided by 255; keep: the mask, row-major, 1 = kept, bits packed big-endian, base64; "
                   "values: the first `rows` rows as little-endian float32, base64",
           "calibration_images": 256, "shape": list(w.shape), "error": err["fc1"], "rows": ROWS,
           "keep": base64.b64encode(keep.tobytes()).decode(),
           "values": base64.b64encode(w[:ROWS].astype("<f4").tobytes()).decode()}
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    reference = load_reference(sys.argv[1])
    if sys.argv[2] == "fixture":
        fixture(reference)
    else:
        n = int(sys.argv[3]) if len(sys.argv) > 3 and "=" not in sys.argv[3] else 5
        run(reference, n, dict(a.split("=", 1) for a in sys.argv[3:] if "=" in a))
