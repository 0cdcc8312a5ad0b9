#!/usr/bin/env python3
"""Structural pruning bench (issue 3): JIT runtime of a pruned model against
the dense one, both lowered the same way in the same run, next to the FLOP
reduction prune-report computes. The speedup should track the FLOP
reduction.

Usage: bench/run_issue3.py [--prune-opt build/bin/prune-opt] [--repeat 5]
Runs on Debian's /usr/bin/python3 with numpy. Models are generated into
bench/out/ (gitignored).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out")
LLVM = "/usr/lib/llvm-22"


def hexblob(a):
    return "0x04000000" + np.ascontiguousarray(a, dtype="<f4").tobytes().hex().upper()


class Module:
    """Builds an importer-style module (weights as dense_resource)."""

    def __init__(self):
        self.lines, self.blobs, self.n = [], {}, 0

    def tmp(self):
        self.n += 1
        return "%%v%d" % self.n

    def const(self, name, array):
        self.blobs[name] = hexblob(array)
        v = self.tmp()
        t = "tensor<%sxf32>" % "x".join(map(str, array.shape))
        self.lines.append("%s = arith.constant dense_resource<%s> : %s" % (v, name, t))
        return v, t

    def text(self, args, ret, rettype):
        body = "\n    ".join(self.lines)
        blobs = ",\n      ".join('%s: "%s"' % kv for kv in self.blobs.items())
        return ("module {\n  func.func @forward(%s) -> %s {\n    %s\n    return %s : %s\n  }\n}\n"
                "{-#\n  dialect_resources: {\n    builtin: {\n      %s\n    }\n  }\n#-}\n"
                % (args, rettype, body, ret, rettype, blobs))


def linear(m, x, xshape, w, relu):
    """x [B, K] times W^T (W [N, K]) as torch-mlir emits it, plus ReLU."""
    b, k = xshape
    n = w.shape[0]
    wv, wt = m.const("w%d" % len(m.blobs), w)
    e, t, z, o, f, y = (m.tmp() for _ in range(6))
    m.lines += [
        "%s = tensor.empty() : tensor<%dx%dxf32>" % (e, k, n),
        "%s = linalg.transpose ins(%s : %s) outs(%s : tensor<%dx%dxf32>) permutation = [1, 0]"
        % (t, wv, wt, e, k, n),
        "%s = arith.constant 0.0 : f32" % z,
        "%s = tensor.empty() : tensor<%dx%dxf32>" % (o, b, n),
        "%s = linalg.fill ins(%s : f32) outs(%s : tensor<%dx%dxf32>) -> tensor<%dx%dxf32>"
        % (f, z, o, b, n, b, n),
        "%s = linalg.matmul ins(%s, %s : tensor<%dx%dxf32>, tensor<%dx%dxf32>) outs(%s : tensor<%dx%dxf32>) -> tensor<%dx%dxf32>"
        % (y, x, t, b, k, k, n, f, b, n, b, n),
    ]
    if not relu:
        return y, (b, n)
    r = m.tmp()
    m.lines += [
        "%s = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], "
        "iterator_types = [\"parallel\", \"parallel\"]} ins(%s : tensor<%dx%dxf32>) outs(%s : tensor<%dx%dxf32>) {\n"
        "    ^bb0(%%a: f32, %%c: f32):\n      %%m = arith.maximumf %%a, %s : f32\n      linalg.yield %%m : f32\n    } -> tensor<%dx%dxf32>"
        % (r, y, b, n, o, b, n, z, b, n)]
    return r, (b, n)


def conv(m, x, xshape, w, relu):
    """NCHW conv 3x3, pad 1, as tensor.pad + linalg.conv_2d_nchw_fchw."""
    nb, c, h, wd = xshape
    f = w.shape[0]
    wv, wt = m.const("w%d" % len(m.blobs), w)
    z, p, e, i, y = (m.tmp() for _ in range(5))
    m.lines += [
        "%s = arith.constant 0.0 : f32" % z,
        "%s = tensor.pad %s low[0, 0, 1, 1] high[0, 0, 1, 1] {\n    ^bb0(%%i0: index, %%i1: index, %%i2: index, %%i3: index):\n"
        "      tensor.yield %s : f32\n    } : tensor<%dx%dx%dx%dxf32> to tensor<%dx%dx%dx%dxf32>"
        % (p, x, z, nb, c, h, wd, nb, c, h + 2, wd + 2),
        "%s = tensor.empty() : tensor<%dx%dx%dx%dxf32>" % (e, nb, f, h, wd),
        "%s = linalg.fill ins(%s : f32) outs(%s : tensor<%dx%dx%dx%dxf32>) -> tensor<%dx%dx%dx%dxf32>"
        % (i, z, e, nb, f, h, wd, nb, f, h, wd),
        "%s = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} "
        "ins(%s, %s : tensor<%dx%dx%dx%dxf32>, %s) outs(%s : tensor<%dx%dx%dx%dxf32>) -> tensor<%dx%dx%dx%dxf32>"
        % (y, p, wv, nb, c, h + 2, wd + 2, wt, i, nb, f, h, wd, nb, f, h, wd),
    ]
    if not relu:
        return y, (nb, f, h, wd)
    r = m.tmp()
    mp = "affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>"
    m.lines += [
        "%s = linalg.generic {indexing_maps = [%s, %s], iterator_types = [\"parallel\", \"parallel\", \"parallel\", \"parallel\"]} "
        "ins(%s : tensor<%dx%dx%dx%dxf32>) outs(%s : tensor<%dx%dx%dx%dxf32>) {\n"
        "    ^bb0(%%a: f32, %%c: f32):\n      %%m = arith.maximumf %%a, %s : f32\n      linalg.yield %%m : f32\n    } -> tensor<%dx%dx%dx%dxf32>"
        % (r, mp, mp, y, nb, f, h, wd, e, nb, f, h, wd, z, nb, f, h, wd)]
    return r, (nb, f, h, wd)


def mlp_model(rng):
    m = Module()
    x, s = "%arg0", (64, 512)
    for i, (n, relu) in enumerate([(2048, True), (2048, True), (512, False)]):
        w = rng.standard_normal((n, s[1])).astype(np.float32) * 0.05
        x, s = linear(m, x, s, w, relu)
    return m.text("%arg0: tensor<64x512xf32>", x, "tensor<64x512xf32>"), (64, 512)


def cnn_model(rng):
    m = Module()
    x, s = "%arg0", (1, 32, 32, 32)
    for f, relu in [(128, True), (128, True), (32, False)]:
        w = rng.standard_normal((f, s[1], 3, 3)).astype(np.float32) * 0.05
        x, s = conv(m, x, s, w, relu)
    return m.text("%arg0: tensor<1x32x32x32xf32>", x, "tensor<1x32x32x32xf32>"), (1, 32, 32, 32)


def add_main(text, in_shape, repeat):
    t = "tensor<%sxf32>" % "x".join(map(str, in_shape))
    main = """
  func.func private @rtclock() -> f64
  func.func private @printF64(f64)
  func.func private @printNewline()
  func.func @main() {
    %%x = arith.constant dense<0.5> : %s
    %%c0 = arith.constant 0 : index
    %%c1 = arith.constant 1 : index
    %%n = arith.constant %d : index
    %%y0 = call @forward(%%x) : (%s) -> %s
    %%t0 = call @rtclock() : () -> f64
    scf.for %%i = %%c0 to %%n step %%c1 {
      %%y = func.call @forward(%%x) : (%s) -> %s
    }
    %%t1 = call @rtclock() : () -> f64
    %%dt = arith.subf %%t1, %%t0 : f64
    call @printF64(%%dt) : (f64) -> ()
    call @printNewline() : () -> ()
    return
  }
""" % (t, repeat, t, t, t, t)
    res = text.find("{-#")
    close = text[:res].rstrip().rfind("}")
    return text[:close] + main + text[close:]


def run(cmd, stdin=None):
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if p.returncode:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr[-3000:]))
    return p.stdout, p.stderr


def jit_seconds(text, in_shape, repeat):
    lowered, _ = run([LLVM + "/bin/mlir-opt", "--allow-unregistered-dialect", "--sparsifier"],
                     add_main(text, in_shape, repeat))
    with tempfile.NamedTemporaryFile("w", suffix=".mlir", delete=False) as f:
        f.write(lowered)
    try:
        out, _ = run([LLVM + "/bin/mlir-runner", "-e", "main", "-entry-point-result=void", "-O3",
                      "-shared-libs=%s/lib/libmlir_c_runner_utils.so,%s/lib/libmlir_runner_utils.so"
                      % (LLVM, LLVM), f.name])
    finally:
        os.unlink(f.name)
    return float(re.findall(r"[-+0-9.eE]+", out)[-1]) / repeat


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prune-opt", default=os.path.join(ROOT, "build", "bin", "prune-opt"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(0)
    cases = [("mlp 64x512, 2048, 2048, 512", mlp_model(rng), "--prune-neurons=ratio=0.5"),
             ("cnn 32x32x32, 128, 128, 32", cnn_model(rng), "--prune-filters=ratio=0.5")]
    print("%-30s %-28s %10s %10s %8s %9s %8s" % ("model", "pass", "dense s", "pruned s",
                                                 "speedup", "FLOPs cut", "ratio"))
    for name, (text, in_shape), flag in cases:
        report = os.path.join(OUT, "issue3-report.json")
        pruned, _ = run([args.prune_opt, flag, "--prune-report=output=%s quiet=true" % report], text)
        with open(report) as f:
            total = json.load(f)["total"]
        flops_cut = total["flops_before"] / total["flops_after"]
        # Best of three timing loops each, interleaved, so that both models
        # see the same machine state.
        dense, small = float("inf"), float("inf")
        for _ in range(3):
            dense = min(dense, jit_seconds(text, in_shape, args.repeat))
            small = min(small, jit_seconds(pruned, in_shape, args.repeat))
        speedup = dense / small
        print("%-30s %-28s %10.4f %10.4f %7.2fx %8.2fx %8.2f" % (name, flag, dense, small, speedup,
                                                                 flops_cut, speedup / flops_cut))


if __name__ == "__main__":
    main()
