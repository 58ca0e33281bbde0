"""Writes peer_all_dtypes.safetensors with the reference implementation (huggingface/safetensors 0.8.0,
Rust, via its Python binding), so Loupe's reader and writer are checked against the real thing.

Run once with Debian's python3 and the safetensors 0.8.0 wheel on the path:
    pip install --no-deps --target /tmp/stpy safetensors==0.8.0
    PYTHONPATH=/tmp/stpy /usr/bin/python3 make_peer_fixture.py
Tensor i's bytes are b[k] = (31*i + 7*k + 1) & 0xff, the same formula SafetensorsPeerTest uses.
"""
import safetensors
import numpy as np
from safetensors import TensorSpec, serialize_file

# The binding names dtypes as torch does.
TORCH_NAME = {"F64": "float64", "F32": "float32", "F16": "float16", "BF16": "bfloat16", "F8_E4M3": "float8_e4m3fn",
              "F8_E5M2": "float8_e5m2", "I64": "int64", "I32": "int32", "I16": "int16", "I8": "int8", "U8": "uint8",
              "BOOL": "bool", "U16": "uint16", "U32": "uint32", "U64": "uint64"}

assert safetensors.__version__ == "0.8.0", safetensors.__version__

# (name, dtype, element bytes, shape); names deliberately not in dtype order.
SPECS = [
    ("a.f64", "F64", 8, [3]),
    ("b.f32", "F32", 4, [2, 3]),
    ("c.f16", "F16", 2, [5]),
    ("d.bf16", "BF16", 2, [2, 2]),
    ("e.f8e4m3", "F8_E4M3", 1, [7]),
    ("f.f8e5m2", "F8_E5M2", 1, [3]),
    ("g.i64", "I64", 8, [2]),
    ("h.i32", "I32", 4, [3, 1]),
    ("i.i16", "I16", 2, [3]),
    ("j.i8", "I8", 1, [4]),
    ("k.u8", "U8", 1, [5]),
    ("l.bool", "BOOL", 1, [2]),
    ("m.u16", "U16", 2, [1]),
    ("n.u32", "U32", 4, [2]),
    ("o.u64", "U64", 8, [1]),
    ("p.scalar", "F32", 4, []),
    ("q.empty", "I32", 4, [0, 3]),
]

tensors = {}
keep_alive = []
for i, (name, dtype, eb, shape) in enumerate(SPECS):
    numel = 1
    for d in shape:
        numel *= d
    data = bytes((31 * i + 7 * k + 1) & 0xFF for k in range(numel * eb))
    if dtype == "BOOL":
        data = bytes(b & 1 for b in data)
    buf = np.frombuffer(data, dtype=np.uint8).copy()
    keep_alive.append(buf)
    tensors[name] = TensorSpec(dtype=TORCH_NAME[dtype], shape=shape, data_ptr=buf.ctypes.data, data_len=len(data))

serialize_file(tensors, "peer_all_dtypes.safetensors", metadata={"format": "pt"})
