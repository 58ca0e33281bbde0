#!/usr/bin/env python3
"""llama.cpp's own llama-quantize on a GGUF file, for Loupe's per-tensor check of its mixtures (TestLlamaQuantRules).

Calls llama_model_quantize of the libllama.so that node-llama-cpp 3.21.1 ships prebuilt (the same code path as the
llama-quantize tool, which the npm package does not include; nothing is compiled here) through ctypes, optionally
with an importance matrix (one generated weight per column of every 2-D weight, stored in the output so the test can
pass Loupe the same numbers), reads the result with gguf-py from the same llama.cpp release (node-llama-cpp's
llama/gitRelease.bundle, cloned to --llama-src) and writes per tensor its ggml type and the SHA-256 of its bytes.

    git clone /tmp/lmfix-nlc/node_modules/node-llama-cpp/llama/gitRelease.bundle /tmp/llama-src
    /usr/bin/python3 peers/llama-cpp/llama_quantize_peer.py --gguf fixtures/lm/gguf/llama-f32.gguf --ftype Q4_K_M \
        --imatrix-seed 5 --out fixtures/lm/llama-cpp/quantize/llama-quantize-llama-q4_k_m-imatrix.json
"""
import argparse
import base64
import ctypes
import datetime
import hashlib
import json
import os
import platform
import sys
import tempfile

import numpy as np

FTYPES = {"Q4_0": 2, "Q8_0": 7, "Q5_0": 8, "Q5_1": 9, "Q4_K_S": 14, "Q4_K_M": 15, "Q5_K_S": 16, "Q5_K_M": 17,
          "Q6_K": 18}


class ImatrixData(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("data", ctypes.POINTER(ctypes.c_float)), ("size", ctypes.c_size_t)]


class QuantizeParams(ctypes.Structure):  # include/llama.h llama_model_quantize_params at the bundled release
    _fields_ = [("nthread", ctypes.c_int32), ("ftype", ctypes.c_int), ("output_tensor_type", ctypes.c_int),
                ("token_embedding_type", ctypes.c_int), ("allow_requantize", ctypes.c_bool),
                ("quantize_output_tensor", ctypes.c_bool), ("only_copy", ctypes.c_bool), ("pure", ctypes.c_bool),
                ("keep_split", ctypes.c_bool), ("dry_run", ctypes.c_bool),
                ("imatrix", ctypes.POINTER(ImatrixData)), ("kv_overrides", ctypes.c_void_p),
                ("tt_overrides", ctypes.c_void_p), ("prune_layers", ctypes.c_void_p), ("max_buf_size", ctypes.c_size_t)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--gguf", required=True)
    p.add_argument("--ftype", required=True, choices=sorted(FTYPES))
    p.add_argument("--pure", action="store_true")
    p.add_argument("--imatrix-seed", type=int, default=None)
    p.add_argument("--out", required=True)
    p.add_argument("--keep", default=None, help="also keep llama.cpp's quantized GGUF here")
    p.add_argument("--nlc", default=os.environ.get("NLC_DIR", "/tmp/lmfix-nlc"))
    p.add_argument("--llama-src", default="/tmp/llama-src")
    a = p.parse_args()
    sys.path.insert(0, os.path.join(a.llama_src, "gguf-py"))
    import gguf  # noqa: E402  (gguf-py of the same llama.cpp release)

    libdir = os.path.join(a.nlc, "node_modules/@node-llama-cpp/linux-x64/bins/linux-x64")
    for dep in ("libggml-base.so", "libggml.v0.4.0.so", "libllama.v0.4.0.so"):
        lib = ctypes.CDLL(os.path.join(libdir, dep), mode=ctypes.RTLD_GLOBAL)
    lib.llama_model_quantize_default_params.restype = QuantizeParams
    lib.llama_model_quantize.restype = ctypes.c_uint32
    lib.llama_model_quantize.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(QuantizeParams)]
    params = lib.llama_model_quantize_default_params()
    params.nthread = 1
    params.ftype = FTYPES[a.ftype]
    params.pure = a.pure
    params.allow_requantize = True
    importance = {}
    keep = []
    if a.imatrix_seed is not None:
        rng = np.random.default_rng(a.imatrix_seed)
        src = gguf.GGUFReader(a.gguf)
        entries = []
        for t in src.tensors:
            if len(t.shape) == 2 and t.name.endswith(".weight") and not t.name.endswith("_norm.weight"):
                w = np.exp(rng.normal(0, 1, int(t.shape[0]))).astype(np.float32)  # shape[0] = ne[0] = columns
                importance[t.name] = base64.b64encode(w.astype("<f4").tobytes()).decode()
                keep.append(w)
                entries.append(ImatrixData(t.name.encode(), w.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), w.size))
        entries.append(ImatrixData(None, None, 0))
        arr = (ImatrixData * len(entries))(*entries)
        params.imatrix = ctypes.cast(arr, ctypes.POINTER(ImatrixData))
    out_path = a.keep or os.path.join(tempfile.mkdtemp(), "q.gguf")
    rc = lib.llama_model_quantize(a.gguf.encode(), out_path.encode(), ctypes.byref(params))
    assert rc == 0, rc
    q = gguf.GGUFReader(out_path)
    tensors = [{"name": t.name, "type": t.tensor_type.name, "sha256": hashlib.sha256(t.data.tobytes()).hexdigest()}
               for t in q.tensors]
    meta = json.load(open(os.path.join(a.nlc, "node_modules/node-llama-cpp/llama/llama.cpp.info.json")))
    cmd = " ".join(["/usr/bin/python3", "peers/llama-cpp/llama_quantize_peer.py"] + sys.argv[1:])
    doc = {"input": a.gguf, "ftype": a.ftype, "pure": a.pure, "file_type": int(q.fields["general.file_type"].parts[-1][0]),
           "tensors": tensors, "importance_f32_le": importance,
           "provenance": {"peer": "llama_model_quantize in libllama.so of node-llama-cpp 3.21.1 (prebuilt, llama.cpp "
                                  + json.dumps(meta) + "); read back with that release's gguf-py",
                          "python": platform.python_version(), "numpy": np.__version__,
                          "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                          "command": cmd}}
    with open(a.out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
