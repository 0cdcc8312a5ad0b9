"""Prints an ONNX file for FileCheck, after onnx.checker accepted it:
  input <name> <shape>
  init <name> <dtype> <shape> [values, for up to 8 elements]
  node <OpType> <inputs> -> <outputs> {attr=value ...}
  output <name> <shape>

  onnxdump.py model.onnx
"""

import sys

import onnx
from onnx import helper, numpy_helper


def shape_of(vi):
    return "x".join(str(d.dim_value) for d in vi.type.tensor_type.shape.dim)


def main():
    m = onnx.load(sys.argv[1])
    onnx.checker.check_model(m, full_check=True)
    print("opset %d" % m.opset_import[0].version)
    g = m.graph
    for i in g.input:
        print("input %s %s" % (i.name, shape_of(i)))
    for t in g.initializer:
        a = numpy_helper.to_array(t)
        vals = (" " + " ".join("%g" % v for v in a.ravel())) if a.size <= 8 else ""
        print("init %s %s %s%s" % (t.name, a.dtype, "x".join(map(str, a.shape)), vals))
    for n in g.node:
        attrs = " ".join("%s=%s" % (a.name, helper.get_attribute_value(a))
                         for a in n.attribute)
        print("node %s %s -> %s {%s}" % (n.op_type, ",".join(n.input),
                                          ",".join(n.output), attrs))
    for o in g.output:
        print("output %s %s" % (o.name, shape_of(o)))


if __name__ == "__main__":
    main()
