#!/usr/bin/python3
"""WeightWatcher 0.7.5.5's distances() between the reference CNN and its fine-tuned copy (see README.md here).

    source /tmp/ww/env.sh     # the peer harness of ../shared/peers/weightwatcher (setup.sh)
    python3 ww_distances.py fixtures/models/cnn.safetensors fixtures/models/cnn_finetuned.safetensors > OUT.csv

Both checkpoints are loaded as dicts of torch tensors (WeightWatcher's PYSTATEDICT framework) and handed to the
stock WeightWatcher().distances(model_1, model_2, method) for method raw, euclidean and cka; one row per layer
and method with delta_W (and delta_b for raw), written with %.17g.
"""
import sys

import weightwatcher as ww
from safetensors.torch import load_file

a, b = load_file(sys.argv[1]), load_file(sys.argv[2])
print("method,name,delta_W,delta_b,M,N")
watcher = ww.WeightWatcher()
for method in ("raw", "euclidean", "cka"):
    _, _, df = watcher.distances(a, b, method=method)
    for _, r in df.iterrows():
        print("%s,%s,%.17g,%.17g,%d,%d" % (method, r["name"], r["delta_W"], r["delta_b"], r["M"], r["N"]))
