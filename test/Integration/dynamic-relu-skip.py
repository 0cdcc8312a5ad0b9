# Input-dependent skipping (prune-relu-skip) on examples/mlp.mlir: the two
# matmuls that read a ReLU become loops that skip dead hidden units; the
# first (it reads the input) stays dense with a remark. Run with prune-run
# (JIT) on inputs where many units are dead, the result equals the original
# model's and a numpy forward, for both granularities.
#
# RUN: %python %s --prune-opt prune-opt --prune-run prune-run
# REQUIRES: numpy
# CHECK-NOT: FAIL

import argparse
import os
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
B_KEYS = ["torch_tensor_256_torch.float32", "torch_tensor_256_torch.float32_1",
          "torch_tensor_10_torch.float32"]


def run(tool, tmp, mpath, x, name):
    xin = os.path.join(tmp, name + "_x.npy")
    out = os.path.join(tmp, name + "_y.npy")
    np.save(xin, x)
    r = subprocess.run([tool, mpath, "--input=" + xin, "--output=" + out],
                       capture_output=True, text=True)
    check(r.returncode == 0, "prune-run %s: %s%s" % (name, r.stdout, r.stderr[-3000:]))
    return np.load(out)


def hidden(w, x):
    """The two ReLU activations of the MLP (float64)."""
    h1 = np.maximum(x @ w[W_KEYS[0]].T + w[B_KEYS[0]], 0)
    h2 = np.maximum(h1 @ w[W_KEYS[1]].T + w[B_KEYS[1]], 0)
    return h1, h2


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--prune-opt", required=True)
    p.add_argument("--prune-run", required=True)
    args = p.parse_args()
    text = prunetest.load_example("mlp")
    weights = {k: v.astype(np.float64) for k, v in prunetest.read_weights(text).items()}
    rng = np.random.default_rng(5)
    x0 = prunetest.model_input("mlp")
    # Inputs that kill most units: the random input, pushed along the
    # direction that lowers the first layer's pre-activations, plus a row of
    # zeros (only the biases decide it).
    push = -weights[W_KEYS[0]].sum(0)
    push /= np.abs(push).max()
    inputs = {"random": x0,
              "mostly-dead": (0.3 * x0 + 2.0 * push[None, :]).astype(np.float32),
              "zero-row": np.concatenate([x0[:3], np.zeros((1, 64), np.float32)])}
    with tempfile.TemporaryDirectory() as tmp:
        orig = os.path.join(tmp, "orig.mlir")
        with open(orig, "w") as f:
            f.write(text)
        for gran in ("row", "batch"):
            r = subprocess.run([args.prune_opt, "--prune-relu-skip=granularity=" + gran, orig],
                               capture_output=True, text=True)
            check(r.returncode == 0, "prune-relu-skip failed: %s" % r.stderr[-3000:])
            check(r.stdout.count("linalg.matmul") == 1,
                  "%s: expected 1 dense matmul left, found %d" % (gran, r.stdout.count("linalg.matmul")))
            check(r.stdout.count("scf.if") == 2, "%s: expected 2 skipping loops" % gran)
            check(r.stderr.count("prune-relu-skip: left dense") == 1 and
                  "its left operand is not a ReLU (it is a block argument)" in r.stderr,
                  "%s: expected one remark for the input layer: %s" % (gran, r.stderr))
            skip = os.path.join(tmp, "skip-%s.mlir" % gran)
            with open(skip, "w") as f:
                f.write(r.stdout)
            for name, x in inputs.items():
                h1, h2 = hidden(weights, x.astype(np.float64))
                dead = (np.mean(h1 == 0), np.mean(h2 == 0))
                dense = run(args.prune_run, tmp, orig, x, "dense-" + name)
                got = run(args.prune_run, tmp, skip, x, "%s-%s" % (gran, name))
                ref, _ = prunetest.forward("mlp", prunetest.read_weights(text), x)
                check(np.allclose(got, dense, rtol=1e-6, atol=1e-6),
                      "%s %s: skipping changed the output by %.3g"
                      % (gran, name, np.max(np.abs(got - dense))))
                check(np.allclose(got, ref, rtol=1e-4, atol=1e-5),
                      "%s %s: differs from numpy by %.3g" % (gran, name, np.max(np.abs(got - ref))))
                print("%s %s: dead units %.0f%% / %.0f%%, max |skip - dense| = %.3g"
                      % (gran, name, 100 * dead[0], 100 * dead[1], np.max(np.abs(got - dense))))
        h1, h2 = hidden(weights, inputs["mostly-dead"].astype(np.float64))
        check(np.mean(h1 == 0) > 0.6, "the mostly-dead input leaves %.0f%% of layer 1 alive"
              % (100 * np.mean(h1 != 0)))
    print("OK")


prunetest.main_guard(main)
