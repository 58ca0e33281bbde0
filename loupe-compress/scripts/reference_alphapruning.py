#!/usr/bin/env python3
"""Peer check for Loupe's AlphaPruning allocation: the authors' own metric and allocation code on MiniLM's 36
encoder MatMul weights (6 transformer blocks of 6 linear layers: Q, K, V, attention output, FFN in, FFN out).

Usage (Debian python3 with torch and onnx; the reference code is not part of Loupe):
  git clone https://github.com/haiquanlu/AlphaPruning /tmp/alphapruning   # tested at 5f0e9845549ec8ee6dc395f1410566f26cc9e54e
  /usr/bin/python3 loupe-compress/scripts/reference_alphapruning.py /tmp/alphapruning ~/.cache/loupe/all-minilm-l6-v2.onnx \
      > loupe-compress/src/test/resources/dev/loupe/compress/allocate/reference-alphapruning.json

It runs lib/esd_utils.py net_esd_estimator (fix_fingers xmin_peak and xmin_mid: the metrics alpha_peak and alpha_mid,
as get_esd_metrics does) and lib/prune.py ww_sparsity (the allocation main.py runs, s1 = 1 - epsilon,
s2 = 1 + epsilon) on a torch module whose model.layers are the six blocks with the MiniLM weights as nn.Linear
(transposed from ONNX's [in, out]; the ESD does not depend on it). Modules the reference imports but these two
functions do not use (weightwatcher, transformers, datasets) are stubbed.

The reference computes the ESD in float32 (torch.linalg.svdvals of the float32 weight, then float32 logs and sums).
To tell that rounding apart from the method, the file also holds (a) "eigs": the reference's own float32 eigenvalues
of each layer (printed with 9 significant digits, exact for float32), and (b) "fp64": metrics and allocations from the
same reference code with its one cast `matrix.to(torch.float32)` made `torch.float64` (a text substitution on the
loaded source; the float32 `alphas` buffer of its xmin_peak loop is left as it is).
"""
import argparse
import contextlib
import importlib.util
import json
import sys
import tempfile
import types

import numpy as np
import onnx
import torch
from onnx import numpy_helper

for name in ["weightwatcher", "transformers", "datasets"]:
    sys.modules[name] = types.SimpleNamespace(AutoModelForCausalLM=None, load_dataset=None, Conv1D=type("C", (), {}))

repo, model_path = sys.argv[1], sys.argv[2]


def load(path, name, cast=None):
    spec = importlib.util.spec_from_file_location(name, path, submodule_search_locations=None)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    if cast is None:
        spec.loader.exec_module(mod)
    else:
        src = open(path).read()
        assert src.count("matrix = matrix.to(torch.float32)") == 1
        exec(compile(src.replace("matrix = matrix.to(torch.float32)", "matrix = matrix.to(" + cast + ")"), path, "exec"),
             mod.__dict__)
    return mod


pkg = types.ModuleType("lib")
pkg.__path__ = [repo + "/lib"]
sys.modules["lib"] = pkg
with contextlib.redirect_stdout(sys.stderr):
    esd = load(repo + "/lib/esd_utils.py", "lib.esd_utils")
    esd64 = load(repo + "/lib/esd_utils.py", "lib.esd_utils64", "torch.float64")
    prune = load(repo + "/lib/prune.py", "lib.prune")

m = onnx.load(model_path)
inits = {i.name: i for i in m.graph.initializer}
names, weights = [], []
for node in m.graph.node:
    if node.op_type == "MatMul" and len(node.input) > 1 and node.input[1] in inits:
        w = numpy_helper.to_array(inits[node.input[1]])
        if w.ndim == 2:
            names.append(node.input[1])
            weights.append(w.T.copy())  # nn.Linear weight is [out, in]
assert len(weights) == 36, len(weights)


class Block(torch.nn.Module):
    def __init__(self, ws):
        super().__init__()
        for j, w in enumerate(ws):
            lin = torch.nn.Linear(w.shape[1], w.shape[0], bias=False)
            lin.weight.data = torch.from_numpy(w)
            setattr(self, "l%d" % j, lin)


blocks = torch.nn.ModuleList([Block(weights[6 * b:6 * b + 6]) for b in range(6)])
model = types.SimpleNamespace(model=types.SimpleNamespace(layers=blocks))
out = {"provenance": "loupe-compress/scripts/reference_alphapruning.py; haiquanlu/AlphaPruning@5f0e984 lib/esd_utils.py "
                     "net_esd_estimator + lib/prune.py ww_sparsity; torch " + torch.__version__ + " CPU; all-MiniLM-L6-v2 ONNX; "
                     "run 2026-12-06",
       "layers": names, "metrics": {}, "allocations": []}


def run(estimator, into):
    with tempfile.TemporaryDirectory() as cache, contextlib.redirect_stdout(sys.stderr):
        into["metrics"] = {}
        into["allocations"] = []
        for metric, fingers in [("alpha_peak", "xmin_peak"), ("alpha_mid", "xmin_mid")]:
            res = estimator.net_esd_estimator(blocks, fix_fingers=fingers)
            np.save(cache + "/" + metric + ".npy", np.array(res["alpha"]))
            into["metrics"][metric] = [float(a) for a in res["alpha"]]
            if estimator is esd and metric == "alpha_mid":
                into["eigs"] = [[float("%.9g" % e) for e in ev] for ev in res["eigs"]]
        for metric in ["alpha_peak", "alpha_mid"]:
            for mapping in ["block_wise", "layer_wise"]:
                for sparsity, eps in [(0.7, 0.3), (0.5, 0.2)]:
                    args = argparse.Namespace(model="all-minilm-l6-v2", ww_metric=metric, ww_metric_cache=cache,
                                              mapping_type=mapping, sparsity_ratio=sparsity)
                    ratios = prune.ww_sparsity(args, model, "cpu", 1.0 - eps, 1.0 + eps)
                    into["allocations"].append({"metric": metric, "mapping": mapping, "sparsity": sparsity,
                                                "epsilon": eps, "ratios": [float(r) for r in ratios]})


run(esd, out)
out["fp64"] = {}
run(esd64, out["fp64"])
json.dump(out, sys.stdout, indent=0)
