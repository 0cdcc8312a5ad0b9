# prune-reconstruct on 2-D convolutions: prune-calibrate records the Gram
# matrix over im2col patches (columns in the filter's order: (c, kh, kw) for
# conv_2d_nchw_fchw, (kh, kw, c) for conv_2d_nhwc_hwcf, with `gram_dims`);
# prune-reconstruct refits each filter's kept weights by least squares.
# Checked against numpy: the Gram matrix, the refitted weights, and the
# layer's output error on the calibration data (lower than the magnitude
# mask without refit), and prune-run on the repaired module.
# method=sparsegpt with 2:4 along the input channels (prune-nm): the same
# mask and weights as a numpy SparseGPT run on the Gram matrix with its
# columns reordered so that the channel is innermost ((kh, kw, c): each
# group of 4 consecutive columns is one 2:4 group), 2:4 holds per filter
# tap, and with refit=true the least-squares fit on that mask.
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

N, C, H, F, K = 2, 4, 7, 4, 3
DAMP, BLOCK = 0.01, 8


def module(layout, w, stride):
    oh = (H - K) // stride + 1
    t = lambda *s: "tensor<%sxf32>" % "x".join(map(str, s))
    if layout == "nchw":
        x, y, op = t(N, C, H, H), t(N, F, oh, oh), "linalg.conv_2d_nchw_fchw"
    else:
        x, y, op = t(N, H, H, C), t(N, oh, oh, F), "linalg.conv_2d_nhwc_hwcf"
    return """func.func @forward(%%x: %(x)s) -> %(y)s {
  %%w = arith.constant dense_resource<conv.weight> : %(w)s
  %%zero = arith.constant 0.0 : f32
  %%e = tensor.empty() : %(y)s
  %%f = linalg.fill ins(%%zero : f32) outs(%%e : %(y)s) -> %(y)s
  %%c = %(op)s {dilations = dense<1> : vector<2xi64>, strides = dense<%(s)d> : vector<2xi64>} ins(%%x, %%w : %(x)s, %(w)s) outs(%%f : %(y)s) -> %(y)s
  return %%c : %(y)s
}
{-#
  dialect_resources: {
    builtin: {
      conv.weight: "%(blob)s"
    }
  }
#-}
""" % dict(x=x, y=y, w=t(*w.shape), op=op, s=stride, blob=prunetest.hex_blob(w))


def im2col(x, layout, stride):
    """Rows (n, oh, ow); columns in the filter's order."""
    if layout == "nhwc":
        x = x.transpose(0, 3, 1, 2)
    oh = (H - K) // stride + 1
    rows = []
    for n in range(N):
        for i in range(oh):
            for j in range(oh):
                p = x[n, :, i * stride:i * stride + K, j * stride:j * stride + K]  # c, kh, kw
                rows.append(p.ravel() if layout == "nchw" else p.transpose(1, 2, 0).ravel())
    return np.array(rows)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--prune-opt", required=True)
    p.add_argument("--prune-run", required=True)
    args = p.parse_args()
    rng = np.random.default_rng(9)
    for layout, stride in (("nchw", 1), ("nhwc", 2)):
        wshape = (F, C, K, K) if layout == "nchw" else (K, K, C, F)
        w = rng.normal(0, 1, wshape).astype(np.float32)
        xshape = (N, C, H, H) if layout == "nchw" else (N, H, H, C)
        nb = 4
        x = rng.normal(0, 1, (nb * N,) + xshape[1:]).astype(np.float32)
        # Correlated channels: the refit has something to exploit.
        cdim = 1 if layout == "nchw" else 3
        x = x + np.take(x, [0], axis=cdim) * 0.8
        with tempfile.TemporaryDirectory() as tmp:
            xpath = os.path.join(tmp, "x.npy")
            np.save(xpath, x)
            text = module(layout, w, stride)

            def opt(pipeline):
                out = prunetest.run_pipeline(args.prune_opt, text, pipeline)[0]
                return out, prunetest.parse_blobs(out)

            base = "prune-calibrate{inputs=%s}, prune-unstructured{ratio=0.5}" % xpath
            pruned_text, pb = opt(base)
            rec_text, rb = opt(base + ", prune-reconstruct{damp=%g}" % DAMP)
            gdims = "array<i64: 1, 2, 3>" if layout == "nchw" else "array<i64: 0, 1, 2>"
            check("gram_dims = " + gdims in rec_text, "%s: gram_dims missing" % layout)

            cols = np.concatenate([im2col(x[b * N:(b + 1) * N].astype(np.float64), layout, stride)
                                   for b in range(nb)])
            kk = C * K * K
            gram = np.frombuffer(rb["conv.weight_gram"][1], "<f8").reshape(kk, kk)
            check(np.allclose(gram, cols.T @ cols, rtol=1e-5, atol=1e-4),
                  "%s: im2col Gram differs by %.3g" % (layout, np.max(np.abs(gram - cols.T @ cols))))

            # The filter as (F, columns in the Gram's order).
            def rows(a):
                a = a.reshape(wshape)
                return a.reshape(F, -1) if layout == "nchw" else a.reshape(-1, F).T

            w0 = rows(w).astype(np.float64)
            pw = rows(np.frombuffer(pb["conv.weight"][1], "<f4")).astype(np.float64)
            got = rows(np.frombuffer(rb["conv.weight"][1], "<f4")).astype(np.float64)
            check(np.array_equal(got == 0, pw == 0), "%s: the refit changed the mask" % layout)
            hd = gram + DAMP * np.mean(np.diag(gram)) * np.eye(kk)
            for f in range(F):
                keep = pw[f] != 0
                want = np.linalg.solve(hd[np.ix_(keep, keep)], (hd @ w0[f])[keep])
                check(np.allclose(got[f, keep], want, rtol=1e-3, atol=1e-4),
                      "%s: filter %d refit differs" % (layout, f))
            y0 = cols @ w0.T
            e_mag = np.sum((y0 - cols @ pw.T) ** 2)
            e_rec = np.sum((y0 - cols @ got.T) ** 2)
            print("%s stride %d: calibration output error magnitude %.5g, refit %.5g"
                  % (layout, stride, e_mag, e_rec))
            check(e_rec < 0.9 * e_mag, "%s: the refit does not lower the error" % layout)

            # SparseGPT 2:4 along the input channels.
            nm = "prune-calibrate{inputs=%s}, prune-nm{n=2 m=4}" % xpath
            sg_text, sb = opt(nm + ", prune-reconstruct{method=sparsegpt refit=false "
                              "block-size=%d damp=%g}" % (BLOCK, DAMP))
            _, sr = opt(nm + ", prune-reconstruct{method=sparsegpt block-size=%d damp=%g}"
                        % (BLOCK, DAMP))
            # perm[j]: the Gram column SparseGPT visits j-th ((kh, kw, c)).
            idx = np.arange(kk).reshape((C, K, K) if layout == "nchw" else (K, K, C))
            perm = (idx.transpose(1, 2, 0) if layout == "nchw" else idx).ravel()
            want = np.zeros_like(w0)
            want[:, perm] = prunetest.sparsegpt(w0[:, perm], gram[np.ix_(perm, perm)], BLOCK, DAMP, nm=(2, 4))
            sg = rows(np.frombuffer(sb["conv.weight"][1], "<f4")).astype(np.float64)
            check(np.array_equal(sg == 0, want == 0),
                  "%s: SparseGPT 2:4 mask differs from numpy in %d places"
                  % (layout, np.sum((sg == 0) != (want == 0))))
            check(np.allclose(sg, want, rtol=1e-4, atol=1e-4 * np.max(np.abs(want))),
                  "%s: SparseGPT 2:4 weights differ by %.3g" % (layout, np.max(np.abs(sg - want))))
            groups = (sg[:, perm] != 0).reshape(F, -1, 4).sum(-1)
            check(np.all(groups == 2), "%s: not 2:4 along the channels" % layout)
            check("#prune.sparsity<pattern = nm" in sg_text, "%s: 2:4 record dropped" % layout)
            sgr = rows(np.frombuffer(sr["conv.weight"][1], "<f4")).astype(np.float64)
            check(np.array_equal(sgr == 0, want == 0), "%s: refit changed the mask" % layout)
            for f in range(F):
                keep = want[f] != 0
                fit = np.linalg.solve(hd[np.ix_(keep, keep)], (hd @ w0[f])[keep])
                check(np.allclose(sgr[f, keep], fit, rtol=1e-3, atol=1e-4),
                      "%s: SparseGPT 2:4 refit of filter %d is not least squares" % (layout, f))
            e_sg = np.sum((y0 - cols @ sgr.T) ** 2)
            print("%s 2:4: calibration output error SparseGPT+refit %.5g" % (layout, e_sg))

            # prune-run on the repaired module: the numpy im2col output.
            mpath, xin, ref = (os.path.join(tmp, n) for n in ("m.mlir", "xin.npy", "ref.npy"))
            with open(mpath, "w") as fh:
                fh.write(rec_text)
            np.save(xin, x[:N])
            oh = (H - K) // stride + 1
            out = (im2col(x[:N].astype(np.float64), layout, stride) @ got.T).reshape(N, oh, oh, F)
            if layout == "nchw":
                out = out.transpose(0, 3, 1, 2)
            np.save(ref, out.astype(np.float32))
            r = subprocess.run([args.prune_run, mpath, "--input=" + xin, "--compare=" + ref,
                                "--rtol=1e-4", "--atol=1e-4"], capture_output=True, text=True)
            check(r.returncode == 0, "%s prune-run: %s%s" % (layout, r.stdout, r.stderr))
    print("OK")


prunetest.main_guard(main)
