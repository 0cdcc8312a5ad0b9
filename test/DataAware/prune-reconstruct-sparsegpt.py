# prune-reconstruct{method=sparsegpt} against an independent numpy
# implementation of SparseGPT (Frantar & Alistarh 2023, Algorithm 1; the
# structure of the authors' `fasterprune`) on a small Linear layer:
#   * unstructured 50% (after prune-unstructured) and 2:4 (after prune-nm),
#     with a block size that splits the columns into several blocks: the
#     same mask and the same weights (to 1e-4);
#   * with refit=true (default) the kept weights are the least-squares fit
#     on SparseGPT's mask, and the layer's output error on the calibration
#     data is lower than with the magnitude mask refitted by least squares
#     (method=lsq);
#   * prune-run on the repaired module matches numpy's X W^T.
#
# RUN: %python %s --prune-opt prune-opt --prune-run prune-run
# REQUIRES: numpy

import argparse
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import numpy as np
import prunetest
from prunetest import check

OUT, IN, BATCH, NBATCH = 12, 32, 16, 6
BLOCK, DAMP = 8, 0.01


def module(w):
    return """func.func @forward(%%x: tensor<%(b)dx%(i)dxf32>) -> tensor<%(b)dx%(o)dxf32> {
  %%w = arith.constant dense_resource<fc.weight> : tensor<%(o)dx%(i)dxf32>
  %%zero = arith.constant 0.0 : f32
  %%e = tensor.empty() : tensor<%(i)dx%(o)dxf32>
  %%wt = linalg.transpose ins(%%w : tensor<%(o)dx%(i)dxf32>) outs(%%e : tensor<%(i)dx%(o)dxf32>) permutation = [1, 0]
  %%init = tensor.empty() : tensor<%(b)dx%(o)dxf32>
  %%f = linalg.fill ins(%%zero : f32) outs(%%init : tensor<%(b)dx%(o)dxf32>) -> tensor<%(b)dx%(o)dxf32>
  %%y = linalg.matmul ins(%%x, %%wt : tensor<%(b)dx%(i)dxf32>, tensor<%(i)dx%(o)dxf32>) outs(%%f : tensor<%(b)dx%(o)dxf32>) -> tensor<%(b)dx%(o)dxf32>
  return %%y : tensor<%(b)dx%(o)dxf32>
}
{-#
  dialect_resources: {
    builtin: {
      fc.weight: "%(blob)s"
    }
  }
#-}
""" % dict(b=BATCH, i=IN, o=OUT, blob=prunetest.hex_blob(w))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--prune-opt", required=True)
    p.add_argument("--prune-run", required=True)
    args = p.parse_args()
    rng = np.random.default_rng(5)
    w0 = rng.normal(0, 1, (OUT, IN)).astype(np.float32)
    # Correlated inputs with very different scales: where SparseGPT's
    # choice of mask matters.
    mix = rng.normal(0, 1, (IN, IN)) * np.exp(rng.normal(0, 1, IN))[None, :]
    x = (rng.normal(0, 1, (BATCH * NBATCH, IN)) @ mix).astype(np.float32)
    x64 = x.astype(np.float64)
    with tempfile.TemporaryDirectory() as tmp:
        xpath, mpath = os.path.join(tmp, "x.npy"), os.path.join(tmp, "m.mlir")
        np.save(xpath, x)
        text = module(w0)

        def opt(pipeline):
            out = prunetest.run_pipeline(args.prune_opt, text, pipeline)[0]
            return out, prunetest.parse_blobs(out)

        cal = "prune-calibrate{inputs=%s}" % xpath
        for name, prune, kw in (("50%", "prune-unstructured{ratio=0.5}",
                                 dict(zeros=prunetest.round_half_even(0.5 * w0.size))),
                                ("2:4", "prune-nm{n=2 m=4}", dict(nm=(2, 4)))):
            out, blobs = opt("%s, %s, prune-reconstruct{method=sparsegpt refit=false "
                             "block-size=%d damp=%g}" % (cal, prune, BLOCK, DAMP))
            got = np.frombuffer(blobs["fc.weight"][1], "<f4").reshape(OUT, IN).astype(np.float64)
            gram = np.frombuffer(blobs["fc.weight_gram"][1], "<f8").reshape(IN, IN)
            check(np.allclose(gram, x64.T @ x64, rtol=1e-6, atol=1e-6), "recorded Gram")
            ref = prunetest.sparsegpt(w0, gram, BLOCK, DAMP, **kw)
            check(np.array_equal(got == 0, ref == 0),
                  "%s: mask differs from the reference in %d places"
                  % (name, np.sum((got == 0) != (ref == 0))))
            err = np.max(np.abs(got - ref)) / np.max(np.abs(ref))
            check(err < 1e-4, "%s: weights differ from the reference by %.3g" % (name, err))
            if "nm" in kw:
                g = (got != 0).reshape(OUT, IN // 4, 4).sum(-1)
                check(np.all(g <= 2), "2:4 violated")
            else:
                check(np.sum(got == 0) == kw["zeros"], "%s: %d zeros" % (name, np.sum(got == 0)))
            check("#prune.sparsity" in out, "sparsity record dropped")

            # refit=true (default): SparseGPT's mask, least-squares weights.
            _, rblobs = opt("%s, %s, prune-reconstruct{method=sparsegpt block-size=%d damp=%g}"
                            % (cal, prune, BLOCK, DAMP))
            refit = np.frombuffer(rblobs["fc.weight"][1], "<f4").reshape(OUT, IN).astype(np.float64)
            check(np.array_equal(refit == 0, ref == 0), "%s: refit changed the mask" % name)
            h = gram + DAMP * np.mean(np.diag(gram)) * np.eye(IN)
            for r in range(OUT):
                k = ref[r] != 0
                want = np.linalg.solve(h[np.ix_(k, k)], (h @ w0[r].astype(np.float64))[k])
                check(np.allclose(refit[r, k], want, rtol=1e-3, atol=1e-4),
                      "%s: refit row %d is not the least-squares fit" % (name, r))

            # Against the magnitude mask refitted by least squares.
            _, lblobs = opt("%s, %s, prune-reconstruct{method=lsq damp=%g}" % (cal, prune, DAMP))
            lsq = np.frombuffer(lblobs["fc.weight"][1], "<f4").reshape(OUT, IN).astype(np.float64)
            y0 = x64 @ w0.T.astype(np.float64)
            e = {n: np.sum((y0 - x64 @ v.T) ** 2)
                 for n, v in (("sparsegpt", got), ("sparsegpt+refit", refit), ("magnitude+lsq", lsq))}
            print("%s: calibration output error %s" % (name, ", ".join(
                "%s %.5g" % kv for kv in e.items())))
            check(e["sparsegpt+refit"] < e["magnitude+lsq"],
                  "%s: SparseGPT's mask is not better than magnitude+lsq" % name)
            check(e["sparsegpt+refit"] <= e["sparsegpt"] * (1 + 1e-6),
                  "%s: the refit made SparseGPT worse" % name)

            # The repaired module runs and computes X W^T.
            with open(mpath, "w") as f:
                f.write(out)
            xin, rpath = os.path.join(tmp, "xin.npy"), os.path.join(tmp, "ref.npy")
            np.save(xin, x[:BATCH])
            np.save(rpath, (x64[:BATCH] @ got.T).astype(np.float32))
            r = subprocess.run([args.prune_run, mpath, "--input=" + xin, "--compare=" + rpath,
                                "--rtol=1e-4", "--atol=1e-4"], capture_output=True, text=True)
            check(r.returncode == 0, "prune-run: %s%s" % (r.stdout, r.stderr))
    print("OK")


prunetest.main_guard(main)
