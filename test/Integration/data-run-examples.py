# prune-run on the bundled examples: writes each model's input as .npy, runs
# @forward in-process (ExecutionEngine) and compares with an independent
# float64 numpy forward (prunetest.forward). Also checks that --output writes
# the same array, that --compare fails on a perturbed reference, and that
# inputs of the wrong dtype or shape are refused with a clear message.
#
# RUN: %python %s --prune-run prune-run
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


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--prune-run", required=True)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("mlp", "cnn", "transformer"):
            text = prunetest.load_example(name)
            x = prunetest.model_input(name)
            ref, _ = prunetest.forward(name, prunetest.read_weights(text), x)
            xin, rin, out = (os.path.join(tmp, name + s) for s in
                             ("-x.npy", "-ref.npy", "-out.npy"))
            np.save(xin, x)
            np.save(rin, ref.astype(np.float32))
            model = os.path.join(prunetest.EXAMPLES, name + ".mlir")
            r = run([args.prune_run, model, "--input=" + xin, "--compare=" + rin,
                     "--rtol=1e-4", "--atol=1e-5"])
            check(r.returncode == 0 and "output 0: OK" in r.stdout,
                  "%s: prune-run --compare failed:\n%s%s" % (name, r.stdout, r.stderr))
            r = run([args.prune_run, model, "--input=" + xin, "--output=" + out])
            check(r.returncode == 0, "%s: --output failed: %s" % (name, r.stderr))
            got = np.load(out)
            check(got.dtype == np.float32 and got.shape == ref.shape,
                  "%s: output is %s %s" % (name, got.dtype, got.shape))
            err = np.max(np.abs(got - ref))
            check(np.allclose(got, ref, rtol=1e-4, atol=1e-5),
                  "%s: max abs err %g vs numpy" % (name, err))
            # A wrong reference must be caught.
            bad = ref.astype(np.float32).copy()
            bad.flat[3] += 0.01 + abs(bad.flat[3])
            np.save(rin, bad)
            r = run([args.prune_run, model, "--input=" + xin, "--compare=" + rin])
            check(r.returncode == 1 and "MISMATCH: 1 of" in r.stdout
                  and "first at flat index 3" in r.stdout,
                  "%s: perturbed reference not caught:\n%s%s" % (name, r.stdout, r.stderr))
            # Wrong dtype and wrong shape are refused before running.
            np.save(xin, x.astype(np.float64))
            r = run([args.prune_run, model, "--input=" + xin])
            check(r.returncode == 1 and "input 0: expected float32" in r.stderr
                  and "got float64" in r.stderr,
                  "%s: f64 input not refused: %s" % (name, r.stderr))
            np.save(xin, np.zeros((2,) + x.shape, np.float32))
            r = run([args.prune_run, model, "--input=" + xin])
            check(r.returncode == 1 and "input 0: expected" in r.stderr,
                  "%s: wrong shape not refused: %s" % (name, r.stderr))
            print("%s: OK (max abs err %.3g)" % (name, err))


prunetest.main_guard(main)
