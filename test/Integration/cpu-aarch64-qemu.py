# AArch64 NEON kernels cross-compiled and run under qemu-user: for 2:4,
# 4:8, BSR 4x4, CSR and the dense kernel, a pruned Linear is lowered with
# prune-cpu-pipeline{target=aarch64-neon}, translated to LLVM IR, compiled by
# llc for aarch64-linux-gnu (+neon), linked with a C driver by the
# cross gcc and run with qemu-aarch64; the result must match numpy on the
# pruned weights, and the object must contain NEON FMAs (fmla on .4s).
#
# RUN: %python %s --prune-opt prune-opt --tools %llvm_tools_dir | FileCheck %s
# REQUIRES: numpy, qemu-aarch64
# CHECK: OK

import argparse
import os
import re
import sys
import tempfile

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--prune-opt", required=True)
ap.add_argument("--tools", required=True)
args = ap.parse_args()


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import prunetest  # noqa: E402

run = prunetest.run_or_exit
fmt = prunetest.dense_text


def model(w, m):
    n, k = w.shape
    return f"""
func.func @forward(%x: tensor<{m}x{k}xf32>) -> tensor<{m}x{n}xf32> {{
  %w = arith.constant dense<{fmt(w)}> : tensor<{n}x{k}xf32>
  %e = tensor.empty() : tensor<{k}x{n}xf32>
  %wt = linalg.transpose ins(%w : tensor<{n}x{k}xf32>) outs(%e : tensor<{k}x{n}xf32>) permutation = [1, 0]
  %c0 = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<{m}x{n}xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%o : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>) outs(%f : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  return %y : tensor<{m}x{n}xf32>
}}
"""


DRIVER = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
typedef struct { float *allocated, *aligned; int64_t offset, sizes[2], strides[2]; } MemRef2D;
void _mlir_ciface_forward(MemRef2D *out, MemRef2D *in);
static float x[] = {%s};
int main(void) {
  MemRef2D in = {x, x, 0, {%d, %d}, {%d, 1}}, out;
  _mlir_ciface_forward(&out, &in);
  for (int64_t i = 0; i < out.sizes[0]; ++i)
    for (int64_t j = 0; j < out.sizes[1]; ++j)
      printf("%%.9g\n", out.aligned[out.offset + i * out.strides[0] + j * out.strides[1]]);
  free(out.allocated);
  return 0;
}
"""


def pruned_weight(text, shape):
    mt = re.search(r"arith.constant \{prune.sparsity[^}]*\} dense<(.*?)> : tensor<", text)
    assert mt, "no pruned weight"
    body = mt.group(1)
    if body.startswith('"0x'):
        raw = bytes.fromhex(body[3:-1])
        return np.frombuffer(raw, dtype="<f4").astype(np.float64).reshape(shape)
    vals = [float(v) for v in re.findall(r"-?\d+\.\d+e[-+]\d+|-?\d+\.?\d*", mt.group(1))]
    return np.array(vals, dtype=np.float64).reshape(shape)


CASES = [
    ("nm24", ["--prune-nm=n=2 m=4"], "2:4 kernel", 24, 32),
    ("nm48", ["--prune-nm=n=4 m=8"], "4:8 kernel", 16, 64),
    ("bsr4x4", ["--prune-blocks=block=4,4 ratio=0.75"], "BSR 4x4 kernel", 16, 32),
    ("csr", ["--prune-unstructured=ratio=0.9"], "CSR kernel", 20, 36),
    ("dense", None, None, 12, 20),
]

rng = np.random.default_rng(7)
checked = 0
with tempfile.TemporaryDirectory() as tmp:
    for name, flags, remark, n, k in CASES:
        for m in (5, 8):
            x = rng.standard_normal((m, k)).astype(np.float32).round(3)
            w = rng.standard_normal((n, k)).astype(np.float32).round(3)
            src = model(w, m)
            if flags:
                src, _ = run([args.prune_opt] + flags, src)
                wp = pruned_weight(src, w.shape)
            else:
                wp = w.astype(np.float64)
            low, err = run([args.prune_opt, "--prune-cpu-pipeline=target=aarch64-neon"], src)
            if remark and remark not in err:
                sys.exit("FAIL %s: expected '%s' remark, got:\n%s" % (name, remark, err))
            base = os.path.join(tmp, "%s_%d" % (name, m))
            ll, _ = run([os.path.join(args.tools, "mlir-translate"), "--mlir-to-llvmir"], low)
            with open(base + ".ll", "w") as f:
                f.write(ll)
            run([os.path.join(args.tools, "llc"), "-O2", "-mtriple=aarch64-linux-gnu",
                 "-mattr=+neon", "-relocation-model=pic", "-filetype=obj",
                 base + ".ll", "-o", base + ".o"])
            asm, _ = run([os.path.join(args.tools, "llc"), "-O2", "-mtriple=aarch64-linux-gnu",
                          "-mattr=+neon", base + ".ll", "-o", "-"])
            if not re.search(r"\bfmla\s+v\d+\.4s", asm):
                sys.exit("FAIL %s: no NEON fmla .4s in the AArch64 code" % name)
            with open(base + ".c", "w") as f:
                f.write(DRIVER % (", ".join("%.9g" % v for v in x.ravel()), m, k, k))
            run(["aarch64-linux-gnu-gcc", "-O1", base + ".c", base + ".o", "-o", base + ".exe"])
            out, _ = run(["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu", base + ".exe"])
            got = np.array([float(v) for v in out.split()])
            ref = (x.astype(np.float64) @ wp.T).ravel()
            if got.size != ref.size or not np.allclose(got, ref, rtol=1e-4, atol=1e-3):
                sys.exit("FAIL %s m=%d: qemu result differs from numpy" % (name, m))
            checked += 1
print("checked", checked)
print("OK")
