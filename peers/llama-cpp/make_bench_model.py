#!/usr/bin/python3
"""A generated LLaMA-shaped GGUF (random normal(0, 0.02) weights, unit norms) for throughput benchmarks against
llama.cpp: by default TinyLlama-1.1B's shape (d 2048, 22 layers, 32 heads / 4 kv heads, SwiGLU 5632, vocab 32000,
rope_theta 10000), 1.10e9 parameters, F16 (2.2 GB) or F32 (4.4 GB). The vocabulary is the llama fixture's 512 byte-level
BPE tokens (fixtures/lm/llama/tokenizer.json, so text tokenizes as for the fixture) padded with unused tokens.
Written one tensor at a time by fixtures/lm/make_lm_fixtures.py's GGUF writer.

  /usr/bin/python3 peers/llama-cpp/make_bench_model.py --out /tmp/llama-1b-f16.gguf [--dtype f16|f32]
      [--hidden 2048 --layers 22 --heads 32 --kv-heads 4 --ffn 5632 --vocab 32000 --ctx 2048 --seed 0]
"""
import argparse
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "fixtures", "lm"))
import make_lm_fixtures as M  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for k, v in (("hidden", 2048), ("layers", 22), ("heads", 32), ("kv-heads", 4), ("ffn", 5632), ("vocab", 32000),
                 ("ctx", 2048), ("seed", 0)):
        ap.add_argument("--" + k, type=int, default=v)
    ap.add_argument("--dtype", choices=("f16", "f32"), default="f16")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    tj = json.load(open(os.path.join(ROOT, "fixtures", "lm", "llama", "tokenizer.json"), encoding="utf-8"))
    tok = M.Tokenizer([tuple(m.split(" ")) for m in tj["model"]["merges"]], M.SPECIALS_LLAMA, True)
    assert a.vocab >= M.VOCAB
    c = {"model_type": "llama", "vocab_size": a.vocab, "hidden_size": a.hidden, "intermediate_size": a.ffn,
         "num_hidden_layers": a.layers, "num_attention_heads": a.heads, "num_key_value_heads": a.kv_heads,
         "head_dim": a.hidden // a.heads, "max_position_embeddings": a.ctx, "rms_norm_eps": 1e-5,
         "rope_theta": 10000.0, "bos_token_id": 510, "eos_token_id": 511}
    gt = M.GGML_F16 if a.dtype == "f16" else M.GGML_F32
    kvs = M.gguf_metadata("bench", c, tok, 1 if a.dtype == "f16" else 0)
    pad = a.vocab - M.VOCAB  # unused filler tokens (llama.cpp token type 5 = UNUSED)
    for i, (k, vt, v) in enumerate(kvs):
        if k == "tokenizer.ggml.tokens":
            kvs[i] = (k, vt, v + [f"<unused{j}>" for j in range(pad)])
        elif k == "tokenizer.ggml.token_type":
            kvs[i] = (k, vt, v + [5] * pad)
        elif k == "general.name":
            kvs[i] = (k, vt, f"loupe-bench-llama-{a.layers}x{a.hidden}")
    rng = np.random.default_rng(a.seed)
    d, hd, kvd = a.hidden, a.hidden // a.heads, a.kv_heads * (a.hidden // a.heads)
    rand = lambda *shape: (shape, lambda: (rng.standard_normal(shape, dtype=np.float32) * 0.02))
    ones = lambda n: ((n,), lambda: np.ones(n, dtype=np.float32))
    ts = [("token_embd.weight", rand(a.vocab, d), gt)]
    for i in range(a.layers):
        ts += [(f"blk.{i}.attn_norm.weight", ones(d), M.GGML_F32), (f"blk.{i}.attn_q.weight", rand(d, d), gt),
               (f"blk.{i}.attn_k.weight", rand(kvd, d), gt), (f"blk.{i}.attn_v.weight", rand(kvd, d), gt),
               (f"blk.{i}.attn_output.weight", rand(d, d), gt), (f"blk.{i}.ffn_norm.weight", ones(d), M.GGML_F32),
               (f"blk.{i}.ffn_gate.weight", rand(a.ffn, d), gt), (f"blk.{i}.ffn_up.weight", rand(a.ffn, d), gt),
               (f"blk.{i}.ffn_down.weight", rand(d, a.ffn), gt)]
    ts += [("output_norm.weight", ones(d), M.GGML_F32), ("output.weight", rand(a.vocab, d), gt)]
    n = sum(int(np.prod(s)) for _, (s, _), _ in ts)
    M.write_gguf(a.out, kvs, ts)
    print(f"{a.out}: {n} parameters, {os.path.getsize(a.out)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
