#!/usr/bin/env python3
"""Dense vs 2:4 sparse f16 matmul on an NVIDIA GPU, from prune-gpu-pipeline.

    bench/gpu/run_gpu_bench.py [--build build] [--size 4096] [--iters 20]
                               [--dry-run]

For Y[M, N] = X[M, K] * W[K, N] with M = N = K = --size, W f16 pruned 2:4
along K:

  1. lowers the same module twice with prune-gpu-pipeline: sparse=true (the
     2:4 kernel on mma.sp) and sparse=false (the dense kernel on mma), as a
     cubin for the device's own sm_XY when ptxas is found, else as PTX;
  2. runs each with mlir-runner and libprune_cuda_runtime.so under
     PRUNE_CUDA_PROFILE=1, which times every kernel launch with CUDA events
     (host copies and allocations are not in the kernel time); the first
     launch is a warm-up, the median of the rest is reported;
  3. where PyTorch with CUDA is installed, times torch.mm on the dense
     weight (cuBLAS) and on to_sparse_semi_structured(W^T) (cuSPARSELt /
     CUTLASS) on the same data, as the reference;
  4. prints the times and the ratios dense / sparse (> 1: sparse is faster).

Without a GPU it prints "SKIP: ..." and exits 0. --dry-run generates and
lowers the modules (small size by default) without running anything, to
check the script on a machine without a GPU.
"""

import argparse
import ctypes
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LLVM_BIN = "/usr/lib/llvm-22/bin"
LLVM_LIB = "/usr/lib/llvm-22/lib"


def gpu_status(runtime):
    """(ok, message): a GPU the runtime can open, or why not."""
    smi = shutil.which("nvidia-smi")
    if not smi:
        return False, "nvidia-smi not found"
    try:
        listed = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as e:
        return False, "nvidia-smi failed: %s" % e
    if "GPU " not in listed:
        return False, "nvidia-smi lists no GPU"
    if not os.path.exists(runtime):
        return False, "%s not built (needs cuda.h at configure time)" % runtime
    lib = ctypes.CDLL(runtime)
    msg = ctypes.create_string_buffer(512)
    if lib.pruneCudaRuntimeProbe(msg, len(msg)) <= 0:
        return False, msg.value.decode()
    return True, msg.value.decode()


def compute_cap():
    smi = shutil.which("nvidia-smi")
    out = subprocess.run([smi, "--query-gpu=compute_cap", "--format=csv,noheader"],
                         capture_output=True, text=True).stdout if smi else ""
    m = re.match(r"\s*(\d+)\.(\d+)", out)
    return "sm_%s%s" % m.groups() if m else None


def weights(n, seed=0):
    import numpy as np
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((n, n)).astype(np.float16)  # W[K, N]
    # 2:4 along K: keep the two largest |w| of every group of four rows.
    g = np.abs(w.reshape(n // 4, 4, n).astype(np.float32))
    order = np.argsort(g, axis=1)
    mask = np.ones_like(g, dtype=bool)
    np.put_along_axis(mask, order[:, :2, :], False, axis=1)
    return (w.reshape(n // 4, 4, n) * mask).reshape(n, n).astype(np.float16)


def module(w, iters):
    n = w.shape[0]
    blob = "0x02000000" + w.astype("<f2").tobytes().hex()
    t = "tensor<%dx%dxf16>" % (n, n)
    o = "tensor<%dx%dxf32>" % (n, n)
    return """
func.func @forward(%%x: %(t)s) -> %(o)s {
  %%w = arith.constant dense_resource<bench_w> : %(t)s
  %%c = arith.constant dense<0.0> : %(o)s
  %%y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>}
         ins(%%x, %%w : %(t)s, %(t)s) outs(%%c : %(o)s) -> %(o)s
  return %%y : %(o)s
}
func.func @main() {
  %%x = arith.constant dense<0.5> : %(t)s
  %%c0 = arith.constant 0 : index
  %%c1 = arith.constant 1 : index
  %%n = arith.constant %(iters)d : index
  scf.for %%i = %%c0 to %%n step %%c1 {
    %%y = func.call @forward(%%x) : (%(t)s) -> %(o)s
  }
  return
}
{-#
  dialect_resources: {
    builtin: {
      bench_w: "%(blob)s"
    }
  }
#-}
""" % dict(t=t, o=o, iters=iters, blob=blob)


def lower(prune_opt, src, dst, opts, ptxas_dir):
    env = dict(os.environ)
    if ptxas_dir:
        env["PATH"] = ptxas_dir + os.pathsep + env.get("PATH", "")
    p = subprocess.run([prune_opt, "--prune-gpu-pipeline=" + opts, src, "-o", dst],
                       capture_output=True, text=True, env=env)
    if p.returncode:
        sys.exit("prune-gpu-pipeline=%s failed:\n%s" % (opts, p.stderr[-3000:]))
    return [l for l in p.stderr.splitlines() if "prune-gpu-sparsify:" in l]


def run(lowered, runtime):
    env = dict(os.environ, PRUNE_CUDA_PROFILE="1")
    libs = ",".join([runtime, os.path.join(LLVM_LIB, "libmlir_c_runner_utils.so"),
                     os.path.join(LLVM_LIB, "libmlir_runner_utils.so")])
    p = subprocess.run([os.path.join(LLVM_BIN, "mlir-runner"), "-e", "main",
                        "-entry-point-result=void", "-shared-libs=" + libs, lowered],
                       capture_output=True, text=True, env=env)
    if p.returncode:
        sys.exit("mlir-runner failed (%d):\n%s" % (p.returncode, p.stderr[-3000:]))
    times = [float(t) for t in re.findall(r"prune-cuda-runtime: kernel #\d+ .* ([0-9.]+) ms", p.stderr)]
    if len(times) < 2:
        sys.exit("no kernel timings in:\n" + p.stderr[-2000:])
    return statistics.median(times[1:])


def torch_reference(w, iters):
    try:
        import torch
        from torch.sparse import to_sparse_semi_structured
    except ImportError as e:
        return None, "PyTorch not available (%s)" % e
    if not torch.cuda.is_available():
        return None, "PyTorch has no CUDA"
    n = w.shape[0]
    wt = torch.from_numpy(w.T.copy()).cuda()           # [N, K], 2:4 along K
    xt = torch.full((n, n), 0.5, dtype=torch.float16, device="cuda")  # X^T [K, M]

    def timeit(fn):
        fn()
        torch.cuda.synchronize()
        ts = []
        for _ in range(iters):
            s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            s.record()
            fn()
            e.record()
            torch.cuda.synchronize()
            ts.append(s.elapsed_time(e))
        return statistics.median(ts)

    dense = timeit(lambda: torch.mm(wt, xt))
    try:
        ws = to_sparse_semi_structured(wt)
        sparse = timeit(lambda: torch.mm(ws, xt))
    except Exception as e:  # unsupported GPU / build
        return (dense, None), "to_sparse_semi_structured failed: %s" % e
    return (dense, sparse), None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--size", type=int, default=None)
    ap.add_argument("--iters", type=int, default=20)
    ap.add_argument("--dry-run", action="store_true")
    a = ap.parse_args()
    size = a.size or (256 if a.dry_run else 4096)
    runtime = os.path.join(a.build, "lib", "libprune_cuda_runtime.so")
    prune_opt = os.path.join(a.build, "bin", "prune-opt")

    if not a.dry_run:
        ok, why = gpu_status(runtime)
        if not ok:
            print("SKIP: no usable GPU: %s" % why)
            return 0
        print("device: %s" % why)

    cap = None if a.dry_run else compute_cap()
    ptxas = shutil.which("ptxas") or ("/usr/local/cuda/bin/ptxas"
                                      if os.path.exists("/usr/local/cuda/bin/ptxas") else None)
    if a.dry_run:
        target = "format=isa chip=sm_80"
    elif cap and ptxas:
        target = "format=bin chip=%s" % cap
    else:
        target = "format=isa chip=sm_80"
    w = weights(size)
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "mm.mlir")
        with open(src, "w") as f:
            f.write(module(w, a.iters + 1))
        results = {}
        for label, sparse in (("2:4 (mma.sp)", "true"), ("dense (mma)", "false")):
            dst = os.path.join(tmp, "lowered-%s.mlir" % sparse)
            remarks = lower(prune_opt, src, dst, "%s sparse=%s" % (target, sparse),
                            os.path.dirname(ptxas) if ptxas else None)
            print("%-14s lowered (%s): %s" % (label, target, remarks[-1].split("prune-gpu-sparsify: ")[-1]
                                               if remarks else "?"))
            if not a.dry_run:
                results[label] = run(dst, runtime)
        if a.dry_run:
            print("dry run: lowered both variants at %d^3; nothing executed" % size)
            return 0

    print("\n%dx%dx%d f16 -> f32, median of %d kernel launches" % (size, size, size, a.iters))
    flops = 2.0 * size ** 3
    for label, ms in results.items():
        print("  %-28s %9.3f ms  %8.1f TFLOP/s (dense-equivalent)" % ("prune " + label, ms, flops / ms / 1e9))
    ours = results["dense (mma)"] / results["2:4 (mma.sp)"]
    print("  ratio dense / 2:4 (prune):    %.2fx" % ours)
    ref, why = torch_reference(w, a.iters)
    if ref is None:
        print("  PyTorch reference: skipped (%s)" % why)
    else:
        dense, sparse = ref
        print("  %-28s %9.3f ms  %8.1f TFLOP/s" % ("torch.mm dense (cuBLAS)", dense, flops / dense / 1e9))
        if sparse is None:
            print("  PyTorch semi-structured: skipped (%s)" % why)
        else:
            print("  %-28s %9.3f ms  %8.1f TFLOP/s" % ("torch semi-structured 2:4", sparse, flops / sparse / 1e9))
            print("  ratio dense / 2:4 (torch):    %.2fx" % (dense / sparse))
        print("  prune 2:4 vs torch dense:     %.2fx" % (dense / results["2:4 (mma.sp)"]))
    print("\ntarget (issue 6): prune 2:4 at least 1.3x faster than prune dense at 4096^3 on H100")
    return 0


if __name__ == "__main__":
    sys.exit(main())
