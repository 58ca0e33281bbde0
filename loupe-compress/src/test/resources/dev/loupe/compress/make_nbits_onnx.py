"""Writes nbits-opset13.onnx: the readers MatMulNBits must replace, with K not a multiple of the block sizes.

    x [N, 3, 100] -> MatMul w1 [100, 24] (3-D A) -> Relu -> Reshape [-1, 24]
      -> Gemm w2 [20, 24] transB=1 + bias [20] -> Gemm w3 [20, 18] (transB=0, no C)
      -> MatMul w4 [18, 18] -> MatMul w4 again (one weight, two readers)
      -> Gemm w5 [6, 18] transB=1, alpha=0.5 (not MatMulNBits-able: stays on DequantizeLinear) -> y [N*3, 6]
Random weights (seed 1). Run with Debian's /usr/bin/python3 (onnx 1.12, numpy):
    /usr/bin/python3 make_nbits_onnx.py
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(1)
w1 = rng.standard_normal((100, 24)).astype(np.float32)
w2 = rng.standard_normal((20, 24)).astype(np.float32)
b2 = rng.standard_normal(20).astype(np.float32)
w3 = rng.standard_normal((20, 18)).astype(np.float32) * 0.3
w4 = rng.standard_normal((18, 18)).astype(np.float32) * 0.3
w5 = rng.standard_normal((6, 18)).astype(np.float32)
shape = np.array([-1, 24], dtype=np.int64)
nodes = [
    helper.make_node("MatMul", ["x", "w1"], ["h1"], name="mm1"),
    helper.make_node("Relu", ["h1"], ["r1"], name="relu1"),
    helper.make_node("Reshape", ["r1", "shape"], ["f"], name="reshape"),
    helper.make_node("Gemm", ["f", "w2", "b2"], ["g2"], name="gemm2", transB=1),
    helper.make_node("Gemm", ["g2", "w3"], ["g3"], name="gemm3"),
    helper.make_node("MatMul", ["g3", "w4"], ["m4a"], name="mm4a"),
    helper.make_node("MatMul", ["m4a", "w4"], ["m4b"]),
    helper.make_node("Gemm", ["m4b", "w5"], ["y"], name="gemm5", transB=1, alpha=0.5),
]
graph = helper.make_graph(
    nodes, "nbits",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 100])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["M", 6])],
    [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2"), numpy_helper.from_array(b2, "b2"),
     numpy_helper.from_array(w3, "w3"), numpy_helper.from_array(w4, "w4"), numpy_helper.from_array(w5, "w5"),
     numpy_helper.from_array(shape, "shape")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="loupe-test")
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, "nbits-opset13.onnx")
