# Compares the mma.sp operands prune-gpu-sparsify emits (values and metadata
# registers, SparseMetadata.cpp) with the independent numpy reference in
# Inputs/mma_sp_reference.py on random 2:4 weights, and checks that the
# hardware's view of them (fragment + metadata decode) is the weight.
#
# REQUIRES: numpy
# RUN: %python %s prune-opt %S/Inputs | FileCheck %s
# CHECK: seed 0: values ok, metadata ok, decode ok
# CHECK: seed 1: values ok, metadata ok, decode ok
# CHECK: seed 2: values ok, metadata ok, decode ok

import re
import subprocess
import sys

import numpy as np

sys.path.insert(0, sys.argv[2])
import mma_sp_reference as ref  # noqa: E402

PRUNE_OPT = sys.argv[1]


def hexattr(a):
    return '"0x' + a.tobytes().hex().upper() + '"'


def run(seed, m=8, k=64, n=32):
    rng = np.random.default_rng(seed)
    wt = ref.make_24(n, k, rng)  # W^T [N, K], 2:4 along K
    w = np.ascontiguousarray(wt.T)  # W [K, N] as the matmul consumes it
    src = f"""
func.func @f(%x: tensor<{m}x{k}xf16>, %c: tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %w = arith.constant dense<{hexattr(w)}> : tensor<{k}x{n}xf16>
  %y = linalg.matmul {{prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>}}
         ins(%x, %w : tensor<{m}x{k}xf16>, tensor<{k}x{n}xf16>) outs(%c : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  return %y : tensor<{m}x{n}xf32>
}}
"""
    out = subprocess.run(
        [PRUNE_OPT, "--prune-gpu-sparsify",
         "--mlir-print-elementsattrs-with-hex-if-larger=1"],
        input=src, capture_output=True, text=True, check=True).stdout
    consts = dict()
    for hexdata, shape, elt in re.findall(
            r'dense<"0x([0-9A-F]+)"> : tensor<([0-9x]+)x(f16|i32)>', out):
        consts[(shape, elt)] = bytes.fromhex(hexdata)
    values = np.frombuffer(consts[(f"{n}x{k // 2}", "f16")], np.uint16)
    meta = np.frombuffer(consts[(f"{n // 16}x{k // 16}x32", "i32")], np.uint32)
    rv, rm = ref.compress(wt)
    v_ok = np.array_equal(values.reshape(rv.shape), rv)
    m_ok = np.array_equal(meta.reshape(rm.shape), rm)
    d_ok = np.array_equal(
        ref.decode_m16n8k16(values.reshape(rv.shape), meta.reshape(rm.shape)),
        wt.view(np.uint16))
    print(f"seed {seed}: values {'ok' if v_ok else 'MISMATCH'}, "
          f"metadata {'ok' if m_ok else 'MISMATCH'}, "
          f"decode {'ok' if d_ok else 'MISMATCH'}")


for seed in range(3):
    run(seed)
