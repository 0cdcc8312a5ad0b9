# Exactness oracle for structural pruning through tensor.concat along
# channels (FPN / DenseNet / Inception style): two conv branches a (6
# filters) and b (4) are concatenated, c = concat(a, b) (tensor.concat), and
# again with b, d = concat(c, b) (tosa.concat, which prune-tosa-to-linalg
# turns into tensor.concat; nested, and b twice), before a 1x1 conv e, a pool and a
# classifier. Removing filters of a and b must remove their channels at every
# offset they reach in d (b's at 6 + i and 10 + i), and:
#   * the removed model (JIT) equals the model with those channels' consumer
#     slices zeroed (mode=zero, JIT), which equals a numpy forward pass with
#     mode=zero's weights;
#   * the zeroed slices are exactly a's and b's removed filters at their
#     offsets, and the shapes shrink accordingly.
#
# RUN: %python %s --prune-opt prune-opt --prune-run prune-run | FileCheck %s
# REQUIRES: numpy
# CHECK: dense: OK
# CHECK: filters: a 6 -> 3, b 4 -> 2, e 5 -> 3 (ratio 0.5); d has 7 channels; removed == zeroed == numpy; OK
# CHECK: filters (l1, keep=1): a 6 -> 1, b 4 -> 1, e 5 -> 1; d has 3 channels; removed == zeroed == numpy; OK

import argparse
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import prunetest as pt
from prunetest import check

N, H, W, C = 2, 6, 6, 3
FA, FB, FE, CLASSES = 6, 4, 5, 3
FD = FA + 2 * FB


def weights(seed=98):
    rng = np.random.default_rng(seed)
    return {
        "wa": rng.standard_normal((FA, 3, 3, C)).astype(np.float32),
        "ba": rng.standard_normal((FA,)).astype(np.float32),
        "wb": rng.standard_normal((FB, 3, 3, C)).astype(np.float32),
        "bb": rng.standard_normal((FB,)).astype(np.float32),
        "we": rng.standard_normal((FE, 1, 1, FD)).astype(np.float32),
        "be": rng.standard_normal((FE,)).astype(np.float32),
        "fc": rng.standard_normal((1, FE, CLASSES)).astype(np.float32),
    }


def module(w):
    consts, blobs = pt.tosa_weights(w)

    def ty(a):
        return pt.tensor_type(a.shape)
    conv = ('tosa.conv2d %%%s, %%%s, %%%s, %%zp, %%zp {acc_type = f32, dilation = array<i64: 1, 1>, '
            'pad = array<i64: %s>, stride = array<i64: 1, 1>} : (%s, %s, %s, tensor<1xf32>, '
            'tensor<1xf32>) -> %s')
    relu = "tosa.clamp %%%s {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (%s) -> %s"

    def act(c):
        return "tensor<%dx%dx%dx%dxf32>" % (N, H, W, c)
    x = act(C)
    return """func.func @forward(%%x: %(x)s) -> tensor<1x%(N)dx%(K)dxf32> {
%(consts)s
  %%zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %%ca = %(ca)s
  %%a = %(ra)s
  %%cb = %(cb)s
  %%b = %(rb)s
  %%c = tensor.concat dim(3) %%a, %%b : (%(ta)s, %(tb)s) -> %(tc)s
  %%d = tosa.concat %%c, %%b {axis = 3 : i32} : (%(tc)s, %(tb)s) -> %(td)s
  %%ce = %(ce)s
  %%e = %(re)s
  %%p = tosa.avg_pool2d %%e, %%zp, %%zp {acc_type = f32, kernel = array<i64: %(H)d, %(W)d>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (%(te)s, tensor<1xf32>, tensor<1xf32>) -> tensor<%(N)dx1x1x%(FE)dxf32>
  %%s = tosa.const_shape {values = dense<[1, %(N)d, %(FE)d]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %%f = tosa.reshape %%p, %%s : (tensor<%(N)dx1x1x%(FE)dxf32>, !tosa.shape<3>) -> tensor<1x%(N)dx%(FE)dxf32>
  %%y = tosa.matmul %%f, %%fc, %%zp, %%zp : (tensor<1x%(N)dx%(FE)dxf32>, tensor<1x%(FE)dx%(K)dxf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x%(N)dx%(K)dxf32>
  return %%y : tensor<1x%(N)dx%(K)dxf32>
}

{-#
  dialect_resources: {
    builtin: {
%(blobs)s
    }
  }
#-}
""" % {
        "x": x, "N": N, "H": H, "W": W, "K": CLASSES, "FE": FE, "consts": consts,
        "blobs": blobs, "ta": act(FA), "tb": act(FB), "tc": act(FA + FB),
        "td": act(FD), "te": act(FE),
        "ca": conv % ("x", "wa", "ba", "1, 1, 1, 1", x, ty(w["wa"]), ty(w["ba"]), act(FA)),
        "ra": relu % ("ca", act(FA), act(FA)),
        "cb": conv % ("x", "wb", "bb", "1, 1, 1, 1", x, ty(w["wb"]), ty(w["bb"]), act(FB)),
        "rb": relu % ("cb", act(FB), act(FB)),
        "ce": conv % ("d", "we", "be", "0, 0, 0, 0", act(FD), ty(w["we"]), ty(w["be"]), act(FE)),
        "re": relu % ("ce", act(FE), act(FE)),
    }


def forward(w, x):
    w = {k: v.astype(np.float64) for k, v in w.items()}
    a = np.maximum(pt.conv2d_nhwc_ohwi(x, w["wa"], w["ba"], (1, 1, 1, 1)), 0)
    b = np.maximum(pt.conv2d_nhwc_ohwi(x, w["wb"], w["bb"], (1, 1, 1, 1)), 0)
    d = np.concatenate([a, b, b], axis=3)
    e = np.maximum(pt.conv2d_nhwc_ohwi(d, w["we"], w["be"], (0, 0, 0, 0)), 0)
    return (e.mean(axis=(1, 2)) @ w["fc"][0])[None]


def l1_keep_one(w):
    """The filter of a, b and e with the largest L1 norm over every weight
    slice coupled to it: its filter and the input channels of e it feeds, at
    every offset (b's at 6 + i and 10 + i), or e's filter and fc's row. (With
    seed 98, b's filter alone, or with either offset alone, and a's filter
    alone would pick other filters.)"""
    a = np.abs(w["wa"]).sum(axis=(1, 2, 3)) + np.abs(w["we"][..., :FA]).sum(axis=(0, 1, 2))
    b = (np.abs(w["wb"]).sum(axis=(1, 2, 3))
         + np.abs(w["we"][..., FA:FA + FB]).sum(axis=(0, 1, 2))
         + np.abs(w["we"][..., FA + FB:]).sum(axis=(0, 1, 2)))
    e = np.abs(w["we"]).sum(axis=(1, 2, 3)) + np.abs(w["fc"][0]).sum(axis=1)
    return int(np.argmax(a)), int(np.argmax(b)), int(np.argmax(e))


def case(r, lowered, w, x, flags, label, keep_one=None):
    removed_text = r.opt(lowered, ["--prune-filters=" + flags])
    zeroed_text = r.opt(lowered, ["--prune-filters=" + flags + " mode=zero"])
    zw = pt.read_weights(zeroed_text)
    for k in w:
        if k not in ("we", "fc"):
            check(np.array_equal(zw[k], w[k]), "mode=zero changed %s" % k)
    # Which filters of a, b and e went: the input channels of e (at every
    # offset) and the rows of fc that mode=zero zeroed.
    gone_d = [c for c in range(FD) if not zw["we"][..., c].any()]
    gone_a = [c for c in gone_d if c < FA]
    gone_b = sorted({c - FA for c in gone_d if FA <= c < FA + FB})
    check([c - FA - FB for c in gone_d if c >= FA + FB] == gone_b,
          "b's channels zeroed differently at its two offsets in d: %s" % gone_d)
    gone_e = [f for f in range(FE) if not zw["fc"][0, f].any()]
    # The zeroed model is the dense model with those slices zeroed: check
    # against the dense weights with exactly those zeros.
    expect = {k: v.copy() for k, v in w.items()}
    expect["we"][..., gone_d] = 0
    expect["fc"][0, gone_e] = 0
    for k in ("we", "fc"):
        check(np.array_equal(zw[k], expect[k]), "mode=zero zeroed more than whole slices of %s" % k)
    if keep_one:
        kept = ([c for c in range(FA) if c not in gone_a], [c for c in range(FB) if c not in gone_b],
                [f for f in range(FE) if f not in gone_e])
        check(kept == tuple([k] for k in keep_one),
              "kept %s, expected the largest L1 scores %s" % (kept, keep_one))
    sw = pt.read_weights(removed_text)
    ka, kb, ke = FA - len(gone_a), FB - len(gone_b), FE - len(gone_e)
    kd = ka + 2 * kb
    got = {k: sw[k].shape for k in ("wa", "wb", "we", "fc")}
    want = {"wa": (ka, 3, 3, C), "wb": (kb, 3, 3, C), "we": (ke, 1, 1, kd), "fc": (1, ke, CLASSES)}
    check(got == want, "shapes %s, expected %s" % (got, want))
    y_removed, y_zero = r.run(removed_text, x), r.run(zeroed_text, x)
    pt.rel_close(y_zero, forward(zw, x), "%s: zeroed vs numpy" % label)
    pt.rel_close(y_removed, y_zero, "%s: removed vs zeroed" % label)
    return "a %d -> %d, b %d -> %d, e %d -> %d" % (FA, ka, FB, kb, FE, ke), kd


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--prune-opt", required=True)
    p.add_argument("--prune-run", required=True)
    a = p.parse_args()
    w = weights()
    x = np.random.default_rng(13).standard_normal((N, H, W, C)).astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        r = pt.OptRunner(a.prune_opt, a.prune_run, tmp)
        # layouts=false: the weights stay in TOSA's layout (OHWI, [1, K, N]).
        lowered = r.opt(module(w), ["--prune-tosa-to-linalg=layouts=false"])
        check(lowered.count("tensor.concat") == 2, "expected two tensor.concat")
        pt.rel_close(r.run(lowered, x), forward(w, x), "dense")
        print("dense: OK")
        what, kd = case(r, lowered, w, x, "ratio=0.5", "ratio 0.5")
        print("filters: %s (ratio 0.5); d has %d channels; removed == zeroed == numpy; OK"
              % (what, kd))
        what, kd = case(r, lowered, w, x, "keep=1 metric=l1", "keep=1", l1_keep_one(w))
        print("filters (l1, keep=1): %s; d has %d channels; removed == zeroed == numpy; OK"
              % (what, kd))


if __name__ == "__main__":
    pt.main_guard(main)
