# End to end on an NVIDIA GPU (sm_80 or later): prune-gpu-pipeline lowers a
# 2:4-pruned f16 matmul to nvgpu.mma.sp.sync and a dense one to
# nvgpu.mma.sync; mlir-runner runs the module with libprune_cuda_runtime.so;
# both results must equal numpy exactly (small integer values, f32
# accumulation), for PTX JIT-compiled by the driver (format=isa) and for a
# cubin assembled by ptxas for the device's own architecture (format=bin),
# and the sparse kernel must agree with the pipeline's dense baseline
# (sparse=false); the same for bf16 (inline-PTX kernels). Skipped where no GPU is listed by nvidia-smi.
#
# NOTE: written without access to a GPU; it has not been run on hardware.
#
# REQUIRES: cuda-gpu, cuda-runtime, numpy
# RUN: %python %s --prune-opt prune-opt --mlir-runner mlir-runner \
# RUN:   --shared-libs %prune_cuda_runtime,%mlir_c_runner_utils,%mlir_runner_utils | FileCheck %s
# CHECK: remarks: 2:4 kernel on nvgpu.mma.sp.sync, dense kernel on nvgpu.mma.sync
# CHECK: isa sm_80: sparse exact, dense exact
# CHECK: bf16 remarks: bf16 2:4 kernel on mma.sp, bf16 dense kernel on mma
# CHECK: bf16 isa sm_80: sparse exact, dense exact
# CHECK: baseline sparse=false: sparse exact, dense exact
# CHECK: OK

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

M, K, N = 32, 64, 48


def hexlit(a):
    return '"0x' + np.ascontiguousarray(a).tobytes().hex().upper() + '"'


def pruned_24(rng, k, n):
    """W[K, N] with at most 2 non-zeros in every group of 4 along K; some
    groups keep 1 or 0 (the packing's padding cases)."""
    w = rng.integers(-3, 4, size=(k, n)).astype(np.float64)
    w[w == 0] = 1
    for col in range(n):
        for g in range(k // 4):
            keep = rng.choice(4, size=2, replace=False)
            drop = rng.random()
            for r in range(4):
                if r not in keep or (drop < 0.15 and r == keep[0]) or drop < 0.05:
                    w[4 * g + r, col] = 0
    return w


def raw16(a, ty):
    """Little-endian f16 or bf16 bits of `a` (bf16: the high half of f32;
    exact for the small integers used here)."""
    if ty == "f16":
        return a.astype("<f2")
    return (a.astype("<f4").view("<u4") >> 16).astype("<u2")


def module(x, w_sparse, w_dense, c, ty="f16"):
    text = """
func.func @forward(%%x: tensor<%(M)dx%(K)dxf16>) -> (tensor<%(M)dx%(N)dxf32>, tensor<%(M)dx%(N)dxf32>) {
  %%ws = arith.constant dense<%(ws)s> : tensor<%(K)dx%(N)dxf16>
  %%wd = arith.constant dense<%(wd)s> : tensor<%(K)dx%(N)dxf16>
  %%c = arith.constant dense<%(c)s> : tensor<%(M)dx%(N)dxf32>
  %%y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>}
         ins(%%x, %%ws : tensor<%(M)dx%(K)dxf16>, tensor<%(K)dx%(N)dxf16>) outs(%%c : tensor<%(M)dx%(N)dxf32>) -> tensor<%(M)dx%(N)dxf32>
  %%z = linalg.matmul ins(%%x, %%wd : tensor<%(M)dx%(K)dxf16>, tensor<%(K)dx%(N)dxf16>) outs(%%c : tensor<%(M)dx%(N)dxf32>) -> tensor<%(M)dx%(N)dxf32>
  return %%y, %%z : tensor<%(M)dx%(N)dxf32>, tensor<%(M)dx%(N)dxf32>
}
func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
func.func @main() {
  %%x = arith.constant dense<%(x)s> : tensor<%(M)dx%(K)dxf16>
  %%y, %%z = call @forward(%%x) : (tensor<%(M)dx%(K)dxf16>) -> (tensor<%(M)dx%(N)dxf32>, tensor<%(M)dx%(N)dxf32>)
  %%by = bufferization.to_buffer %%y : tensor<%(M)dx%(N)dxf32> to memref<%(M)dx%(N)dxf32>
  %%uy = memref.cast %%by : memref<%(M)dx%(N)dxf32> to memref<*xf32>
  call @printMemrefF32(%%uy) : (memref<*xf32>) -> ()
  %%bz = bufferization.to_buffer %%z : tensor<%(M)dx%(N)dxf32> to memref<%(M)dx%(N)dxf32>
  %%uz = memref.cast %%bz : memref<%(M)dx%(N)dxf32> to memref<*xf32>
  call @printMemrefF32(%%uz) : (memref<*xf32>) -> ()
  return
}
""" % dict(M=M, K=K, N=N, x=hexlit(raw16(x, ty)), ws=hexlit(raw16(w_sparse, ty)),
           wd=hexlit(raw16(w_dense, ty)), c=hexlit(c.astype("<f4")))
    return text.replace("xf16>", "x%s>" % ty)


FLOAT = re.compile(r"[-+]?(?:nan|inf|\d+\.?\d*(?:[eE][-+]?\d+)?)")


def printed(out, count, shape):
    parts = out.split("Unranked Memref")[1:]
    if len(parts) != count:
        raise RuntimeError("expected %d printed memrefs, got %d:\n%s" % (count, len(parts), out[:2000]))
    res = []
    for p in parts:
        vals = [float(v) for v in FLOAT.findall(p[p.find("data =") + 6:])]
        res.append(np.array(vals[:int(np.prod(shape))]).reshape(shape))
    return res


def compute_cap():
    smi = shutil.which("nvidia-smi")
    if not smi:
        return None
    p = subprocess.run([smi, "--query-gpu=compute_cap", "--format=csv,noheader"],
                       capture_output=True, text=True)
    m = re.match(r"\s*(\d+)\.(\d+)", p.stdout)
    return "sm_%s%s" % m.groups() if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prune-opt", required=True)
    ap.add_argument("--mlir-runner", required=True)
    ap.add_argument("--shared-libs", required=True)
    a = ap.parse_args()

    rng = np.random.default_rng(6)
    x = rng.integers(-2, 3, size=(M, K)).astype(np.float64)
    ws = pruned_24(rng, K, N)
    wd = rng.integers(-3, 4, size=(K, N)).astype(np.float64)
    c = rng.integers(-4, 5, size=(M, N)).astype(np.float64)
    ref_sparse, ref_dense = x @ ws + c, x @ wd + c
    ok = True
    text = None

    def run(opts, path_extra=None):
        env = dict(os.environ)
        if path_extra:
            env["PATH"] = path_extra + os.pathsep + env.get("PATH", "")
        with tempfile.TemporaryDirectory() as tmp:
            lowered = os.path.join(tmp, "lowered.mlir")
            p = subprocess.run([a.prune_opt, "--prune-gpu-pipeline=" + opts, "-", "-o", lowered],
                               input=text, capture_output=True, text=True, env=env)
            if p.returncode:
                raise RuntimeError("prune-gpu-pipeline=%s failed:\n%s" % (opts, p.stderr[-3000:]))
            remarks = p.stderr
            r = subprocess.run([a.mlir_runner, "-e", "main", "-entry-point-result=void",
                                "-shared-libs=" + a.shared_libs, lowered],
                               capture_output=True, text=True, env=env)
            if r.returncode:
                raise RuntimeError("mlir-runner (%s) exited %d:\n%s" % (opts, r.returncode, r.stderr[-3000:]))
            return remarks, printed(r.stdout, 2, (M, N))

    def report(label, got):
        nonlocal ok
        words = []
        for name, g, ref in (("sparse", got[0], ref_sparse), ("dense", got[1], ref_dense)):
            err = np.abs(g - ref).max()
            words.append("%s %s" % (name, "exact" if err == 0 else "WRONG (max error %g)" % err))
            ok &= err == 0
        print("%s: %s" % (label, ", ".join(words)))

    text = module(x, ws, wd, c)
    remarks, got = run("format=isa chip=sm_80")
    kinds = re.findall(r"prune-gpu-sparsify: (2:4 kernel on nvgpu.mma.sp.sync|dense kernel on nvgpu.mma.sync)", remarks)
    print("remarks: " + ", ".join(kinds))
    report("isa sm_80", got)

    # bf16: the inline-PTX kernels, same data (exact in bf16 too).
    text = module(x, ws, wd, c, "bf16")
    remarks, got = run("format=isa chip=sm_80")
    kinds = re.findall(r"prune-gpu-sparsify: (bf16 2:4 kernel on mma.sp|bf16 dense kernel on mma)", remarks)
    print("bf16 remarks: " + ", ".join(kinds))
    report("bf16 isa sm_80", got)
    text = module(x, ws, wd, c)

    cap = compute_cap()
    ptxas = shutil.which("ptxas") or ("/usr/local/cuda/bin/ptxas" if os.path.exists("/usr/local/cuda/bin/ptxas") else None)
    if cap and ptxas:
        _, got = run("format=bin chip=%s" % cap, os.path.dirname(ptxas))
        report("bin %s" % cap, got)
    else:
        print("bin: skipped (no ptxas or no compute capability)")

    _, got = run("format=isa chip=sm_80 sparse=false")
    report("baseline sparse=false", got)
    print("OK" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
