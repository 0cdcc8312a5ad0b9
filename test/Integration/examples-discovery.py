# The bundled examples parse, pass `prune-opt --prune-nm --prune-report`,
# and weight discovery finds every Linear and conv weight: the report lists
# exactly the weights the numpy reference model uses as Linear / conv
# weights, in program order, with their shapes, and nothing else (biases,
# BatchNorm and LayerNorm parameters are not contraction weights).
#
# RUN: %python %s --prune-opt prune-opt | FileCheck %s
# REQUIRES: numpy
# CHECK: mlp: 3 weights
# CHECK: cnn: 6 weights
# CHECK: transformer: 6 weights
# CHECK: OK

import json
import os
import sys
import tempfile

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import prunetest
from prunetest import check


def run():
    tools = prunetest.parse_args(need_jit=False)
    for model in ["mlp", "cnn", "transformer"]:
        text = prunetest.load_example(model)
        arrays = prunetest.read_weights(text)
        _, expected = prunetest.forward(model, arrays, prunetest.model_input(model))
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "report.json")
            tools.prune(text, ["--prune-nm", "--prune-report=output=%s quiet=true" % path])
            with open(path) as f:
                report = json.load(f)
        names = [w["name"] for w in report["weights"]]
        check(names == expected, "%s: report lists %s, expected %s" % (model, names, expected))
        for w in report["weights"]:
            shape = "x".join(str(d) for d in arrays[w["name"]].shape)
            check(w["shape"] == shape, "%s: %s has shape %s in the report"
                  % (model, w["name"], w["shape"]))
        print("%s: %d weights" % (model, len(names)))
    print("OK")


prunetest.main_guard(run)
