"""Writes gather-opset13.onnx: two lookup tables, one GatherBlockQuantized can take and one it cannot.

    y1 = Gather(t1 [10, 40], ids [N, 3])   (40 columns: even, not a multiple of 16 or 32)
    y2 = Gather(t2 [6, 9], ids2 [N])       (9 columns: odd, so it stays on DequantizeLinear)
Random tables (seed 2). Run with Debian's /usr/bin/python3 (onnx 1.12, numpy):
    /usr/bin/python3 make_gather_onnx.py
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(2)
t1 = rng.standard_normal((10, 40)).astype(np.float32)
t2 = rng.standard_normal((6, 9)).astype(np.float32)
nodes = [
    helper.make_node("Gather", ["t1", "ids"], ["y1"], name="g1"),
    helper.make_node("Gather", ["t2", "ids2"], ["y2"], name="g2"),
]
graph = helper.make_graph(
    nodes, "gather",
    [helper.make_tensor_value_info("ids", TensorProto.INT64, ["N", 3]),
     helper.make_tensor_value_info("ids2", TensorProto.INT64, ["N"])],
    [helper.make_tensor_value_info("y1", TensorProto.FLOAT, ["N", 3, 40]),
     helper.make_tensor_value_info("y2", TensorProto.FLOAT, ["N", 9])],
    [numpy_helper.from_array(t1, "t1"), numpy_helper.from_array(t2, "t2")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="loupe-test")
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, "gather-opset13.onnx")
