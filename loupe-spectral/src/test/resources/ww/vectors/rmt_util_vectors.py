#!/usr/bin/python3
"""WeightWatcher 0.7.5.5's eigenvector metrics of the reference CNN, split by rank (see README.md here).

Run with the peer harness's environment (WeightWatcher 0.7.5.5 + powerlaw 1.5 on Debian's python3):
    source /tmp/ww/env.sh   # or ../shared/peers/weightwatcher/env.sh after its setup.sh
    python3 rmt_util_vectors.py ../fmnist_cnn.safetensors ../fmnist_cnn.default.csv > fmnist_cnn.rank_split.csv

For each layer it forms the matrices WeightWatcher analyzes (a Linear weight as stored; each kh*kw slice of a
Conv2d times sqrt(1/2) in float32, conv2d_norm), then exactly what weightwatcher.py apply_analyze_eigenvectors
does: X = W W^T or W^T W (smaller side, float64), RMT_Util.eig_full(X) (scipy.linalg.eig), and per eigenvector
RMT_Util.discrete_entropy, localization_ratio and participation_ratio; the mean and np.var over the bulk and the
tail. WeightWatcher puts a vector in the tail when its eig eigenvalue is >= xmin; here the tail is the vectors
of the num_pl_spikes largest eigenvalues of its own fit (fmnist_cnn.default.csv), which differs from
WeightWatcher's split only in the vector of the xmin eigenvalue. Both splits are written (split=xmin|rank).
"""
import csv
import sys

import numpy as np
from safetensors.numpy import load_file
from weightwatcher import RMT_Util as R

weights = load_file(sys.argv[1])
fits = {r["key"]: r for r in csv.DictReader(open(sys.argv[2]))}
names = ["vec_entropy", "loc_ratio", "part_ratio"]
funcs = [R.discrete_entropy, R.localization_ratio, R.participation_ratio]
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["key", "split", "bulk", "tail"] + [f"{p}_{s}_{n}" for n in names for p in ("bulk", "tail")
                                                   for s in ("mean", "var")])
for key, fit in fits.items():
    t = weights[key + ".weight"]
    mats = [t] if t.ndim == 2 else [t[:, :, i, j] * np.sqrt(0.5) for i in range(t.shape[2]) for j in range(t.shape[3])]
    evals, metrics = [], [[], [], []]
    for w in mats:
        w = w.astype(float)
        x = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
        ev, v = R.eig_full(x)
        evals.extend(ev)
        for c in range(x.shape[0]):
            for m, f in zip(metrics, funcs):
                m.append(f(v[:, c]))
    order = np.argsort(evals)
    srt = np.array(evals)[order]
    xmin, spikes = float(fit["xmin"]), int(fit["num_pl_spikes"])
    for split, tail in (("xmin", srt >= xmin), ("rank", np.arange(len(srt)) >= len(srt) - spikes)):
        row = [key, split, int((~tail).sum()), int(tail.sum())]
        for m in metrics:
            d = np.array(m)[order]
            for part in (d[~tail], d[tail]):
                row += [repr(float(np.mean(part))), repr(float(np.var(part)))]
        out.writerow(row)
