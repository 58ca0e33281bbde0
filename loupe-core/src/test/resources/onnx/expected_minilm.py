#!/usr/bin/python3
"""Prints what the onnx package (the reference implementation) sees in an ONNX model, as the expected
values for Loupe's ONNX reader tests (TestOnnxReader). Run with Debian's python3 (onnx 1.12, numpy):

    /usr/bin/python3 expected_minilm.py all-minilm-l6-v2.onnx > minilm.expected.tsv

Weights are listed in Loupe's documented order: per graph its initializers, then per node the
'value' tensor of a Constant node (named after the node's first output) and, recursively, the
weights of subgraph attributes. Sums are float64 over the elements as numpy decodes them.
"""
import collections
import datetime
import sys

import numpy as np
import onnx
from onnx import numpy_helper

NAMES = {1: "F32", 2: "U8", 3: "I8", 4: "U16", 5: "I16", 6: "I32", 7: "I64", 9: "BOOL", 10: "F16",
         11: "F64", 12: "U32", 13: "U64", 16: "BF16"}


def weights(graph, out):
    for t in graph.initializer:
        out.append((t.name, t))
    for node in graph.node:
        for a in node.attribute:
            if node.op_type == "Constant" and node.domain in ("", "ai.onnx") and a.name == "value" and a.HasField("t"):
                out.append((node.output[0], a.t))
            if a.HasField("g"):
                weights(a.g, out)
            for g in a.graphs:
                weights(g, out)
    return out


def nodes(graph, out):
    for node in graph.node:
        out.append(node)
        for a in node.attribute:
            if a.HasField("g"):
                nodes(a.g, out)
            for g in a.graphs:
                nodes(g, out)
    return out


def main(path):
    m = onnx.load(path)
    g = m.graph
    print("# expected values for %s, printed by expected_minilm.py with onnx %s, numpy %s on %s"
          % (path.split("/")[-1], onnx.__version__, np.__version__, datetime.date.today().isoformat()))
    print("# command: /usr/bin/python3 expected_minilm.py %s" % path.split("/")[-1])
    print("model\tir_version\t%d" % m.ir_version)
    print("model\tproducer_name\t%s" % m.producer_name)
    print("model\tproducer_version\t%s" % m.producer_version)
    print("model\topset_import\t%s" % ",".join("%s:%d" % (o.domain or "ai.onnx", o.version) for o in m.opset_import))
    for p in m.metadata_props:
        print("model\tmetadata\t%s=%s" % (p.key, p.value))
    all_nodes = nodes(g, [])
    print("graph\tnodes\t%d" % len(all_nodes))
    print("graph\tinitializers\t%d" % len(g.initializer))
    print("graph\tinputs\t%s" % ",".join(i.name for i in g.input))
    print("graph\toutputs\t%s" % ",".join(o.name for o in g.output))
    for op, n in sorted(collections.Counter(n.op_type for n in all_nodes).items()):
        print("op\t%s\t%d" % (op, n))
    for node in all_nodes:
        if node.op_type == "Gemm":
            print("gemm\t%s\ttransB=%d" % (node.name, next((a.i for a in node.attribute if a.name == "transB"), 0)))
    ws = weights(g, [])
    print("weights\tcount\t%d" % len(ws))
    for name, t in ws:
        a = numpy_helper.to_array(t)
        d = a.astype(np.float64).ravel()
        first = ",".join(repr(float(x)) if a.dtype.kind == "f" else str(int(x)) for x in a.ravel()[:4])
        print("tensor\t%s\t%s\t%s\t%r\t%r\t%s" % (name, NAMES[t.data_type], ",".join(str(x) for x in t.dims),
                                               float(d.sum()), float((d * d).sum()), first))


if __name__ == "__main__":
    main(sys.argv[1])
