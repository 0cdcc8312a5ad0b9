"""Writes the small ONNX models the lit tests import, from text (onnx.helper):
    onnxgen.py <case> <out.onnx>
Weights are deterministic (fixed seed) so CHECK lines can name them."""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)


def w(name, *shape):
    return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def vi(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def model(nodes, inputs, outputs, inits=(), opset=13, name="g"):
    g = helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="onnxgen")
    m.ir_version = 7
    return m


def case_gemm():
    # torch.nn.Linear as exported: Gemm(x, W[out,in], b, transB=1).
    return model([helper.make_node("Gemm", ["x", "fc.weight", "fc.bias"], ["h"],
                                   name="fc", transB=1),
                  helper.make_node("Relu", ["h"], ["y"], name="relu")],
                 [vi("x", [2, 8])], [vi("y", [2, 4])],
                 [w("fc.weight", 4, 8), w("fc.bias", 4)])


def case_conv_bn():
    return model([
        helper.make_node("Conv", ["x", "conv.weight"], ["c"], name="conv1",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("BatchNormalization", ["c", "bn.scale", "bn.bias", "bn.mean", "bn.var"],
                         ["b"], name="bn1", epsilon=1e-5),
        helper.make_node("Relu", ["b"], ["r"], name="relu1"),
        helper.make_node("Conv", ["r", "conv2.weight", "conv2.bias"], ["y"], name="conv2",
                         kernel_shape=[1, 1]),
    ], [vi("x", [1, 3, 8, 8])], [vi("y", [1, 4, 4, 4])],
        [w("conv.weight", 8, 3, 3, 3), w("bn.scale", 8), w("bn.bias", 8), w("bn.mean", 8),
         numpy_helper.from_array(np.linspace(0.5, 2, 8).astype(np.float32), "bn.var"),
         w("conv2.weight", 4, 8, 1, 1), w("conv2.bias", 4)])


def case_dynamic():
    # A dynamic batch and width, and the shape arithmetic exporters leave:
    # Shape -> Gather -> Unsqueeze -> Concat -> Reshape.
    return model([
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Gather", ["s", "zero"], ["n"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"], name="unsq"),
        helper.make_node("Concat", ["n1", "minus1"], ["shp"], name="concat", axis=0),
        helper.make_node("Cast", ["shp"], ["shp64"], name="cast", to=TensorProto.INT64),
        helper.make_node("Reshape", ["x", "shp64"], ["flat"], name="reshape"),
        helper.make_node("MatMul", ["flat", "proj"], ["y"], name="proj"),
    ], [vi("x", ["N", 3, 4, "W"])], [vi("y", ["N", 5])],
        [ints("zero", 0), ints("axes0", [0]), ints("minus1", [-1]), w("proj", 48, 5)])


def case_unsupported():
    return model([helper.make_node("NonZero", ["x"], ["y"], name="nz")],
                 [vi("x", [4])], [vi("y", [1, 4], TensorProto.INT64)])


def case_opset99():
    m = case_gemm()
    m.opset_import[0].version = 99
    return m


def case_external():
    t = w("fc.weight", 4, 8)
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "missing-weights.bin"), ("offset", "0"), ("length", "128")):
        e = t.external_data.add()
        e.key, e.value = k, v
    m = case_gemm()
    del m.graph.initializer[0]
    m.graph.initializer.insert(0, t)
    return m


def case_bad_weight():
    m = case_gemm()
    m.graph.initializer[0].raw_data = m.graph.initializer[0].raw_data[:20]
    return m


def case_short_int_data():
    # An INT64 shape initializer stored in int64_data with fewer values than
    # its dims say.
    t = helper.make_tensor("shape", TensorProto.INT64, [2], [8, 1])
    del t.int64_data[1]
    return model([helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")],
                 [vi("x", [2, 4])], [vi("y", [8])], [t])


def case_convtranspose_bad_bias():
    # ConvTranspose with 3 output channels and a bias of 4.
    return model([helper.make_node("ConvTranspose", ["x", "ct.weight", "ct.bias"], ["y"],
                                   name="ct", kernel_shape=[3, 3])],
                 [vi("x", [1, 2, 4, 4])], [vi("y", [1, 3, 6, 6])],
                 [w("ct.weight", 2, 3, 3, 3), w("ct.bias", 4)])


def case_dropout_training():
    # Dropout with training_mode=true is random: refused, not imported as Identity.
    return model([helper.make_node("Dropout", ["x", "", "train"], ["y"], name="drop")],
                 [vi("x", [4])], [vi("y", [4])],
                 [numpy_helper.from_array(np.array(True), "train")])


def case_max_arity():
    # Add with three inputs is malformed (Sum takes any number).
    return model([helper.make_node("Add", ["x", "x", "x"], ["y"], name="add3")],
                 [vi("x", [4])], [vi("y", [4])])


def case_fused_qkv():
    # SVTR-style attention (as PaddleOCR's recognizer exports it): one
    # [C, 3C] projection reshaped [N, S, 3, H, D] and transposed to
    # [3, N, H, S, D]; q and v picked with Gather, k with Slice + Squeeze.
    n, s, c, h = 1, 6, 8, 2
    d = c // h
    nodes = [
        helper.make_node("MatMul", ["x", "qkv.weight"], ["qkv0"], name="qkv"),
        helper.make_node("Add", ["qkv0", "qkv.bias"], ["qkv1"], name="qkv_bias"),
        helper.make_node("Reshape", ["qkv1", "shape5"], ["qkv5"], name="split"),
        helper.make_node("Transpose", ["qkv5"], ["qkvt"], name="heads", perm=[2, 0, 3, 1, 4]),
        helper.make_node("Gather", ["qkvt", "i0"], ["q"], name="pick_q", axis=0),
        helper.make_node("Slice", ["qkvt", "one", "two", "zero1"], ["k1"], name="pick_k"),
        helper.make_node("Squeeze", ["k1", "zero1"], ["k"], name="squeeze_k"),
        helper.make_node("Gather", ["qkvt", "i2"], ["v"], name="pick_v", axis=0),
        helper.make_node("Mul", ["q", "scale"], ["qs"], name="scale_q"),
        helper.make_node("Transpose", ["k"], ["kt"], name="k_t", perm=[0, 1, 3, 2]),
        helper.make_node("MatMul", ["qs", "kt"], ["att"], name="qk"),
        helper.make_node("Softmax", ["att"], ["p"], name="softmax", axis=-1),
        helper.make_node("MatMul", ["p", "v"], ["o"], name="pv"),
        helper.make_node("Transpose", ["o"], ["ot"], name="merge", perm=[0, 2, 1, 3]),
        helper.make_node("Reshape", ["ot", "shape3"], ["o3"], name="merge_heads"),
        helper.make_node("MatMul", ["o3", "proj.weight"], ["y0"], name="proj"),
        helper.make_node("Add", ["y0", "proj.bias"], ["y"], name="proj_bias"),
    ]
    inits = [w("qkv.weight", c, 3 * c), w("qkv.bias", 3 * c), w("proj.weight", c, c),
             w("proj.bias", c), ints("shape5", [0, -1, 3, h, d]), ints("shape3", [0, -1, c]),
             numpy_helper.from_array(np.array(0, dtype=np.int64), "i0"),
             numpy_helper.from_array(np.array(2, dtype=np.int64), "i2"),
             ints("one", [1]), ints("two", [2]), ints("zero1", [0]),
             numpy_helper.from_array(np.array(d ** -0.5, dtype=np.float32), "scale")]
    return model(nodes, [vi("x", [n, s, c])], [vi("y", [n, s, c])], inits)


def case_resize_cubic():
    # Cubic Resize: a clear error (nearest and linear are imported).
    return model([helper.make_node("Resize", ["x", "", "scales"], ["y"], name="up",
                                   mode="cubic")],
                 [vi("x", [1, 1, 4, 4])], [vi("y", [1, 1, 8, 8])],
                 [numpy_helper.from_array(np.array([1, 1, 2, 2], dtype=np.float32), "scales")])


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    m = CASES[sys.argv[1]]()
    with open(sys.argv[2], "wb") as f:
        f.write(m.SerializeToString())
