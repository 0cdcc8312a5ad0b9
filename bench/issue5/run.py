#!/usr/bin/env python3
"""Issue 5 benchmark: dense (our pipeline), dense (OpenBLAS), ours sparse.

For every (in, out) Linear shape and batch M: a random [out, in] weight is
pruned by prune-opt (2:4, blocks 4x4 / 16x1, unstructured), lowered with
prune-cpu-pipeline (sparse=false for the dense baseline), translated with
mlir-translate, compiled with llc -O3 -mcpu=native into an object, linked
with harness.c and timed (median of repeated calls, one thread; OpenBLAS
with OPENBLAS_NUM_THREADS=1 for equal thread counts). Prints one markdown
table of times and ratios; writes it with the raw numbers under bench/out/.

  python3 bench/issue5/run.py --prune-opt build-cpu/bin/prune-opt [--quick]
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LLVM = "/usr/lib/llvm-22/bin"

ap = argparse.ArgumentParser()
ap.add_argument("--prune-opt", default=os.path.join(ROOT, "build", "bin", "prune-opt"))
ap.add_argument("--out", default=os.path.join(ROOT, "bench", "out", "issue5"))
ap.add_argument("--shapes", default="1024x1024,768x3072,3072x768")
ap.add_argument("--batches", default="1,32,128")
ap.add_argument("--target", default="x86-avx512")
ap.add_argument("--budget-ms", default="300")
args = ap.parse_args()
os.makedirs(args.out, exist_ok=True)

VARIANTS = [
    # name, prune-opt flags
    ("2:4", ["--prune-nm=n=2 m=4"]),
    ("4x4 50%", ["--prune-blocks=block=4,4 ratio=0.5"]),
    ("4x4 75%", ["--prune-blocks=block=4,4 ratio=0.75"]),
    ("4x4 90%", ["--prune-blocks=block=4,4 ratio=0.9"]),
    ("16x1 50%", ["--prune-blocks=block=16,1 ratio=0.5"]),
    ("16x1 75%", ["--prune-blocks=block=16,1 ratio=0.75"]),
    ("16x1 90%", ["--prune-blocks=block=16,1 ratio=0.9"]),
    ("unstr 70%", ["--prune-unstructured=ratio=0.7"]),
    ("unstr 90%", ["--prune-unstructured=ratio=0.9"]),
    ("unstr 95%", ["--prune-unstructured=ratio=0.95"]),
]


def sh(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr[-3000:]))
    return p


def model(m, k, n, wkey):
    return f"""func.func @forward(%x: tensor<{m}x{k}xf32>) -> tensor<{m}x{n}xf32> {{
  %w = arith.constant dense_resource<{wkey}> : tensor<{n}x{k}xf32>
  %e = tensor.empty() : tensor<{k}x{n}xf32>
  %wt = linalg.transpose ins(%w : tensor<{n}x{k}xf32>) outs(%e : tensor<{k}x{n}xf32>) permutation = [1, 0]
  %c0 = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<{m}x{n}xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%o : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>) outs(%f : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  return %y : tensor<{m}x{n}xf32>
}}
"""


def build(ir, tag, m, k, n):
    base = os.path.join(args.out, tag)
    with open(base + ".mlir", "w") as f:
        f.write(ir)
    llir = sh([LLVM + "/mlir-translate", "--mlir-to-llvmir", base + ".mlir"]).stdout
    with open(base + ".ll", "w") as f:
        f.write(llir)
    sh([LLVM + "/llc", "-O3", "-mcpu=native", "-relocation-model=pic", "-filetype=obj", base + ".ll", "-o", base + ".o"])
    sh(["gcc", "-O2", os.path.join(HERE, "harness.c"), base + ".o", "-o", base + ".exe"])
    return base + ".exe"


def timeit(exe, m, k, n, env=None):
    out = sh([exe, str(m), str(k), str(n), args.budget_ms], env=env).stdout.split()
    return float(out[0])


blas = os.path.join(args.out, "blas.exe")
sh(["gcc", "-O2", "-DUSE_BLAS", os.path.join(HERE, "harness.c"), "-o", blas, "-lopenblas"])
blas_env = dict(os.environ, OPENBLAS_NUM_THREADS="1")

rows = []
rng = np.random.default_rng(0)
for shape in args.shapes.split(","):
    k, n = map(int, shape.split("x"))  # Linear(in=k, out=n)
    w = rng.standard_normal((n, k)).astype(np.float32)
    blob = "0x04000000" + w.tobytes().hex().upper()
    res = "\n{-#\n  dialect_resources: {\n    builtin: {\n      w: \"%s\"\n    }\n  }\n#-}\n" % blob
    for m in map(int, args.batches.split(",")):
        src = model(m, k, n, "w") + res
        tag = "%dx%d_m%d" % (k, n, m)
        pipe = "--prune-cpu-pipeline=target=%s" % args.target
        dense_ir = sh([args.prune_opt, pipe + " sparse=false"], input=src).stdout
        dense_ms = timeit(build(dense_ir, tag + "_dense", m, k, n), m, k, n)
        blas_ms = timeit(blas, m, k, n, env=blas_env)
        row = {"shape": "%dx%d" % (k, n), "m": m, "dense_ms": dense_ms, "blas_ms": blas_ms,
               "dense_bytes": n * k * 4, "sparse": {}}
        for name, flags in VARIANTS:
            pruned = sh([args.prune_opt] + flags, input=src).stdout
            p = sh([args.prune_opt, pipe], input=pruned)
            remark = [l for l in p.stderr.splitlines() if "prune-sparsify" in l]
            packed = None
            if remark and "->" in remark[0]:
                packed = int(remark[0].rsplit("->", 1)[1].split()[0])
            exe = build(p.stdout, tag + "_" + name.replace(" ", "_").replace(":", "").replace("%", ""), m, k, n)
            ms = timeit(exe, m, k, n)
            row["sparse"][name] = {"ms": ms, "bytes": packed,
                                   "remark": remark[0].split("remark: ")[-1] if remark else ""}
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)

with open(os.path.join(args.out, "results.json"), "w") as f:
    json.dump(rows, f, indent=1)

# One table: times in ms, ratios = our dense / variant (higher is better).
names = [v[0] for v in VARIANTS]
hdr = "| shape (in x out) | M | dense ms | BLAS ms | dense/BLAS | " + " | ".join(names) + " |"
print(hdr)
print("|" + "---|" * (5 + len(names)))
for r in rows:
    cells = []
    for nm in names:
        s = r["sparse"][nm]
        kept = "dense" in s["remark"]
        cells.append("%.2fx%s" % (r["dense_ms"] / s["ms"], " (kept dense)" if kept else ""))
    print("| %s | %d | %.3f | %.3f | %.2f | %s |" % (r["shape"], r["m"], r["dense_ms"], r["blas_ms"],
                                                 r["dense_ms"] / r["blas_ms"], " | ".join(cells)))
print()
print("| weight bytes (%s) | dense | %s |" % (rows[0]["shape"], " | ".join(names)))
print("|---|---|" + "---|" * len(names))
for r in rows:
    if r["m"] != rows[0]["m"]:
        continue
    print("| %s | %d | %s |" % (r["shape"], r["dense_bytes"],
                                " | ".join(str(r["sparse"][nm]["bytes"]) for nm in names)))
