#!/usr/bin/env python3
"""ggml's own quantizers on fixed rows, for Loupe's byte-exactness test of its ports (TestKQuants).

Calls ggml_quantize_chunk in the libggml-base.so that node-llama-cpp 3.21.1 ships prebuilt (llama.cpp release tag
"v0.4.0" in node-llama-cpp's llama/llama.cpp.info.json; nothing is compiled here) through ctypes, with and without an
importance matrix (one weight per column, as llama-quantize --imatrix passes it), and writes the input rows, the
weights and every output as base64 into one JSON file with its provenance.

    /usr/bin/python3 peers/llama-cpp/ggml_quants_peer.py --out fixtures/lm/llama-cpp/quantize/ggml-quants-peer.json
"""
import argparse
import base64
import ctypes
import datetime
import json
import os
import platform

import numpy as np

TYPES = {"Q4_0": 2, "Q5_0": 6, "Q5_1": 7, "Q8_0": 8, "Q4_K": 12, "Q5_K": 13, "Q6_K": 14}
BLOCK = {"Q4_0": (32, 18), "Q5_0": (32, 22), "Q5_1": (32, 24), "Q8_0": (32, 34),
         "Q4_K": (256, 144), "Q5_K": (256, 176), "Q6_K": (256, 210)}


def rows(n_per_row):
    """Four rows that reach the quantizers' branches: gaussian, heavy-tailed, all-positive with a zero sub-block
    and a constant sub-block, and tiny values (scales near f16's subnormal range)."""
    rng = np.random.default_rng(20261206)
    a = rng.normal(0, 0.02, n_per_row)
    b = rng.standard_t(3, n_per_row) * 0.05
    c = np.abs(rng.normal(0, 1, n_per_row))
    c[32:64] = 0.0
    c[64:96] = 0.25
    c[100] = -3.0
    d = rng.normal(0, 1e-5, n_per_row)
    return np.stack([a, b, c, d]).astype(np.float32)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--nlc", default=os.environ.get("NLC_DIR", "/tmp/lmfix-nlc"))
    p.add_argument("--n-per-row", type=int, default=512)
    a = p.parse_args()
    libdir = os.path.join(a.nlc, "node_modules/@node-llama-cpp/linux-x64/bins/linux-x64")
    lib = ctypes.CDLL(os.path.join(libdir, "libggml-base.so"))
    lib.ggml_quantize_chunk.restype = ctypes.c_size_t
    lib.ggml_quantize_chunk.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64,
                                        ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p]
    n = a.n_per_row
    x = np.ascontiguousarray(rows(n))
    rng = np.random.default_rng(7)
    imatrix = np.ascontiguousarray(np.exp(rng.normal(0, 1.5, n)).astype(np.float32))
    out = {}
    for name, t in TYPES.items():
        be, bb = BLOCK[name]
        for weighted in (False, True):
            dst = np.zeros(x.shape[0] * n // be * bb, dtype=np.uint8)
            size = lib.ggml_quantize_chunk(t, x.ctypes.data, dst.ctypes.data, 0, x.shape[0], n,
                                           imatrix.ctypes.data if weighted else None)
            assert size == dst.size, (name, size, dst.size)
            out[name + ("_imatrix" if weighted else "")] = base64.b64encode(dst.tobytes()).decode()
    meta = json.load(open(os.path.join(a.nlc, "node_modules/node-llama-cpp/llama/llama.cpp.info.json")))
    doc = {
        "rows": x.shape[0], "n_per_row": n,
        "x_f32_le": base64.b64encode(x.astype("<f4").tobytes()).decode(),
        "imatrix_f32_le": base64.b64encode(imatrix.astype("<f4").tobytes()).decode(),
        "quantized": out,
        "provenance": {
            "peer": "ggml_quantize_chunk in libggml-base.so of node-llama-cpp 3.21.1 (prebuilt, llama.cpp "
                    + json.dumps(meta) + ")",
            "python": platform.python_version(), "numpy": np.__version__,
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "command": "/usr/bin/python3 peers/llama-cpp/ggml_quants_peer.py --out " + a.out,
        },
    }
    with open(a.out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
