# examples/transformer.mlir, prune-unstructured{scope=layer}; ratio*numel is 340.5 for the 32x32 weights (rounds half to even: 340): the pruned constants must equal the numpy reference masks exactly (weights the reference skips must stay dense and unattributed), and the JIT-run pruned model must match a numpy forward of the masked weights.
#
# RUN: %python %s --prune-opt prune-opt --mlir-opt mlir-opt --mlir-runner mlir-runner \
# RUN:   --shared-libs %mlir_c_runner_utils,%mlir_runner_utils | FileCheck %s
# REQUIRES: numpy
# CHECK: OK

import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import prunetest

prunetest.main_guard(lambda: prunetest.run_model_case(
    "transformer", "prune-unstructured", {"ratio": "0.33251953125", "scope": "layer"}, sys.argv[1:]))
