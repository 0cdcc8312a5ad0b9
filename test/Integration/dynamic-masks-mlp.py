# Masks as runtime values (prune-insert-masks) on examples/mlp.mlir, run with
# prune-run (in-process JIT):
#   1. as=argument: the model with W * M, M = the zeros prune-unstructured
#      chose, gives the pruned model's output (and a numpy forward of the
#      pruned weights); with all-ones masks it gives the dense output;
#   2. as=global: the globals start as the current non-zeros; the dense
#      model with its mask globals rewritten to the pruned zeros gives the
#      pruned output.
#
# RUN: %python %s --prune-opt prune-opt --prune-run prune-run
# REQUIRES: numpy
# CHECK-NOT: FAIL

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import numpy as np
import prunetest
from prunetest import check

W_KEYS = ["torch_tensor_256_64_torch.float32", "torch_tensor_256_256_torch.float32",
          "torch_tensor_10_256_torch.float32"]
RATIO = 0.6


def opt(tool, text, pipeline):
    return prunetest.run_pipeline(tool, text, pipeline)[0]


def run(tool, tmp, text, inputs, name):
    mpath = os.path.join(tmp, name + ".mlir")
    with open(mpath, "w") as f:
        f.write(text)
    paths = []
    for i, a in enumerate(inputs):
        paths.append(os.path.join(tmp, "%s_in%d.npy" % (name, i)))
        np.save(paths[-1], np.ascontiguousarray(a, dtype=np.float32))
    out = os.path.join(tmp, name + "_out.npy")
    r = subprocess.run([tool, mpath, "--input=" + ",".join(paths), "--output=" + out],
                       capture_output=True, text=True)
    check(r.returncode == 0, "prune-run %s: %s%s" % (name, r.stdout, r.stderr[-3000:]))
    return np.load(out)


def close(a, b, what, rtol=1e-5, atol=1e-6):
    check(a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol),
          "%s: max difference %.3g" % (what, np.max(np.abs(a - b))))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--prune-opt", required=True)
    p.add_argument("--prune-run", required=True)
    args = p.parse_args()
    text = prunetest.load_example("mlp")
    dense_w = prunetest.read_weights(text)
    pruned_text = opt(args.prune_opt, text, "prune-unstructured{ratio=%g}" % RATIO)
    pruned_w = prunetest.read_weights(pruned_text)
    masks = [(pruned_w[k] != 0).astype(np.float32) for k in W_KEYS]
    for k, m in zip(W_KEYS, masks):
        check(abs((m == 0).mean() - RATIO) < 0.01, "%s: %.3f zero" % (k, (m == 0).mean()))
    x = prunetest.model_input("mlp")

    with tempfile.TemporaryDirectory() as tmp:
        dense_out = run(args.prune_run, tmp, text, [x], "dense")
        pruned_out = run(args.prune_run, tmp, pruned_text, [x], "pruned")
        ref, _ = prunetest.forward("mlp", pruned_w, x)
        close(pruned_out, ref.astype(np.float32), "pruned model vs numpy", 1e-4, 1e-5)
        check(not np.allclose(dense_out, pruned_out, rtol=1e-3, atol=1e-4),
              "pruning at %g did not change the output" % RATIO)

        # 1. Masks as arguments, in the order of the weights.
        arg_text = opt(args.prune_opt, text, "prune-insert-masks{as=argument}")
        sig = re.search(r"func\.func @forward\((.*?)\)\s*->", arg_text).group(1)
        names = re.findall(r'prune\.mask = "([^"]+)"', sig)
        check(names == W_KEYS, "mask arguments name %s" % names)
        got = run(args.prune_run, tmp, arg_text, [x] + masks, "argmasks")
        close(got, pruned_out, "W * mask (argument) vs the pruned model")
        ones = [np.ones_like(m) for m in masks]
        got = run(args.prune_run, tmp, arg_text, [x] + ones, "argones")
        close(got, dense_out, "W * ones vs the dense model")

        # 2. Masks as globals. init=current on the pruned model: the globals
        # hold its non-zeros.
        glob_text = opt(args.prune_opt, pruned_text,
                        "prune-insert-masks{as=global init=current}")
        got = run(args.prune_run, tmp, glob_text, [x], "globcurrent")
        close(got, pruned_out, "pruned model with current-mask globals")
        # init=ones on the dense model, then the globals' initial values
        # rewritten to the pruned masks (what a runtime writing the globals
        # does between calls).
        glob_text = opt(args.prune_opt, text, "prune-insert-masks{as=global init=ones}")
        for k, m in zip(W_KEYS, masks):
            pat = re.compile(r'(memref\.global @(\S+) : memref<[0-9x]+xf32> = )dense<1\.000000e\+00>'
                             r'( \{prune.mask = "%s"\})' % re.escape(k))
            hexdata = np.ascontiguousarray(m, dtype="<f4").tobytes().hex().upper()
            glob_text, n = pat.subn(lambda mo: '%sdense<"0x%s">%s' % (mo.group(1), hexdata, mo.group(3)),
                                    glob_text)
            check(n == 1, "no all-ones mask global for %s" % k)
        got = run(args.prune_run, tmp, glob_text, [x], "globset")
        close(got, pruned_out, "W * mask (global) vs the pruned model")
        print("OK: masks as arguments and globals reproduce prune-unstructured{ratio=%g}" % RATIO)


prunetest.main_guard(main)
