# prune-iterative on examples/mlp.mlir with calibration and repair between
# steps (prune-calibrate, prune-unstructured{metric=wanda},
# prune-reconstruct) against the same passes run once at the same target:
#   1. every step reaches its ratio (the step remarks, and each weight's
#      zeros counted in numpy);
#   2. the masks are nested: the state after step k of a linear schedule is
#      the run with target * k / steps and k steps, and its zeros are zeros
#      of every later step;
#   3. on held-out inputs the iterative model's output is closer to the
#      dense model's than the one-shot model's.
#
# RUN: %python %s --prune-opt prune-opt
# REQUIRES: numpy
# CHECK-NOT: FAIL

import argparse
import os
import re
import sys
import tempfile

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import numpy as np
import prunetest
from prunetest import check

W_KEYS = ["torch_tensor_256_64_torch.float32", "torch_tensor_256_256_torch.float32",
          "torch_tensor_10_256_torch.float32"]
TARGET, STEPS = 0.7, 3


def opt(tool, text, pipeline):
    return prunetest.run_pipeline(tool, text, pipeline)


def rel_error(weights, dense_out, x):
    out, _ = prunetest.forward("mlp", weights, x)
    return float(np.sum((out - dense_out) ** 2) / np.sum(dense_out ** 2))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--prune-opt", required=True)
    args = p.parse_args()
    text = prunetest.load_example("mlp")
    dense_w = prunetest.read_weights(text)
    rng = np.random.default_rng(3)
    calib = rng.uniform(-1, 1, (4 * 128, 64)).astype(np.float32)
    held_out = rng.uniform(-1, 1, (512, 64))
    dense_out, _ = prunetest.forward("mlp", dense_w, held_out)
    with tempfile.TemporaryDirectory() as tmp:
        cpath = os.path.join(tmp, "calib.npy")
        np.save(cpath, calib)
        step = ("prune-calibrate{inputs=%s progress=never},prune-unstructured{ratio=%s metric=wanda},"
                "prune-reconstruct{method=lsq damp=0.01}")
        one_shot, _ = opt(args.prune_opt, text, step % (cpath, TARGET))

        def iterative(target, steps, schedule):
            return opt(args.prune_opt, text, 'prune-iterative{target=%r steps=%d schedule=%s pipeline="%s"}'
                       % (target, steps, schedule, step % (cpath, "@ratio@")))

        states = []
        for k in range(1, STEPS + 1):
            out, err = iterative(TARGET * k / STEPS, k, "linear")
            remarks = re.findall(r"prune-iterative: step (\d+)/(\d+): ratio ([0-9.]+), weights ([0-9.]+) zero",
                                 err)
            check(len(remarks) == k, "expected %d step remarks, got %s" % (k, err[-2000:]))
            w = prunetest.read_weights(out)
            for s, (_, _, ratio, achieved) in enumerate(remarks, 1):
                check(abs(float(ratio) - TARGET * s / STEPS) < 1e-6, "step %d ratio %s" % (s, ratio))
            for key in W_KEYS:
                zero = np.mean(w[key] == 0)
                check(abs(zero - TARGET * k / STEPS) < 0.005,
                      "after step %d %s is %.4f zero, expected %.4f" % (k, key, zero, TARGET * k / STEPS))
            states.append(w)
        for a, b in zip(states, states[1:]):
            for key in W_KEYS:
                check(np.all(b[key][a[key] == 0] == 0), "%s: a zero came back at a later step" % key)

        cubic, _ = iterative(TARGET, STEPS, "cubic")
        errors = {"one-shot": rel_error(prunetest.read_weights(one_shot), dense_out, held_out),
                  "iterative linear": rel_error(states[-1], dense_out, held_out),
                  "iterative cubic": rel_error(prunetest.read_weights(cubic), dense_out, held_out)}
        for name, e in errors.items():
            print("%-17s relative output error %.4g" % (name, e))
        for name in ("iterative linear", "iterative cubic"):
            check(errors[name] < errors["one-shot"],
                  "%s (%.4g) is not better than one-shot (%.4g)"
                  % (name, errors[name], errors["one-shot"]))
    print("OK")


prunetest.main_guard(main)
