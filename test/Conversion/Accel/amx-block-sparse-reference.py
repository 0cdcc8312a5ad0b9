# prune-amx-block-sparse on a bf16 weight with all-zero 32x16 blocks (one
# whole zero column tile, scattered zero blocks, one block that is zero
# except a single element): the emitted AMX code, interpreted with the ISA's
# tdpbf16ps semantics (Inputs/amx_sim.py), equals numpy's X @ W + C exactly,
# with and without skipping zero tiles, and the sparse schedule executes
# exactly one tile multiply per non-zero block and 16-row tile of X.
# (No AMX hardware or emulator here: this checks packing and schedule.)
#
# REQUIRES: numpy
# RUN: rm -rf %t && mkdir -p %t
# RUN: %python %s gen %t
# RUN: prune-opt %t/mm.mlir --prune-amx-block-sparse -o %t/sparse.mlir 2>&1 | FileCheck %s --check-prefix=REMARK
# RUN: prune-opt %t/mm.mlir --prune-amx-block-sparse=skip-zero-tiles=false -o %t/dense.mlir 2>/dev/null
# RUN: %python %S/Inputs/amx_sim.py %t/sparse.mlir %t/in.npz --out %t/sparse.npy | FileCheck %s --check-prefix=SPARSE
# RUN: %python %S/Inputs/amx_sim.py %t/dense.mlir %t/in.npz --out %t/dense.npy | FileCheck %s --check-prefix=DENSE
# RUN: %python %s check %t | FileCheck %s
# REMARK: remark: prune-amx-block-sparse: 7 of 12 weight tiles (32x16 bf16) issued per 16 rows of X
# 48 rows = 3 row tiles: 3 * 7 and 3 * 12.
# SPARSE: tile_mulf executed: 21
# DENSE: tile_mulf executed: 36
# CHECK: sparse: exact
# CHECK: dense schedule: exact

import os
import sys

import numpy as np

M, K, N = 48, 96, 64  # 3 x 4 blocks of 32 x 16


def gen(d):
    rng = np.random.default_rng(11)
    w = rng.integers(-4, 5, size=(K, N)).astype(np.float32)
    w[w == 0] = 1
    zero = [(0, 1), (2, 1), (1, 2), (0, 3), (1, 3)]  # (kb, nb)
    for kb, nb in zero:
        w[kb * 32:(kb + 1) * 32, nb * 16:(nb + 1) * 16] = 0
    w[:, 16:32] = 0            # column tile 1: all zero
    w[32 + 5, 16 + 3] = 2.0    # ...except block (1, 1) has one element
    # Non-zero blocks: nb0: 3, nb1: 1, nb2: 2, nb3: 1 -> 7 of 12.
    x = rng.integers(-3, 4, size=(M, K)).astype(np.float32)
    c = rng.integers(-5, 6, size=(M, N)).astype(np.float32)
    np.savez(os.path.join(d, "in.npz"), x=x, c=c, w=w)
    bits = (w.view(np.uint32) >> 16).astype("<u2")
    with open(os.path.join(d, "mm.mlir"), "w") as f:
        f.write("""func.func @mm(%%x: tensor<%(M)dx%(K)dxbf16>, %%c: tensor<%(M)dx%(N)dxf32>) -> tensor<%(M)dx%(N)dxf32> {
  %%w = arith.constant dense<"0x%(w)s"> : tensor<%(K)dx%(N)dxbf16>
  %%y = linalg.matmul ins(%%x, %%w : tensor<%(M)dx%(K)dxbf16>, tensor<%(K)dx%(N)dxbf16>) outs(%%c : tensor<%(M)dx%(N)dxf32>) -> tensor<%(M)dx%(N)dxf32>
  return %%y : tensor<%(M)dx%(N)dxf32>
}
""" % dict(M=M, K=K, N=N, w=bits.tobytes().hex().upper()))


def check(d):
    inp = np.load(os.path.join(d, "in.npz"))
    ref = inp["x"].astype(np.float64) @ inp["w"].astype(np.float64) + inp["c"]
    for label, name in (("sparse", "sparse.npy"), ("dense schedule", "dense.npy")):
        y = np.load(os.path.join(d, name))
        err = np.abs(y - ref).max()
        print("%s: %s" % (label, "exact" if err == 0 else "WRONG (max error %g)" % err))


if __name__ == "__main__":
    {"gen": gen, "check": check}[sys.argv[1]](sys.argv[2])
