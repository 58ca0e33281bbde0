#!/usr/bin/env python3
"""Three LLaMA-7B-shaped layers (q_proj, o_proj: 4096x4096; gate_proj: 11008x4096), heavy-tailed F32,
one safetensors file: the file `loupe inspect` is timed on against WeightWatcher (issue 15).

Entries are Student-t with 3 degrees of freedom times 0.02 (tail exponent 3, so the ESD has a
power-law tail: Martin & Mahoney 2021, JMLR 22(165), Table 1 "heavy-tailed" class), seeded.

    /usr/bin/python3 loupe-cli/bench/make_llama_layers.py /tmp/llama3.safetensors   # ~315 MB, ~20 s
Needs only numpy (Debian's python3-numpy).
"""
import json
import struct
import sys

import numpy as np

SHAPES = [("model.layers.0.self_attn.q_proj.weight", (4096, 4096), 1),
          ("model.layers.0.self_attn.o_proj.weight", (4096, 4096), 2),
          ("model.layers.0.mlp.gate_proj.weight", (11008, 4096), 3)]


def main(out):
    arrays = []
    for name, shape, seed in SHAPES:
        rng = np.random.default_rng(seed)
        arrays.append((name, (0.02 * rng.standard_t(3, size=shape)).astype("<f4")))
    header, offset = {}, 0
    for name, a in arrays:
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
    header["__metadata__"] = {"generator": "loupe-cli/bench/make_llama_layers.py"}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for _, a in arrays:
            f.write(a.tobytes())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "llama3.safetensors")
