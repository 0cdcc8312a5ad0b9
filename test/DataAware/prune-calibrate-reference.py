# prune-calibrate{reference=true} and prune-reconstruct with a cross matrix:
# fitting each layer's pruned weights to the *dense* model's outputs from the
# pruned model's inputs. A 2-layer MLP (16 -> 24 -> 8, ReLU) calibrated, then
# pruned 50% (magnitude), then calibrated again with reference=true:
#   * fc2's record keeps the original weight as 'dense', and its 'gram' and
#     'cross' are H_p^T H_p and H_p^T H_d, H_p / H_d the hidden layer of the
#     pruned / dense model (numpy); fc1's cross is its Gram (same input);
#   * prune-reconstruct then fits fc2's kept weights to
#     min |H_p w - H_d w2|^2 + lambda |w - w2|^2 (numpy, from those
#     matrices);
#   * two rounds of (calibrate{reference=true}, reconstruct) -- fc1 repaired
#     first, then fc2 fitted to its repaired output -- leave a lower output
#     error against the dense model (prune-run) than plain least squares.
#
# RUN: %python %s --prune-opt prune-opt --prune-run prune-run
# REQUIRES: numpy

import argparse
import os
import re
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import numpy as np
import prunetest
from prunetest import check

ROWS, IN, HID, OUT = 96, 16, 24, 8
DAMP = 0.01


def module(w1, w2):
    t = lambda *s: "tensor<%sxf32>" % "x".join(map(str, s))
    return """#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @forward(%%x: %(x)s) -> %(y)s {
  %%zero = arith.constant 0.0 : f32
  %%w1 = arith.constant dense_resource<fc1.weight> : %(w1)s
  %%w2 = arith.constant dense_resource<fc2.weight> : %(w2)s
  %%e1 = tensor.empty() : %(w1t)s
  %%t1 = linalg.transpose ins(%%w1 : %(w1)s) outs(%%e1 : %(w1t)s) permutation = [1, 0]
  %%o1 = tensor.empty() : %(h)s
  %%f1 = linalg.fill ins(%%zero : f32) outs(%%o1 : %(h)s) -> %(h)s
  %%m1 = linalg.matmul ins(%%x, %%t1 : %(x)s, %(w1t)s) outs(%%f1 : %(h)s) -> %(h)s
  %%r1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%%m1 : %(h)s) outs(%%o1 : %(h)s) {
  ^bb0(%%p: f32, %%r: f32):
    %%s = arith.maximumf %%p, %%zero : f32
    linalg.yield %%s : f32
  } -> %(h)s
  %%e2 = tensor.empty() : %(w2t)s
  %%t2 = linalg.transpose ins(%%w2 : %(w2)s) outs(%%e2 : %(w2t)s) permutation = [1, 0]
  %%o2 = tensor.empty() : %(y)s
  %%f2 = linalg.fill ins(%%zero : f32) outs(%%o2 : %(y)s) -> %(y)s
  %%m2 = linalg.matmul ins(%%r1, %%t2 : %(h)s, %(w2t)s) outs(%%f2 : %(y)s) -> %(y)s
  return %%m2 : %(y)s
}
{-#
  dialect_resources: {
    builtin: {
      fc1.weight: "%(bw1)s",
      fc2.weight: "%(bw2)s"
    }
  }
#-}
""" % dict(x=t(ROWS, IN), y=t(ROWS, OUT), h=t(ROWS, HID), w1=t(HID, IN), w1t=t(IN, HID),
           w2=t(OUT, HID), w2t=t(HID, OUT), bw1=prunetest.hex_blob(w1),
           bw2=prunetest.hex_blob(w2))


def blob(blobs, key, dtype, shape, ir=None):
    """The blob `key`; with `ir`, the one a record entry names (`key` is
    then `<weight>_<entry>`: a second calibration gives its blobs a suffix)."""
    if ir is not None:
        m = re.search(r"= dense_resource<(%s(?:_[0-9]+)?)>" % re.escape(key), ir)
        check(m, "no %s in the IR" % key)
        key = m.group(1)
    return np.frombuffer(blobs[key][1], dtype).reshape(shape).astype(np.float64)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--prune-opt", required=True)
    p.add_argument("--prune-run", required=True)
    args = p.parse_args()
    rng = np.random.default_rng(7)
    w1 = rng.normal(0, 0.5, (HID, IN)).astype(np.float32)
    w2 = rng.normal(0, 0.5, (OUT, HID)).astype(np.float32)
    x = (rng.normal(0, 1, (ROWS, IN)) @ rng.normal(0, 1, (IN, IN))).astype(np.float32)
    x64 = x.astype(np.float64)
    with tempfile.TemporaryDirectory() as tmp:
        xpath = os.path.join(tmp, "x.npy")
        np.save(xpath, x)
        text = module(w1, w2)

        def opt(pipeline):
            out = prunetest.run_pipeline(args.prune_opt, text, pipeline)[0]
            return out

        cal = "prune-calibrate{inputs=%s}" % xpath
        ref = "prune-calibrate{inputs=%s metric=none reference=true}" % xpath
        rec = "prune-reconstruct{damp=%g}" % DAMP
        base = cal + ", prune-unstructured{ratio=0.5}"
        ir = opt(base + ", " + ref)
        b = prunetest.parse_blobs(ir)
        w1p = blob(b, "fc1.weight", "<f4", (HID, IN))
        w2p = blob(b, "fc2.weight", "<f4", (OUT, HID))
        check(np.sum(w1p == 0) == HID * IN // 2, "fc1 not pruned 50%")
        hp = np.maximum(x64 @ w1p.T, 0)
        hd = np.maximum(x64 @ w1.astype(np.float64).T, 0)
        check(np.array_equal(blob(b, "fc2.weight_dense", "<f4", (OUT, HID), ir), w2),
              "reference=true did not keep the original weight as 'dense'")
        gram = blob(b, "fc2.weight_gram", "<f8", (HID, HID), ir)
        cross = blob(b, "fc2.weight_cross", "<f8", (HID, HID), ir)
        check(np.allclose(gram, hp.T @ hp, rtol=1e-5, atol=1e-3), "fc2 gram != H_p^T H_p")
        check(np.allclose(cross, hp.T @ hd, rtol=1e-5, atol=1e-3), "fc2 cross != H_p^T H_d")
        check(not np.allclose(cross, gram, rtol=1e-3), "pruning did not change fc2's input")
        check(np.allclose(blob(b, "fc1.weight_cross", "<f8", (IN, IN), ir),
                          blob(b, "fc1.weight_gram", "<f8", (IN, IN), ir), rtol=1e-6),
              "fc1's input is the same in both models: cross must equal gram")

        # One reconstruct: fc2 against the dense outputs.
        got = blob(prunetest.parse_blobs(opt(base + ", " + ref + ", " + rec)), "fc2.weight",
                   "<f4", (OUT, HID))
        lam = DAMP * np.mean(np.diag(gram))
        hdamp, cdamp = gram + lam * np.eye(HID), cross + lam * np.eye(HID)
        for r in range(OUT):
            k = w2p[r] != 0
            want = np.linalg.solve(hdamp[np.ix_(k, k)], (cdamp @ w2[r].astype(np.float64))[k])
            check(np.allclose(got[r, k], want, rtol=1e-3, atol=1e-4),
                  "fc2 row %d: %s vs numpy %s" % (r, got[r, k], want))
            check(np.all(got[r, ~k] == 0), "fc2 row %d: pruned entries changed" % r)

        # Two rounds against plain least squares, by the JIT.
        def run(ir, name):
            return prunetest.run_npy(args.prune_run, ir, x, tmp, name)

        y0 = hd @ w2.astype(np.float64).T
        e_lsq = np.sum((run(opt(base + ", " + rec), "lsq") - y0) ** 2)
        e_ref = np.sum((run(opt(base + (", " + ref + ", " + rec) * 2), "ref") - y0) ** 2)
        print("output error against the dense model: lsq %.5g, reference (2 rounds) %.5g"
              % (e_lsq, e_ref))
        check(e_ref < e_lsq, "fitting the dense outputs does not beat plain least squares")
    print("OK")


prunetest.main_guard(main)
