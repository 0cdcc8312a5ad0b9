# prune-sme-block-sparse end to end under emulation: an f32 matmul whose
# weight has all-zero 16x16 blocks (one whole zero column tile except a
# single element, scattered zero blocks) is lowered through the ArmSME
# dialect (mlir-opt --test-lower-to-arm-sme), compiled with llc for
# +sme, linked with aarch64-linux-gnu-gcc and run under qemu-aarch64 with a
# 512-bit streaming vector length: Y must equal numpy's X @ W + C exactly,
# for the block-skipping schedule and the dense one; the sparse kernel has
# fewer fmopa (one per non-zero block). At a 256-bit SVL the kernel's
# vscale assertion must stop it (non-zero exit, no result).
#
# REQUIRES: qemu-aarch64, numpy
# RUN: rm -rf %t && mkdir -p %t
# RUN: %python %s --prune-opt prune-opt --mlir-opt mlir-opt --mlir-translate mlir-translate \
# RUN:   --llc llc --inputs %S/Inputs --tmp %t | FileCheck %s
# CHECK: remark: 4 of 6 weight blocks (16x16 f32) issued per 16 rows of X
# CHECK: skip: fmopa in the code: 4, result exact
# CHECK: dense: fmopa in the code: 6, result exact
# CHECK: svl 256: stopped (exit {{-?[1-9][0-9]*}})
# CHECK: OK

import argparse
import os
import re
import subprocess
import sys

import numpy as np

M, K, N = 32, 48, 32


def sh(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode:
        sys.exit("FAIL: %s\n%s" % (" ".join(cmd), p.stderr[-3000:]))
    return p


def main():
    ap = argparse.ArgumentParser()
    for o in ("prune-opt", "mlir-opt", "mlir-translate", "llc", "inputs", "tmp"):
        ap.add_argument("--" + o, required=True)
    a = ap.parse_args()
    t = lambda *p: os.path.join(a.tmp, *p)

    rng = np.random.default_rng(5)
    w = rng.integers(-3, 4, size=(K, N)).astype(np.float32)
    w[w == 0] = 1
    # 16x16 blocks (kb, nb), 3 x 2. Column tile 0: block 1 zero. Column
    # tile 1: blocks 0 zero, 1 and 2 zero except one element each.
    # Non-zero: nb 0: {0, 2}; nb 1: {1, 2} -> 4 of 6.
    w[16:32, 0:16] = 0
    w[0:48, 16:32] = 0
    w[16 + 3, 16 + 3] = -1.0
    w[32 + 4, 16 + 7] = 2.0
    x = rng.integers(-3, 4, size=(M, K)).astype(np.float32)
    c = rng.integers(-5, 6, size=(M, N)).astype(np.float32)
    x.tofile(t("x.bin"))
    c.tofile(t("c.bin"))
    T = lambda r, q: "tensor<%dx%dxf32>" % (r, q)
    R = lambda r, q: "memref<%dx%dxf32>" % (r, q)
    h = w.astype("<f4").tobytes().hex().upper()
    with open(t("mm.mlir"), "w") as f:
        f.write(f"""func.func @mm(%x: {T(M, K)}, %c: {T(M, N)}) -> {T(M, N)} {{
  %w = arith.constant dense<"0x{h}"> : {T(K, N)}
  %y = linalg.matmul ins(%x, %w : {T(M, K)}, {T(K, N)}) outs(%c : {T(M, N)}) -> {T(M, N)}
  return %y : {T(M, N)}
}}
func.func @entry(%x: {R(M, K)}, %c: {R(M, N)}, %out: {R(M, N)}) {{
  %xt = bufferization.to_tensor %x restrict : {R(M, K)} to {T(M, K)}
  %ct = bufferization.to_tensor %c restrict : {R(M, N)} to {T(M, N)}
  %y = call @mm(%xt, %ct) : ({T(M, K)}, {T(M, N)}) -> {T(M, N)}
  %yb = bufferization.to_buffer %y read_only : {T(M, N)} to {R(M, N)}
  memref.copy %yb, %out : {R(M, N)} to {R(M, N)}
  return
}}
""")
    ref = x.astype(np.float64) @ w.astype(np.float64) + c
    ok = True
    for label, opt in (("skip", "--prune-sme-block-sparse"),
                       ("dense", "--prune-sme-block-sparse=skip-zero-tiles=false")):
        p = sh([a.prune_opt, t("mm.mlir"), opt, "-o", t(label + ".mlir")])
        if label == "skip":
            m = re.search(r"prune-sme-block-sparse: (.*)", p.stderr)
            print("remark: " + (m.group(1) if m else "none"))
        sh([a.mlir_opt, t(label + ".mlir"),
            "--one-shot-bufferize=bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map",
            "--convert-linalg-to-loops", "--test-lower-to-arm-sme", "--convert-vector-to-llvm",
            "--convert-scf-to-cf", "--convert-arith-to-llvm", "--convert-index-to-llvm",
            "--finalize-memref-to-llvm", "--convert-func-to-llvm", "--convert-cf-to-llvm",
            "--reconcile-unrealized-casts", "-o", t(label + ".llvm.mlir")])
        sh([a.mlir_translate, "--mlir-to-llvmir", t(label + ".llvm.mlir"), "-o", t(label + ".ll")])
        asm = sh([a.llc, "-O2", "-mtriple=aarch64-linux-gnu", "-mattr=+sme,+sve",
                  t(label + ".ll"), "-o", "-"]).stdout
        sh([a.llc, "-O2", "-mtriple=aarch64-linux-gnu", "-mattr=+sme,+sve", "-filetype=obj",
            t(label + ".ll"), "-o", t(label + ".o")])
        sh(["aarch64-linux-gnu-gcc", os.path.join(a.inputs, "harness.c"), t(label + ".o"),
            os.path.join(a.inputs, "smeabi.S"), "-o", t(label)])
        sh(["qemu-aarch64", "-cpu", "max,sme-default-vector-length=64", "-L",
            "/usr/aarch64-linux-gnu", t(label), str(M), str(K), str(N), t("x.bin"), t("c.bin"),
            t(label + ".y")])
        y = np.fromfile(t(label + ".y"), dtype=np.float32).reshape(M, N)
        err = np.abs(y - ref).max()
        ok &= err == 0
        print("%s: fmopa in the code: %d, result %s" % (
            label, len(re.findall(r"\bfmopa\b", asm)), "exact" if err == 0 else "WRONG (%g)" % err))
    p = subprocess.run(["qemu-aarch64", "-cpu", "max,sme-default-vector-length=32", "-L",
                        "/usr/aarch64-linux-gnu", t("skip"), str(M), str(K), str(N), t("x.bin"),
                        t("c.bin"), t("bad.y")], capture_output=True, text=True)
    print("svl 256: %s" % ("stopped (exit %d)" % p.returncode if p.returncode else "RAN"))
    ok &= p.returncode != 0
    print("OK" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
