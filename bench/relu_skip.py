#!/usr/bin/env python3
"""prune-relu-skip: time of relu(x + shift) @ W with and without skipping.

The harness (bench/issue5/harness.c) fills x with values spread evenly over
[-0.5, 0.5), so `shift` sets the fraction of live hidden units:
0.5 + shift. Both variants are lowered by the same pipeline (upstream
`mlir-opt --sparsifier`, what prune-run uses), translated, compiled with
llc -O3 -mcpu=native and timed in one run (median of repeated calls, one
thread). Ratios are dense / skip: above 1 the skipping wins. The dense
side is the sparsifier's plain loop nest, not a vectorised or BLAS
matmul: against those the break-even moves to far fewer live units.

  python3 bench/relu_skip.py --prune-opt build/bin/prune-opt [--sizes 1024x1024] [--batches 1,16]
"""
import argparse
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LLVM = "/usr/lib/llvm-22/bin"

ap = argparse.ArgumentParser()
ap.add_argument("--prune-opt", default=os.path.join(ROOT, "build", "bin", "prune-opt"))
ap.add_argument("--out", default=os.path.join(ROOT, "bench", "out", "relu_skip"))
ap.add_argument("--sizes", default="1024x1024", help="KxN (hidden x outputs)")
ap.add_argument("--batches", default="1,16")
ap.add_argument("--live", default="0.5,0.1,0.02", help="fractions of live units")
ap.add_argument("--budget-ms", default="300")
args = ap.parse_args()
os.makedirs(args.out, exist_ok=True)


def sh(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr[-3000:]))
    return p


def model(m, k, n, shift):
    return f"""#map = affine_map<(d0, d1) -> (d0, d1)>
func.func @forward(%x: tensor<{m}x{k}xf32>) -> tensor<{m}x{n}xf32> attributes {{llvm.emit_c_interface}} {{
  %w = arith.constant dense_resource<w> : tensor<{k}x{n}xf32>
  %c0 = arith.constant 0.0 : f32
  %s = arith.constant {shift!r} : f32
  %e = tensor.empty() : tensor<{m}x{k}xf32>
  %a = linalg.generic {{indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]}} ins(%x : tensor<{m}x{k}xf32>) outs(%e : tensor<{m}x{k}xf32>) {{
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %s : f32
    linalg.yield %v : f32
  }} -> tensor<{m}x{k}xf32>
  %e2 = tensor.empty() : tensor<{m}x{k}xf32>
  %h = linalg.generic {{indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]}} ins(%a : tensor<{m}x{k}xf32>) outs(%e2 : tensor<{m}x{k}xf32>) {{
  ^bb0(%in: f32, %out: f32):
    %v = arith.maximumf %in, %c0 : f32
    linalg.yield %v : f32
  }} -> tensor<{m}x{k}xf32>
  %o = tensor.empty() : tensor<{m}x{n}xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%o : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %y = linalg.matmul ins(%h, %w : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>) outs(%f : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  return %y : tensor<{m}x{n}xf32>
}}
"""


def build(ir, tag, skip):
    base = os.path.join(args.out, tag)
    with open(base + ".in.mlir", "w") as f:
        f.write(ir)
    src = base + ".in.mlir"
    if skip:
        sh([args.prune_opt, "--prune-relu-skip=granularity=" + skip, src, "-o", base + ".skip.mlir"])
        src = base + ".skip.mlir"
    sh([LLVM + "/mlir-opt", "--sparsifier", src, "-o", base + ".mlir"])
    llir = sh([LLVM + "/mlir-translate", "--mlir-to-llvmir", base + ".mlir"]).stdout
    with open(base + ".ll", "w") as f:
        f.write(llir)
    sh([LLVM + "/llc", "-O3", "-mcpu=native", "-relocation-model=pic", "-filetype=obj",
        base + ".ll", "-o", base + ".o"])
    sh(["gcc", "-O2", os.path.join(HERE, "issue5", "harness.c"), base + ".o", "-o", base + ".exe"])
    return base + ".exe"


def timeit(exe, m, k, n):
    out = sh([exe, str(m), str(k), str(n), args.budget_ms]).stdout.split()
    return float(out[0]), out[1]


rng = np.random.default_rng(0)
print("| K x N | batch | live | dense ms | skip row ms | skip batch ms | dense/row | dense/batch |")
print("|---|---|---|---|---|---|---|---|")
for size in args.sizes.split(","):
    k, n = map(int, size.split("x"))
    w = rng.standard_normal((k, n)).astype(np.float32)
    res = ('\n{-#\n  dialect_resources: {\n    builtin: {\n      w: "0x04000000%s"\n    }\n  }\n#-}\n'
           % w.tobytes().hex().upper())
    for m in map(int, args.batches.split(",")):
        for live in map(float, args.live.split(",")):
            ir = model(m, k, n, live - 0.5) + res
            tag = "%dx%dx%d_%g" % (m, k, n, live)
            times, sums = {}, {}
            for name, skip in (("dense", None), ("row", "row"), ("batch", "batch")):
                times[name], sums[name] = timeit(build(ir, tag + "_" + name, skip), m, k, n)
            if len(set(sums.values())) != 1:
                print("checksums differ: %s" % sums, file=sys.stderr)
            print("| %dx%d | %d | %.0f%% | %.3f | %.3f | %.3f | %.2fx | %.2fx |" % (
                k, n, m, 100 * live, times["dense"], times["row"], times["batch"],
                times["dense"] / times["row"], times["dense"] / times["batch"]))
