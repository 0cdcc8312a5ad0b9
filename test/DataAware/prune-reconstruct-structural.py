# Repair after structural removal: prune-neurons removes half the hidden
# units of a 2-layer MLP (16 -> 24 -> 8, biases, ReLU); prune-reconstruct then
#   * with the Gram matrix of the full (pre-removal) input: refits the next
#     layer's kept columns by least squares (checked against numpy from the
#     recorded Gram matrix and the original weight);
#   * without one (gram=false... but the weight copy kept): folds the removed
#     units' mean activation times their weights into the next bias;
# and, run by the JIT (prune-run) on the calibration data, both give a lower
# output error than plain removal; the Gram refit lowest.
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

ROWS, IN, HID, OUT = 128, 16, 24, 8
DAMP = 0.01


def module(w1, b1, w2, b2):
    t = lambda *s: "tensor<%sxf32>" % "x".join(map(str, s))
    return """#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @forward(%%x: %(x)s) -> %(y)s {
  %%zero = arith.constant 0.0 : f32
  %%w1 = arith.constant dense_resource<fc1.weight> : %(w1)s
  %%b1 = arith.constant dense_resource<fc1.bias> : %(b1)s
  %%w2 = arith.constant dense_resource<fc2.weight> : %(w2)s
  %%b2 = arith.constant dense_resource<fc2.bias> : %(b2)s
  %%e1 = tensor.empty() : %(w1t)s
  %%t1 = linalg.transpose ins(%%w1 : %(w1)s) outs(%%e1 : %(w1t)s) permutation = [1, 0]
  %%o1 = tensor.empty() : %(h)s
  %%f1 = linalg.fill ins(%%zero : f32) outs(%%o1 : %(h)s) -> %(h)s
  %%m1 = linalg.matmul ins(%%x, %%t1 : %(x)s, %(w1t)s) outs(%%f1 : %(h)s) -> %(h)s
  %%a1 = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%%m1, %%b1 : %(h)s, %(b1)s) outs(%%o1 : %(h)s) {
  ^bb0(%%p: f32, %%q: f32, %%r: f32):
    %%s = arith.addf %%p, %%q : f32
    linalg.yield %%s : f32
  } -> %(h)s
  %%r1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%%a1 : %(h)s) outs(%%o1 : %(h)s) {
  ^bb0(%%p: f32, %%r: f32):
    %%s = arith.maximumf %%p, %%zero : f32
    linalg.yield %%s : f32
  } -> %(h)s
  %%e2 = tensor.empty() : %(w2t)s
  %%t2 = linalg.transpose ins(%%w2 : %(w2)s) outs(%%e2 : %(w2t)s) permutation = [1, 0]
  %%o2 = tensor.empty() : %(y)s
  %%f2 = linalg.fill ins(%%zero : f32) outs(%%o2 : %(y)s) -> %(y)s
  %%m2 = linalg.matmul ins(%%r1, %%t2 : %(h)s, %(w2t)s) outs(%%f2 : %(y)s) -> %(y)s
  %%a2 = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%%m2, %%b2 : %(y)s, %(b2)s) outs(%%o2 : %(y)s) {
  ^bb0(%%p: f32, %%q: f32, %%r: f32):
    %%s = arith.addf %%p, %%q : f32
    linalg.yield %%s : f32
  } -> %(y)s
  return %%a2 : %(y)s
}
{-#
  dialect_resources: {
    builtin: {
      fc1.weight: "%(bw1)s",
      fc1.bias: "%(bb1)s",
      fc2.weight: "%(bw2)s",
      fc2.bias: "%(bb2)s"
    }
  }
#-}
""" % dict(x=t(ROWS, IN), y=t(ROWS, OUT), h=t(ROWS, HID), w1=t(HID, IN), w1t=t(IN, HID),
           b1=t(HID), w2=t(OUT, HID), w2t=t(HID, OUT), b2=t(OUT),
           bw1=prunetest.hex_blob(w1), bb1=prunetest.hex_blob(b1),
           bw2=prunetest.hex_blob(w2), bb2=prunetest.hex_blob(b2))


def weights(ir):
    """The f32 weights of `ir` by name (a sliced blob gets a `_N` suffix)."""
    blobs = prunetest.parse_blobs(ir)
    out = {}
    for key, shape in re.findall(r"\} dense_resource<(fc[12]\.(?:weight|bias)(?:_[0-9]+)?)> : "
                                 r"tensor<([0-9x]+)xf32>", ir) + \
            re.findall(r"constant dense_resource<(fc[12]\.(?:weight|bias)(?:_[0-9]+)?)> : "
                       r"tensor<([0-9x]+)xf32>", ir):
        a = np.frombuffer(blobs[key][1], "<f4").reshape([int(d) for d in shape.split("x")])
        out[re.sub(r"_[0-9]+$", "", key)] = a.copy()
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--prune-opt", required=True)
    p.add_argument("--prune-run", required=True)
    args = p.parse_args()
    rng = np.random.default_rng(3)
    w1 = rng.normal(0, 0.5, (HID, IN)).astype(np.float32)
    b1 = rng.normal(0.5, 0.5, HID).astype(np.float32)  # units that fire often
    w2 = rng.normal(0, 0.5, (OUT, HID)).astype(np.float32)
    b2 = rng.normal(0, 0.1, OUT).astype(np.float32)
    x = rng.normal(0, 1, (ROWS, IN)).astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        xpath = os.path.join(tmp, "x.npy")
        np.save(xpath, x)
        text = module(w1, b1, w2, b2)

        def opt(pipeline):
            out = prunetest.run_pipeline(args.prune_opt, text, pipeline)[0]
            return out

        def run(ir, name):
            return prunetest.run_npy(args.prune_run, ir, x, tmp, name)

        y_dense = run(text, "dense")
        h = np.maximum(x.astype(np.float64) @ w1.T + b1, 0)
        check(np.allclose(y_dense, h @ w2.T + b2, rtol=1e-4, atol=1e-4), "dense JIT run")

        removal = "prune-neurons{ratio=0.5}"
        plain = opt("prune-calibrate{inputs=%s}, %s" % (xpath, removal))
        lsq = opt("prune-calibrate{inputs=%s}, %s, prune-reconstruct{damp=%g}"
                  % (xpath, removal, DAMP))
        bias = opt("prune-calibrate{inputs=%s max-gram-dim=0}, %s, prune-reconstruct"
                   % (xpath, removal))

        # Which hidden units were kept: prune.kept on fc2.weight's dim 1.
        m = re.search(r"prune\.kept = \[array<i64>, array<i64: ([0-9, ]+)>\]\} "
                      r"dense_resource<fc2\.weight(_[0-9]+)?>", lsq)
        check(m, "no prune.kept record on fc2.weight:\n" + lsq[:3000])
        kept = np.array([int(v) for v in m.group(1).split(",")])
        check(len(kept) == HID // 2, "kept %d units" % len(kept))
        removed = np.setdiff1d(np.arange(HID), kept)

        # Plain removal: fc2 keeps its columns as they were.
        pw = weights(plain)
        check(np.array_equal(pw["fc2.weight"], w2[:, kept]), "plain removal changed fc2")

        # Least squares from the recorded full Gram matrix and weight.
        blobs = prunetest.parse_blobs(lsq)
        gram = np.frombuffer(blobs["fc2.weight_gram"][1], "<f8").reshape(HID, HID)
        check(np.allclose(gram, h.T @ h, rtol=1e-5, atol=1e-4), "Gram of the full hidden layer")
        hd = gram + DAMP * np.mean(np.diag(gram)) * np.eye(HID)
        want = np.linalg.solve(hd[np.ix_(kept, kept)], (w2.astype(np.float64) @ hd)[:, kept].T).T
        got = weights(lsq)["fc2.weight"]
        check(np.allclose(got, want, rtol=1e-3, atol=1e-4),
              "fc2 refit differs from numpy by %.3g" % np.max(np.abs(got - want)))
        check(np.array_equal(weights(lsq)["fc2.bias"], b2), "lsq changed the bias")

        # Bias compensation: b2 + W2[:, removed] @ mean(h[:, removed]).
        bw = weights(bias)
        check(np.array_equal(bw["fc2.weight"], w2[:, kept]), "compensation changed fc2's weight")
        want_b = b2 + w2[:, removed].astype(np.float64) @ h[:, removed].mean(0)
        check(np.allclose(bw["fc2.bias"], want_b, rtol=1e-4, atol=1e-5),
              "bias compensation: %s vs %s" % (bw["fc2.bias"], want_b))

        err = {name: np.mean((run(ir, name) - y_dense) ** 2)
               for name, ir in (("removal", plain), ("bias", bias), ("lsq", lsq))}
        print("calibration output MSE: plain removal %.4g, bias compensation %.4g, "
              "least squares %.4g" % (err["removal"], err["bias"], err["lsq"]))
        check(err["bias"] < err["removal"], "bias compensation does not help")
        check(err["lsq"] < err["bias"], "least squares is not better than bias compensation")
    print("OK")


prunetest.main_guard(main)
