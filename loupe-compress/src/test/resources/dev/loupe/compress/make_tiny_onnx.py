"""Writes tiny-opset13.onnx: Conv -> Relu -> Flatten -> Gemm(transB=1) -> Relu -> MatMul, random weights (seed 0).

The three weight layouts DequantizeLinear must get right: Conv [out, in, kh, kw] (axis 0), Gemm transB=1 [out, in]
(axis 0), MatMul [in, out] (axis 1). Run with Debian's /usr/bin/python3 (onnx 1.12, numpy):
    /usr/bin/python3 make_tiny_onnx.py
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)
w1 = rng.standard_normal((4, 1, 3, 3)).astype(np.float32)
b1 = rng.standard_normal(4).astype(np.float32)
w2 = rng.standard_normal((8, 64)).astype(np.float32)
b2 = rng.standard_normal(8).astype(np.float32)
w3 = rng.standard_normal((8, 5)).astype(np.float32)
nodes = [
    helper.make_node("Conv", ["x", "conv.weight", "conv.bias"], ["c"], name="conv", kernel_shape=[3, 3]),
    helper.make_node("Relu", ["c"], ["r1"], name="relu1"),
    helper.make_node("Flatten", ["r1"], ["f"], name="flatten", axis=1),
    helper.make_node("Gemm", ["f", "fc.weight", "fc.bias"], ["g"], name="fc", transB=1),
    helper.make_node("Relu", ["g"], ["r2"], name="relu2"),
    helper.make_node("MatMul", ["r2", "head.weight"], ["y"], name="head"),
]
graph = helper.make_graph(
    nodes, "tiny",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 6, 6])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 5])],
    [numpy_helper.from_array(w1, "conv.weight"), numpy_helper.from_array(b1, "conv.bias"),
     numpy_helper.from_array(w2, "fc.weight"), numpy_helper.from_array(b2, "fc.bias"),
     numpy_helper.from_array(w3, "head.weight")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="loupe-test")
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, "tiny-opset13.onnx")
