# prune-calibrate{metric=activation} scores attention heads: on the weight
# that reads the heads (the output projection), one score per head, the
# calibration output error left when that head's inputs are removed and the
# projection's other inputs refitted by least squares,
#   sum_rows w_S (G_SS - G_SK (G_KK + lambda I)^-1 G_KS) w_S^T,
# G the Gram matrix of the attention output, lambda = 0.01 * mean(diag G),
# attached as #prune.importance<metric = activation, granularity = head>.
# A small 4-head attention (S=8 tokens, d=8, heads of 2; no softmax) whose
# heads have very different output weights and input scales: checked
# against numpy (the Gram matrix, every score), prune-heads{metric=activation}
# keeps the two heads with the highest scores, and after
# prune-reconstruct the JIT-run module's calibration output error is below
# that of the two heads l2 magnitude keeps (refitted the same way).
#
# RUN: %python %s --prune-opt prune-opt --prune-run prune-run
# REQUIRES: numpy

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import numpy as np
import prunetest
from prunetest import check

S, DM, H, D, NB = 8, 8, 4, 2, 6
DAMP = 0.01


def module(wq, wk, wv, wo):
    return """func.func @forward(%%x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %%wq = arith.constant dense_resource<attn.q> : tensor<8x8xf32>
  %%wk = arith.constant dense_resource<attn.k> : tensor<8x8xf32>
  %%wv = arith.constant dense_resource<attn.v> : tensor<8x8xf32>
  %%wo = arith.constant dense_resource<attn.o> : tensor<8x8xf32>
  %%z = arith.constant 0.0 : f32
  %%e = tensor.empty() : tensor<8x8xf32>
  %%f = linalg.fill ins(%%z : f32) outs(%%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %%tq = linalg.transpose ins(%%wq : tensor<8x8xf32>) outs(%%e : tensor<8x8xf32>) permutation = [1, 0]
  %%tk = linalg.transpose ins(%%wk : tensor<8x8xf32>) outs(%%e : tensor<8x8xf32>) permutation = [1, 0]
  %%tv = linalg.transpose ins(%%wv : tensor<8x8xf32>) outs(%%e : tensor<8x8xf32>) permutation = [1, 0]
  %%q = linalg.matmul ins(%%x, %%tq : tensor<8x8xf32>, tensor<8x8xf32>) outs(%%f : tensor<8x8xf32>) -> tensor<8x8xf32>
  %%k = linalg.matmul ins(%%x, %%tk : tensor<8x8xf32>, tensor<8x8xf32>) outs(%%f : tensor<8x8xf32>) -> tensor<8x8xf32>
  %%v = linalg.matmul ins(%%x, %%tv : tensor<8x8xf32>, tensor<8x8xf32>) outs(%%f : tensor<8x8xf32>) -> tensor<8x8xf32>
  %%q3 = tensor.expand_shape %%q [[0], [1, 2]] output_shape [8, 4, 2] : tensor<8x8xf32> into tensor<8x4x2xf32>
  %%k3 = tensor.expand_shape %%k [[0], [1, 2]] output_shape [8, 4, 2] : tensor<8x8xf32> into tensor<8x4x2xf32>
  %%v3 = tensor.expand_shape %%v [[0], [1, 2]] output_shape [8, 4, 2] : tensor<8x8xf32> into tensor<8x4x2xf32>
  %%e482 = tensor.empty() : tensor<4x8x2xf32>
  %%e428 = tensor.empty() : tensor<4x2x8xf32>
  %%qh = linalg.transpose ins(%%q3 : tensor<8x4x2xf32>) outs(%%e482 : tensor<4x8x2xf32>) permutation = [1, 0, 2]
  %%kh = linalg.transpose ins(%%k3 : tensor<8x4x2xf32>) outs(%%e428 : tensor<4x2x8xf32>) permutation = [1, 2, 0]
  %%vh = linalg.transpose ins(%%v3 : tensor<8x4x2xf32>) outs(%%e482 : tensor<4x8x2xf32>) permutation = [1, 0, 2]
  %%e488 = tensor.empty() : tensor<4x8x8xf32>
  %%f488 = linalg.fill ins(%%z : f32) outs(%%e488 : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %%s = linalg.batch_matmul ins(%%qh, %%kh : tensor<4x8x2xf32>, tensor<4x2x8xf32>) outs(%%f488 : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %%f482 = linalg.fill ins(%%z : f32) outs(%%e482 : tensor<4x8x2xf32>) -> tensor<4x8x2xf32>
  %%o = linalg.batch_matmul ins(%%s, %%vh : tensor<4x8x8xf32>, tensor<4x8x2xf32>) outs(%%f482 : tensor<4x8x2xf32>) -> tensor<4x8x2xf32>
  %%e842 = tensor.empty() : tensor<8x4x2xf32>
  %%ot = linalg.transpose ins(%%o : tensor<4x8x2xf32>) outs(%%e842 : tensor<8x4x2xf32>) permutation = [1, 0, 2]
  %%oc = tensor.collapse_shape %%ot [[0], [1, 2]] : tensor<8x4x2xf32> into tensor<8x8xf32>
  %%to = linalg.transpose ins(%%wo : tensor<8x8xf32>) outs(%%e : tensor<8x8xf32>) permutation = [1, 0]
  %%y = linalg.matmul ins(%%oc, %%to : tensor<8x8xf32>, tensor<8x8xf32>) outs(%%f : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %%y : tensor<8x8xf32>
}
{-#
  dialect_resources: {
    builtin: {
      attn.q: "%s",
      attn.k: "%s",
      attn.v: "%s",
      attn.o: "%s"
    }
  }
#-}
""" % tuple(prunetest.hex_blob(a) for a in (wq, wk, wv, wo))


def attention_out(x, wq, wk, wv):
    """The collapsed attention output [S, H*D] of one call (no softmax)."""
    q, k, v = (x @ w.T for w in (wq, wk, wv))
    out = np.zeros((S, H * D))
    for h in range(H):
        c = slice(h * D, (h + 1) * D)
        out[:, c] = (q[:, c] @ k[:, c].T) @ v[:, c]
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--prune-opt", required=True)
    p.add_argument("--prune-run", required=True)
    args = p.parse_args()
    rng = np.random.default_rng(11)
    wq, wk = (rng.normal(0, 0.5, (DM, DM)).astype(np.float32) for _ in range(2))
    wv = rng.normal(0, 0.5, (DM, DM)).astype(np.float32)
    # Head scales: value weights (the size of each head's output) and output
    # weights pull in different directions, so that |w| alone (l2 over every
    # coupled slice) and the data-aware score disagree.
    wv *= np.repeat([3.0, 0.3, 1.0, 0.6], D)[:, None].astype(np.float32)
    wo = rng.normal(0, 1, (DM, DM)).astype(np.float32)
    wo *= np.repeat([0.3, 2.5, 1.0, 1.2], D)[None, :].astype(np.float32)
    x = rng.normal(0, 1, (NB * S, DM)).astype(np.float32)
    x64 = x.astype(np.float64)
    with tempfile.TemporaryDirectory() as tmp:
        xpath = os.path.join(tmp, "x.npy")
        np.save(xpath, x)
        text = module(wq, wk, wv, wo)

        def opt(pipeline):
            out = prunetest.run_pipeline(args.prune_opt, text, pipeline)[0]
            return out

        cal = "prune-calibrate{inputs=%s metric=activation}" % xpath
        ir = opt(cal)
        m = re.search(r"prune\.importance = #prune\.importance<metric = activation, "
                      r"granularity = head, dim = 1, heads = 4, scores = "
                      r"dense_resource<([\w.]+)> : tensor<4xf32>>", ir)
        check(m, "no head-granularity importance on the output projection:\n" + ir[:4000])
        check(ir.count("granularity = head") == 1, "head scores on more than one weight")
        blobs = prunetest.parse_blobs(ir)
        got = np.frombuffer(blobs[m.group(1)][1], "<f4").astype(np.float64)

        # numpy: the Gram matrix of the attention output and the scores.
        wq64, wk64, wv64, wo64 = (w.astype(np.float64) for w in (wq, wk, wv, wo))
        a = np.concatenate([attention_out(x64[b * S:(b + 1) * S], wq64, wk64, wv64)
                            for b in range(NB)])
        gram = a.T @ a
        rec = np.frombuffer(blobs["attn.o_gram"][1], "<f8").reshape(H * D, H * D)
        check(np.allclose(rec, gram, rtol=1e-4, atol=1e-3 * np.max(np.abs(gram))),
              "recorded Gram differs from numpy")
        g = gram + DAMP * np.mean(np.diag(gram)) * np.eye(H * D)
        want = np.zeros(H)
        for h in range(H):
            s_ = np.arange(h * D, (h + 1) * D)
            k_ = np.setdiff1d(np.arange(H * D), s_)
            schur = g[np.ix_(s_, s_)] - g[np.ix_(s_, k_)] @ np.linalg.solve(
                g[np.ix_(k_, k_)], g[np.ix_(k_, s_)])
            want[h] = np.sum((wo64[:, s_] @ schur) * wo64[:, s_])
        print("head scores: got %s, numpy %s" % (np.array2string(got, precision=4),
                                                 np.array2string(want, precision=4)))
        check(np.allclose(got, want, rtol=1e-3), "head scores differ from numpy")

        # prune-heads keeps the two highest-scoring heads; magnitude others.
        def kept(ir):
            m = re.search(r"prune\.kept = \[array<i64>, array<i64: ([0-9, ]+)>\]\} "
                          r"dense_resource<attn\.o(_[0-9]+)?>", ir)
            check(m, "no prune.kept on the output projection:\n" + ir[:3000])
            return sorted({int(v) // D for v in m.group(1).split(",")})

        heads = "prune-heads{ratio=0.5 metric=%s}, prune-reconstruct{damp=%g}"
        data = opt(cal + ", " + heads % ("activation", DAMP))
        mag = opt("prune-calibrate{inputs=%s metric=none}, " % xpath + heads % ("l2", DAMP))
        best = sorted(np.argsort(-want, kind="stable")[:2].tolist())
        check(kept(data) == best, "data-aware kept heads %s, not %s" % (kept(data), best))
        check(kept(mag) != best, "l2 keeps the same heads: the test cannot tell them apart")

        # Both JIT-run on the calibration data: the data-aware heads leave
        # the lower output error.
        y0 = a @ wo64.T

        def err(ir, name):
            mpath = os.path.join(tmp, name + ".mlir")
            with open(mpath, "w") as f:
                f.write(ir)
            total = 0.0
            for b in range(NB):
                xin, yout = os.path.join(tmp, "xin.npy"), os.path.join(tmp, "y.npy")
                np.save(xin, x[b * S:(b + 1) * S])
                r = subprocess.run([args.prune_run, mpath, "--input=" + xin, "--output=" + yout],
                                   capture_output=True, text=True)
                check(r.returncode == 0, "prune-run %s: %s%s" % (name, r.stdout, r.stderr))
                total += np.sum((np.load(yout) - y0[b * S:(b + 1) * S]) ** 2)
            return total

        e_data, e_mag = err(data, "data"), err(mag, "mag")
        print("calibration output error after removing 2 of 4 heads and refitting: "
              "head scores %.5g, l2 %.5g" % (e_data, e_mag))
        check(e_data < e_mag, "the head scores do not beat l2")
    print("OK")


prunetest.main_guard(main)
