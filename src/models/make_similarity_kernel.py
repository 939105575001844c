#!/usr/bin/python3
"""Builds the scoring engine's similarity kernel graph: y = a · bᵀ as one ONNX Gemm.

The worker runs it with ONNX Runtime on the image tower's execution provider (CUDA on a GPU
machine, MLAS on a CPU) when the model's features are wide (OnnxSimilarityKernel); a few hundred
bytes, committed as a resource. Inputs a [n, d] and b [m, d] (float32, any n, m, d), output
y [n, m]. Needs only python3-onnx. Run from the repository root:

    /usr/bin/python3 src/models/make_similarity_kernel.py
"""
import os

import onnx
from onnx import TensorProto, helper

OUT = "inference-worker/src/main/resources/io/clipline/model/similarity.onnx"


def main():
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, ["n", "d"])
    b = helper.make_tensor_value_info("b", TensorProto.FLOAT, ["m", "d"])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", "m"])
    gemm = helper.make_node("Gemm", ["a", "b"], ["y"], transB=1)
    graph = helper.make_graph([gemm], "clipline_similarity", [a, b], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="clipline make_similarity_kernel.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    onnx.save(model, OUT)
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
