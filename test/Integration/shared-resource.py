# Two arith.constant ops naming the same dense_resource blob, one feeding a
# matmul as [K, N], the other transposed as a Linear weight [N, K] (tied
# weights an importer did not CSE). After prune-nm, every constant that
# carries a prune.sparsity must actually hold that pattern: at most n
# non-zeros in every m along its recorded dim, and the recorded ratio must be
# the fraction of zeros it holds.
#
# Each pruned constant gets a blob of its own (the shared blob keeps its
# data for the other readers), so each holds exactly its own pattern.
#
# RUN: %python %s --prune-opt prune-opt
# REQUIRES: numpy

import os
import re
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import numpy as np
import prunetest as pt
from prunetest import check

TEXT = """module {
  func.func @forward(%%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
    %%zero = arith.constant 0.0 : f32
    %%i = tensor.empty() : tensor<2x8xf32>
    %%f = linalg.fill ins(%%zero : f32) outs(%%i : tensor<2x8xf32>) -> tensor<2x8xf32>
    %%w1 = arith.constant dense_resource<shared> : tensor<8x8xf32>
    %%r1 = linalg.matmul ins(%%x, %%w1 : tensor<2x8xf32>, tensor<8x8xf32>) outs(%%f : tensor<2x8xf32>) -> tensor<2x8xf32>
    %%w2 = arith.constant dense_resource<shared> : tensor<8x8xf32>
    %%e = tensor.empty() : tensor<8x8xf32>
    %%t = linalg.transpose ins(%%w2 : tensor<8x8xf32>) outs(%%e : tensor<8x8xf32>) permutation = [1, 0]
    %%r2 = linalg.matmul ins(%%x, %%t : tensor<2x8xf32>, tensor<8x8xf32>) outs(%%f : tensor<2x8xf32>) -> tensor<2x8xf32>
    return %%r1, %%r2 : tensor<2x8xf32>, tensor<2x8xf32>
  }
}
{-#
  dialect_resources: {
    builtin: {
      shared: "%s"
    }
  }
#-}
"""


def run():
    tools = pt.parse_args(need_jit=False)
    w = pt.tie_free_weights([(8, 8)], seed=2)[0]
    out = tools.prune(TEXT % pt.hex_blob(w), ["--prune-nm=n=2 m=4"])
    data = pt.read_weights(out)["shared"]
    for attrs in re.findall(r"arith\.constant (\{[^}]*\}) dense_resource<shared>", out):
        dim = int(re.search(r"dim = (\d+)", attrs).group(1))
        ratio = float(re.search(r"ratio = ([-+0-9.eE]+)", attrs).group(1))
        groups = np.moveaxis(data != 0, dim, -1).reshape(-1, 4).sum(axis=1)
        check((groups == 2).all(), "constant claims 2:4 along dim %d, but groups keep %s"
              % (dim, sorted(set(groups.tolist()))))
        check(abs(ratio - (data == 0).mean()) < 1e-6,
              "constant records ratio %g, data is %g zeros" % (ratio, (data == 0).mean()))
    print("OK")


pt.main_guard(run)
