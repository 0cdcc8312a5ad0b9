# examples/transformer.mlir, prune-blocks{block=8,4 ratio=0.328125}; the 32x32 weights have 32 blocks, 10.5 to remove (rounds half to even: 10): the pruned constants must equal the numpy reference masks exactly (weights the reference skips must stay dense and unattributed), and the JIT-run pruned model must match a numpy forward of the masked weights.
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
    "transformer", "prune-blocks", {"block": "8,4", "ratio": "0.328125"}, sys.argv[1:]))
