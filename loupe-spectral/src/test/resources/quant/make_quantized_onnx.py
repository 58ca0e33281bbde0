#!/usr/bin/python3
"""Writes quantized_tiny.onnx: the two ONNX integer-weight patterns, with small hand-picked values.

Run with Debian's /usr/bin/python3 (onnx 1.12). TestQuantizedOnnx writes the dequantized matrices out by hand.

  y1 = MatMul(x, DequantizeLinear(Wq, ws, wz, axis=1))          Wq int8 [3,4], per-column scale/zero point
  y2 = Mul(Cast(MatMulInteger(xq, Bq, xz, bz)), Mul(xs, bs))     Bq int8 [4,2], per-column; (xq, xs, xz) from
                                                                 DynamicQuantizeLinear(y1), as ONNX Runtime's
                                                                 dynamic quantization writes it
  e  = DequantizeLinear(Gather(Eq, ids), es, ez)                 Eq uint8 [5,3], per-tensor
"""
import os
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

Wq = np.array([[1, -2, 3, 4], [5, 6, -7, 8], [-9, 10, 11, -12]], dtype=np.int8)
ws = np.array([0.5, 0.25, 2.0, 1.0], dtype=np.float32)
wz = np.array([1, 0, -2, 3], dtype=np.int8)
Bq = np.array([[2, -1], [0, 4], [7, 3], [-5, 6]], dtype=np.int8)
bs = np.array([0.125, 3.0], dtype=np.float32)
bz = np.array([0, 1], dtype=np.int8)
Eq = np.array([[0, 10, 20], [30, 40, 50], [60, 70, 80], [90, 100, 110], [120, 130, 255]], dtype=np.uint8)
es = np.array(0.1, dtype=np.float32)
ez = np.array(128, dtype=np.uint8)

inits = [numpy_helper.from_array(a, n) for a, n in
         [(Wq, "dense.weight_quantized"), (ws, "dense.weight_scale"), (wz, "dense.weight_zero_point"),
          (Bq, "onnx::MatMul_9_quantized"), (bs, "onnx::MatMul_9_scale"), (bz, "onnx::MatMul_9_zero_point"),
          (Eq, "emb.weight_quantized"), (es, "emb.weight_scale"), (ez, "emb.weight_zero_point")]]
nodes = [
    helper.make_node("DequantizeLinear", ["dense.weight_quantized", "dense.weight_scale", "dense.weight_zero_point"],
                     ["W"], name="/dense/W_DequantizeLinear", axis=1),
    helper.make_node("MatMul", ["x", "W"], ["y1"], name="/dense/MatMul"),
    helper.make_node("DynamicQuantizeLinear", ["y1"], ["xq", "xs", "xz"], name="/proj/x_QuantizeLinear"),
    helper.make_node("Mul", ["xs", "onnx::MatMul_9_scale"], ["scales"], name="/proj/MatMul_quant_scales_mul"),
    helper.make_node("MatMulInteger", ["xq", "onnx::MatMul_9_quantized", "xz", "onnx::MatMul_9_zero_point"],
                     ["yq"], name="/proj/MatMul_quant"),
    helper.make_node("Cast", ["yq"], ["yf"], name="/proj/cast", to=TensorProto.FLOAT),
    helper.make_node("Mul", ["yf", "scales"], ["y2"], name="/proj/MatMul_quant_output_scale_mul"),
    helper.make_node("Gather", ["emb.weight_quantized", "ids"], ["eq"], name="/emb/Gather"),
    helper.make_node("DequantizeLinear", ["eq", "emb.weight_scale", "emb.weight_zero_point"], ["e"],
                     name="/emb/Gather_DequantizeLinear"),
]
graph = helper.make_graph(nodes, "quantized_tiny",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3]),
                           helper.make_tensor_value_info("ids", TensorProto.INT64, [1])],
                          [helper.make_tensor_value_info("y2", TensorProto.FLOAT, [1, 2]),
                           helper.make_tensor_value_info("e", TensorProto.FLOAT, [1, 3])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="loupe-fixture")
onnx.checker.check_model(model)
onnx.save(model, os.path.join(os.path.dirname(os.path.abspath(__file__)), "quantized_tiny.onnx"))
