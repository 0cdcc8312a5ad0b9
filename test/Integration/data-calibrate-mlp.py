# Data-aware pruning end to end on examples/mlp.mlir, every number checked
# against an independent float64 numpy computation:
#   1. prune-calibrate on 8 batches: per-input-channel sum of squares, mean,
#      firing rate and the Gram matrix X^T X of every Linear layer's input,
#      and the attached Wanda scores |W| * ||X_k||_2;
#   2. prune-unstructured{metric=wanda}: the mask is the lowest half of the
#      attached scores;
#   3. prune-reconstruct{method=lsq} and {method=obs}: each row's kept weights
#      solve the damped normal equations; pruned entries stay zero; every
#      layer's calibration output error goes down;
#   4. prune-run on the repaired model matches a numpy forward of its weights.
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

BATCH, NBATCH = 4, 8
W_KEYS = ["torch_tensor_256_64_torch.float32", "torch_tensor_256_256_torch.float32",
          "torch_tensor_10_256_torch.float32"]
B_KEYS = ["torch_tensor_256_torch.float32", "torch_tensor_256_torch.float32_1",
          "torch_tensor_10_torch.float32"]


def opt(tool, text, pipeline):
    return prunetest.run_pipeline(tool, text, pipeline)[0]


def blob(blobs, key, dtype, shape):
    check(key in blobs, "no resource %s" % key)
    a = np.frombuffer(blobs[key][1], dtype=dtype)
    check(a.size == int(np.prod(shape)), "%s has %d elements" % (key, a.size))
    return a.reshape(shape)


def layer_inputs(weights, x):
    """Inputs of the three Linear layers (float64)."""
    xs = [x]
    h = x
    for i in range(2):
        h = np.maximum(h @ weights[W_KEYS[i]].T + weights[B_KEYS[i]], 0)
        xs.append(h)
    return xs


def close(a, b, what, rtol=1e-4):
    scale = max(np.max(np.abs(b)), 1e-30)
    err = np.max(np.abs(a - b)) / scale
    check(err <= rtol, "%s: max error %.3g (relative to max %.3g)" % (what, err, scale))


def reference_refit(w0, w, gram, damp, method):
    h = gram + damp * np.mean(np.diag(gram)) * np.eye(gram.shape[0])
    out = np.zeros_like(w0)
    for r in range(w0.shape[0]):
        keep = w[r] != 0
        if keep.all():
            out[r] = w0[r]
        elif keep.any():
            out[r, keep] = np.linalg.solve(h[np.ix_(keep, keep)], (h @ w0[r])[keep])
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--prune-opt", required=True)
    p.add_argument("--prune-run", required=True)
    args = p.parse_args()
    text = prunetest.load_example("mlp")
    orig = {k: v.astype(np.float64) for k, v in prunetest.read_weights(text).items()}
    rng = np.random.default_rng(11)
    calib = rng.uniform(-1, 1, (BATCH * NBATCH, 64)).astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        cpath = os.path.join(tmp, "calib.npy")
        np.save(cpath, calib)
        xs = layer_inputs(orig, calib.astype(np.float64))

        # 1. calibration statistics and Wanda scores.
        cal = opt(args.prune_opt, text, "prune-calibrate{inputs=%s}" % cpath)
        blobs = prunetest.parse_blobs(cal)
        check(cal.count("prune.calibration = {") == 3, "expected 3 calibrated weights")
        grams = {}
        for key, x in zip(W_KEYS, xs):
            w = orig[key]
            k = w.shape[1]
            close(blob(blobs, key + "_sq_norm", "<f4", (k,)), (x * x).sum(0), key + " sq_norm")
            close(blob(blobs, key + "_mean", "<f4", (k,)), x.mean(0), key + " mean")
            fire = blob(blobs, key + "_fire_rate", "<f4", (k,))
            check(np.max(np.abs(fire - (x > 0).mean(0))) <= 1.0 / len(x) + 1e-6,
                  key + " fire_rate")
            grams[key] = blob(blobs, key + "_gram", "<f8", (k, k))
            close(grams[key], x.T @ x, key + " gram")
            close(blob(blobs, key + "_dense", "<f4", w.shape), w, key + " dense", 0)
            close(blob(blobs, key + "_wanda", "<f4", w.shape),
                  np.abs(w) * np.sqrt((x * x).sum(0))[None, :], key + " wanda")
        check("samples = 32 : i64" in cal, "samples = 32 missing")

        # 2. Wanda pruning uses the attached scores.
        pruned_text = opt(args.prune_opt, cal, "prune-unstructured{metric=wanda ratio=0.5}")
        pb = prunetest.parse_blobs(pruned_text)
        pruned = {}
        for key in W_KEYS:
            w = orig[key]
            scores = blob(blobs, key + "_wanda", "<f4", w.shape).ravel()
            keep = prunetest.prune_lowest(scores, prunetest.round_half_even(0.5 * scores.size))
            got = blob(pb, key, "<f4", w.shape)
            check(np.array_equal(got.ravel() != 0, keep.astype(bool)) and
                  np.array_equal(got.ravel()[keep.astype(bool)], w.astype(np.float32).ravel()[keep.astype(bool)]),
                  key + ": wanda mask differs from the lowest half of the attached scores")
            pruned[key] = got.astype(np.float64)

        # 3. Reconstruction.
        for method in ("lsq", "obs"):
            rec_text = opt(args.prune_opt, pruned_text,
                           "prune-reconstruct{method=%s damp=0.01}" % method)
            rb = prunetest.parse_blobs(rec_text)
            rec = dict(orig)
            for key, x in zip(W_KEYS, xs):
                w0 = orig[key]
                got = blob(rb, key, "<f4", w0.shape).astype(np.float64)
                check(np.array_equal(got != 0, pruned[key] != 0) or
                      np.all((got != 0) <= (pruned[key] != 0)),
                      key + ": reconstruction changed the sparsity pattern")
                ref = reference_refit(w0, pruned[key], grams[key], 0.01, method)
                close(got, ref, "%s %s refit" % (method, key), 2e-3)
                before = np.sum((x @ (w0 - pruned[key]).T) ** 2)
                after = np.sum((x @ (w0 - got).T) ** 2)
                check(after < 0.9 * before,
                      "%s %s: calibration error %.4g -> %.4g" % (method, key, before, after))
                print("%s %s: layer output error %.4g -> %.4g" % (method, key, before, after))
                rec[key] = got
            # 4. The repaired model runs, and matches numpy on its weights.
            mpath, xin, rpath = (os.path.join(tmp, n) for n in ("rec.mlir", "x.npy", "ref.npy"))
            with open(mpath, "w") as f:
                f.write(rec_text)
            x = prunetest.model_input("mlp")
            np.save(xin, x)
            ref_out, _ = prunetest.forward("mlp", {k: v.astype(np.float32) for k, v in rec.items()}, x)
            np.save(rpath, ref_out.astype(np.float32))
            r = subprocess.run([args.prune_run, mpath, "--input=" + xin, "--compare=" + rpath,
                                "--rtol=1e-4", "--atol=1e-5"], capture_output=True, text=True)
            check(r.returncode == 0, "prune-run on the %s model: %s%s" % (method, r.stdout, r.stderr))
        print("OK")


prunetest.main_guard(main)
