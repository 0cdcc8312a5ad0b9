#!/usr/bin/env python3
"""Issue 5 benchmark: dense (our pipeline), dense (OpenBLAS), the upstream
sparsifier, ours sparse.

For every (in, out) Linear shape and batch M: a random [out, in] weight is
pruned by prune-opt (2:4, blocks 4x4 / 16x1, unstructured), lowered with
prune-cpu-pipeline (sparse=false for the dense baseline; threads=N for N
OpenMP threads), translated with mlir-translate, compiled with llc -O3
-mcpu=native into an object, linked with harness.c and timed. OpenBLAS runs
with OPENBLAS_NUM_THREADS equal to our thread count.

The upstream column: the same pruned weight as a `#sparse_tensor.encoding`
tensor (structured[2, 4] for 2:4, BSR for blocks, CSR for unstructured),
converted once before the timed loop (`sparse_tensor.convert`), the matmul
as a linalg.generic on it, lowered with `mlir-opt --sparsifier` and run by
mlir-runner -O3; the program times itself (rtclock, min over its rounds)
and its result is checked against numpy.

Timing on a shared machine: every executable of one (shape, batch) is run
in turn, `--rounds` times (interleaved), and the minimum over all calls is
kept, so load from other processes hits dense and sparse alike.

One command writes the table (markdown) to <out>/table.md and the raw
numbers to <out>/results.json:

  python3 bench/issue5/run.py --prune-opt build/bin/prune-opt
  python3 bench/issue5/run.py --prune-opt ... --shapes 4096x4096 --batches 32 --rounds 2
"""
import argparse
import json
import os
import re
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LLVM = "/usr/lib/llvm-22"

ap = argparse.ArgumentParser()
ap.add_argument("--prune-opt", default=os.path.join(ROOT, "build", "bin", "prune-opt"))
ap.add_argument("--out", default=os.path.join(ROOT, "bench", "out", "issue5"))
ap.add_argument("--shapes", default="1024x1024,768x3072,3072x768")
ap.add_argument("--batches", default="1,32,128")
ap.add_argument("--threads", default="1,2",
                help="thread counts; counts > 1 time dense, BLAS and the variants in --threaded-variants")
ap.add_argument("--threaded-variants", default="2:4,4x4 90%,16x1 90%,unstr 95%")
ap.add_argument("--variants", default="all", help="comma-separated names or 'all'")
ap.add_argument("--upstream", default="2:4,4x4 90%,16x1 90%,unstr 95%",
                help="variants also timed with upstream mlir-opt --sparsifier (threads=1); 'none' to skip")
ap.add_argument("--target", default="x86-avx512")
ap.add_argument("--rounds", type=int, default=3)
ap.add_argument("--budget-ms", default="100", help="time per executable per round")
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
if args.variants != "all":
    keep = args.variants.split(",")
    VARIANTS = [v for v in VARIANTS if v[0] in keep]
THREADED = set(args.threaded_variants.split(","))
OMP = ["-L" + LLVM + "/lib", "-lomp", "-Wl,-rpath," + LLVM + "/lib"]


def sh(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr[-3000:]))
    return p


UPSTREAM = set() if args.upstream == "none" else set(args.upstream.split(","))


def encoding(name):
    if name.startswith("2:4"):
        return "map = (i, j) -> (i : dense, j floordiv 4 : dense, j mod 4 : structured[2, 4])"
    if name.startswith("unstr"):
        return "map = (d0, d1) -> (d0 : dense, d1 : compressed)"
    r, c = map(int, name.split()[0].split("x"))
    if c == 1:
        # `j floordiv 1` cannot be inverted, and the sparsifier of LLVM 22
        # crashes on (i floordiv R : dense, j : compressed, i mod R : dense):
        # R x 1 blocks run as CSR upstream.
        return "map = (d0, d1) -> (d0 : dense, d1 : compressed)"
    return ("map = (i, j) -> (i floordiv %d : dense, j floordiv %d : compressed, "
            "i mod %d : dense, j mod %d : dense)" % (r, c, r, c))


UP_REPS, UP_ROUNDS = 2, 2


def upstream_model(m, k, n, enc, whex, xhex):
    """y = x @ W^T with W [n, k] encoded once, then timed UP_ROUNDS x UP_REPS
    calls; prints y[0, 0] (accumulated over all calls) and the best ms per call."""
    return f"""#enc = #sparse_tensor.encoding<{{ {enc} }}>
#tr = {{ indexing_maps = [affine_map<(i, j, kk) -> (i, kk)>, affine_map<(i, j, kk) -> (j, kk)>, affine_map<(i, j, kk) -> (i, j)>],
        iterator_types = ["parallel", "parallel", "reduction"] }}
func.func @kernel(%x: tensor<{m}x{k}xf32>, %ws: tensor<{n}x{k}xf32, #enc>, %y: tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %r = linalg.generic #tr ins(%x, %ws : tensor<{m}x{k}xf32>, tensor<{n}x{k}xf32, #enc>) outs(%y : tensor<{m}x{n}xf32>) {{
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }} -> tensor<{m}x{n}xf32>
  return %r : tensor<{m}x{n}xf32>
}}
func.func private @rtclock() -> f64
func.func @main() {{
  %x = arith.constant dense_resource<x> : tensor<{m}x{k}xf32>
  %w = arith.constant dense_resource<w> : tensor<{n}x{k}xf32>
  %ws = sparse_tensor.convert %w : tensor<{n}x{k}xf32> to tensor<{n}x{k}xf32, #enc>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %reps = arith.constant {UP_REPS} : index
  %rounds = arith.constant {UP_ROUNDS} : index
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{m}x{n}xf32>
  %y0 = linalg.fill ins(%z : f32) outs(%e : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %inf = arith.constant 1.0e30 : f64
  %best, %yl = scf.for %r = %c0 to %rounds step %c1 iter_args(%b = %inf, %ya = %y0) -> (f64, tensor<{m}x{n}xf32>) {{
    %t0 = func.call @rtclock() : () -> f64
    %yy = scf.for %i = %c0 to %reps step %c1 iter_args(%y = %ya) -> tensor<{m}x{n}xf32> {{
      %y2 = func.call @kernel(%x, %ws, %y) : (tensor<{m}x{k}xf32>, tensor<{n}x{k}xf32, #enc>, tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
      scf.yield %y2 : tensor<{m}x{n}xf32>
    }}
    %t1 = func.call @rtclock() : () -> f64
    %d = arith.subf %t1, %t0 : f64
    %nb = arith.minimumf %b, %d : f64
    scf.yield %nb, %yy : f64, tensor<{m}x{n}xf32>
  }}
  %rf = arith.constant {1000.0 / UP_REPS} : f64
  %ms = arith.mulf %best, %rf : f64
  %v = tensor.extract %yl[%c0, %c0] : tensor<{m}x{n}xf32>
  vector.print %v : f32
  vector.print %ms : f64
  bufferization.dealloc_tensor %ws : tensor<{n}x{k}xf32, #enc>
  return
}}
{{-#
  dialect_resources: {{ builtin: {{
    x: "0x04000000{xhex}",
    w: "{whex}" }} }}
#-}}
"""


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


def build(ir, tag, threads):
    base = os.path.join(args.out, tag)
    with open(base + ".mlir", "w") as f:
        f.write(ir)
    sh([LLVM + "/bin/mlir-translate", "--mlir-to-llvmir", base + ".mlir", "-o", base + ".ll"])
    sh([LLVM + "/bin/llc", "-O3", "-mcpu=native", "-relocation-model=pic", "-filetype=obj",
        base + ".ll", "-o", base + ".o"])
    sh(["gcc", "-O2", os.path.join(HERE, "harness.c"), base + ".o", "-o", base + ".exe"]
       + (OMP if threads > 1 else []))
    os.unlink(base + ".ll")
    os.unlink(base + ".mlir")
    return base + ".exe"


blas = os.path.join(args.out, "blas.exe")
sh(["gcc", "-O2", "-DUSE_BLAS", os.path.join(HERE, "harness.c"), "-o", blas, "-lopenblas"])
thread_counts = [int(t) for t in args.threads.split(",")]

rows = []
rng = np.random.default_rng(0)
for shape in args.shapes.split(","):
    k, n = map(int, shape.split("x"))  # Linear(in=k, out=n)
    w = rng.standard_normal((n, k)).astype(np.float32)
    res = "\n{-#\n  dialect_resources: {\n    builtin: {\n      w: \"0x04000000%s\"\n    }\n  }\n#-}\n" % (
        w.tobytes().hex().upper())
    pruned = {}
    for m in map(int, args.batches.split(",")):
        src = model(m, k, n, "w") + res
        tag = "%dx%d_m%d" % (k, n, m)
        for name, flags in VARIANTS:
            pruned[name] = sh([args.prune_opt] + flags, input=src).stdout
        # exes[(threads, column)] = (path, env); columns: dense, blas, variants.
        exes, info = {}, {}
        for t in thread_counts:
            pipe = "--prune-cpu-pipeline=target=%s threads=%d" % (args.target, t)
            dense_ir = sh([args.prune_opt, pipe + " sparse=false"], input=src).stdout
            exes[(t, "dense")] = (build(dense_ir, "%s_t%d_dense" % (tag, t), t), None)
            exes[(t, "blas")] = (blas, dict(os.environ, OPENBLAS_NUM_THREADS=str(t)))
            for name, _ in VARIANTS:
                if t > 1 and name not in THREADED:
                    continue
                p = sh([args.prune_opt, pipe], input=pruned[name])
                remark = [l for l in p.stderr.splitlines() if "prune-sparsify" in l]
                packed = None
                if remark and "->" in remark[0]:
                    packed = int(remark[0].rsplit("->", 1)[1].split()[0])
                safe = name.replace(" ", "_").replace(":", "").replace("%", "")
                exes[(t, name)] = (build(p.stdout, "%s_t%d_%s" % (tag, t, safe), t), None)
                info[name] = {"bytes": packed,
                              "remark": remark[0].split("remark: ")[-1] if remark else ""}
        # Upstream sparsifier programs (threads = 1): (lowered file, expected y[0, 0]).
        ups = {}
        x = rng.standard_normal((m, k)).astype(np.float32)
        for name, _ in VARIANTS:
            if name not in UPSTREAM:
                continue
            mt = re.search(r'\bw: "(0x[0-9A-F]+)"', pruned[name])
            whex = mt.group(1)
            wp = np.frombuffer(bytes.fromhex(whex[10:]), dtype="<f4").reshape(n, k)
            expect = UP_REPS * UP_ROUNDS * float(x[0].astype(np.float64) @ wp[0].astype(np.float64))
            safe = name.replace(" ", "_").replace(":", "").replace("%", "")
            path = os.path.join(args.out, "%s_upstream_%s.mlir" % (tag, safe))
            src_up = upstream_model(m, k, n, encoding(name), whex, x.tobytes().hex().upper())
            with open(path, "w") as f:
                f.write(sh([LLVM + "/bin/mlir-opt", "--sparsifier"], input=src_up).stdout)
            ups[name] = (path, expect)
        best = {key: float("inf") for key in exes}
        best.update({("up", name): float("inf") for name in ups})
        for _ in range(args.rounds):
            for key, (exe, env) in exes.items():
                out = sh([exe, str(m), str(k), str(n), args.budget_ms], env=env).stdout.split()
                best[key] = min(best[key], float(out[3]))
            for name, (path, expect) in ups.items():
                out = sh([LLVM + "/bin/mlir-runner", "-O3", "-e", "main", "-entry-point-result=void",
                          "-shared-libs=%s/lib/libmlir_c_runner_utils.so,%s/lib/libmlir_runner_utils.so"
                          % (LLVM, LLVM), path]).stdout.split()
                y00 = float(out[0])
                if abs(y00 - expect) > 1e-3 * max(1.0, abs(expect)):
                    sys.exit("upstream %s %s: y[0,0] = %g, numpy %g" % (tag, name, y00, expect))
                best[("up", name)] = min(best[("up", name)], float(out[1]))
        for t in thread_counts:
            row = {"shape": "%dx%d" % (k, n), "m": m, "threads": t,
                   "dense_ms": best[(t, "dense")], "blas_ms": best[(t, "blas")],
                   "dense_bytes": n * k * 4, "sparse": {}}
            for name, _ in VARIANTS:
                if (t, name) in best:
                    row["sparse"][name] = dict(info[name], ms=best[(t, name)])
                    if t == 1 and ("up", name) in best:
                        row["sparse"][name]["upstream_ms"] = best[("up", name)]
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
        for key, (exe, _) in exes.items():
            if exe != blas:
                os.unlink(exe)
        for path, _ in ups.values():
            os.unlink(path)

with open(os.path.join(args.out, "results.json"), "w") as f:
    json.dump(rows, f, indent=1)

# One table: times in ms, ratios = our dense / variant (higher is better).
names = [v[0] for v in VARIANTS]
lines = []
lines.append("| in x out | M | threads | dense ms | BLAS ms | dense/BLAS | " + " | ".join(names) + " |")
lines.append("|" + "---|" * (6 + len(names)))
for r in rows:
    cells = []
    for nm in names:
        s = r["sparse"].get(nm)
        if s is None:
            cells.append("")
            continue
        kept = "kept dense" in s["remark"]
        cells.append("%.2fx%s" % (r["dense_ms"] / s["ms"], "*" if kept else ""))
    lines.append("| %s | %d | %d | %.3f | %.3f | %.2f | %s |" % (
        r["shape"], r["m"], r["threads"], r["dense_ms"], r["blas_ms"],
        r["dense_ms"] / r["blas_ms"], " | ".join(cells)))
lines.append("")
lines.append("`*` = kept dense by the cost model. Weight bytes:")
lines.append("")
lines.append("| in x out | dense | " + " | ".join(names) + " |")
lines.append("|---|---|" + "---|" * len(names))
seen = set()
for r in rows:
    if r["shape"] in seen or r["threads"] != thread_counts[0]:
        continue
    seen.add(r["shape"])
    lines.append("| %s | %d | %s |" % (r["shape"], r["dense_bytes"], " | ".join(
        str(r["sparse"][nm]["bytes"]) if r["sparse"][nm]["bytes"] else "dense" for nm in names)))
ups_rows = [(r, nm) for r in rows for nm in names
            if "upstream_ms" in r["sparse"].get(nm, {})]
if ups_rows:
    lines.append("")
    lines.append("Upstream sparsifier (`mlir-opt --sparsifier`, weight encoded once outside "
                 "the timed calls, threads = 1) vs ours:")
    lines.append("")
    lines.append("| in x out | M | pattern | upstream ms | ours ms | dense/upstream | ours/upstream speed-up |")
    lines.append("|---|---|---|---|---|---|---|")
    for r, nm in ups_rows:
        s = r["sparse"][nm]
        lines.append("| %s | %d | %s | %.3f | %.3f | %.3fx | %.1fx |" % (
            r["shape"], r["m"], nm, s["upstream_ms"], s["ms"],
            r["dense_ms"] / s["upstream_ms"], s["upstream_ms"] / s["ms"]))
table = "\n".join(lines) + "\n"
with open(os.path.join(args.out, "table.md"), "w") as f:
    f.write(table)
print(table)
