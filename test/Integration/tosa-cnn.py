# TOSA input, end to end: a small CNN written in TOSA as TFLite / ONNX-to-TOSA
# importers emit it (NHWC activations, OHWI filters, tosa.const weights as
# dense_resource, conv bias, clamp as ReLU, avg_pool2d, reshape, a 3-D
# tosa.matmul classifier) goes through prune-tosa-to-linalg in three forms:
# `default` (prune-tosa-layouts: HWCF filters and a linalg.matmul, weights
# rewritten at compile time), `fhwc` (layouts=false: upstream's OHWI
# convolution and batch_matmul) and `hwcf` (hwcf=true layouts=false:
# upstream's runtime linalg.transpose of the filter); weights are read back
# in TOSA's layout. Then:
#   * dense: the JIT-run model equals an independent numpy forward pass;
#   * prune-nm 2:4 and prune-unstructured: the JIT-run pruned model equals the
#     numpy forward pass with the weights read back from the pruned IR, and
#     those weights are the original ones with exactly the expected mask
#     (numpy's 2:4 along the input channels / global-in-layer L1) applied;
#   * prune-filters: the structurally shrunk model equals the same model
#     with the removed filters' weights zeroed (mode=zero), which equals the
#     numpy forward with those zeros, and the conv weights really shrank;
#   * default form only: the 2:4 model through prune-cpu-pipeline uses the
#     2:4 kernels for all three contractions (remarks) and its mlir-runner
#     result equals numpy.
# The model is committed as examples/tosa_cnn.mlir (`--write-example` writes
# it); the test fails if the two drift apart.
#
# RUN: %python %s --prune-opt prune-opt --prune-run prune-run \
# RUN:   --mlir-runner mlir-runner --shared-libs %mlir_c_runner_utils,%mlir_runner_utils \
# RUN:   --example %prune_src/examples/tosa_cnn.mlir | FileCheck %s
# REQUIRES: numpy
# CHECK: examples/tosa_cnn.mlir is this model
# CHECK: default dense: OK
# CHECK: default nm: OK
# CHECK: default nm through prune-cpu-pipeline: 3 2:4 kernels; OK
# CHECK: default unstructured: OK
# CHECK: default filters: 16 -> 8, 12 -> 6 filters; OK
# CHECK: fhwc dense: OK
# CHECK: fhwc nm: OK
# CHECK: fhwc unstructured: OK
# CHECK: fhwc filters: 16 -> 8, 12 -> 6 filters; OK
# CHECK: hwcf dense: OK
# CHECK: hwcf nm: OK
# CHECK: hwcf unstructured: OK
# CHECK: hwcf filters: 16 -> 8, 12 -> 6 filters; OK

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import prunetest as pt
from prunetest import check

N, H, W, C = 2, 8, 8, 4
F1, F2, CLASSES = 16, 12, 5


def weights(seed=3):
    rng = np.random.default_rng(seed)
    return {
        "conv1_w": rng.standard_normal((F1, 3, 3, C)).astype(np.float32),   # OHWI
        "conv1_b": rng.standard_normal((F1,)).astype(np.float32),
        "conv2_w": rng.standard_normal((F2, 3, 3, F1)).astype(np.float32),
        "conv2_b": rng.standard_normal((F2,)).astype(np.float32),
        "fc_w": rng.standard_normal((1, F2, CLASSES)).astype(np.float32),
    }


def tosa_module(w):
    consts, blobs = pt.tosa_weights(w)
    return """func.func @forward(%%x: tensor<%(N)dx8x8x4xf32>) -> tensor<1x%(N)dx5xf32> {
%(consts)s
  %%zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %%c1 = tosa.conv2d %%x, %%conv1_w, %%conv1_b, %%zp, %%zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<%(N)dx8x8x4xf32>, tensor<16x3x3x4xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<%(N)dx8x8x16xf32>
  %%r1 = tosa.clamp %%c1 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<%(N)dx8x8x16xf32>) -> tensor<%(N)dx8x8x16xf32>
  %%c2 = tosa.conv2d %%r1, %%conv2_w, %%conv2_b, %%zp, %%zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>} : (tensor<%(N)dx8x8x16xf32>, tensor<12x3x3x16xf32>, tensor<12xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<%(N)dx4x4x12xf32>
  %%r2 = tosa.clamp %%c2 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<%(N)dx4x4x12xf32>) -> tensor<%(N)dx4x4x12xf32>
  %%p = tosa.avg_pool2d %%r2, %%zp, %%zp {acc_type = f32, kernel = array<i64: 4, 4>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<%(N)dx4x4x12xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<%(N)dx1x1x12xf32>
  %%s = tosa.const_shape {values = dense<[1, %(N)d, 12]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %%f = tosa.reshape %%p, %%s : (tensor<%(N)dx1x1x12xf32>, !tosa.shape<3>) -> tensor<1x%(N)dx12xf32>
  %%y = tosa.matmul %%f, %%fc_w, %%zp, %%zp : (tensor<1x%(N)dx12xf32>, tensor<1x12x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x%(N)dx5xf32>
  return %%y : tensor<1x%(N)dx5xf32>
}

{-#
  dialect_resources: {
    builtin: {
%(blobs)s
    }
  }
#-}
""" % {"N": N, "consts": consts, "blobs": blobs}


EXAMPLE_HEADER = """\
// A small CNN in TOSA, as TFLite / ONNX-to-TOSA importers emit it: NHWC
// activations, OHWI filters, tosa.const weights as dense_resource blobs,
// conv bias, clamp as ReLU, avg_pool2d, reshape, a tosa.matmul classifier.
// Written by test/Integration/tosa-cnn.py --write-example (which checks the
// JIT-run model against numpy). Prune it with:
//   prune-opt examples/tosa_cnn.mlir --prune-tosa-to-linalg \\
//     --prune-filters=ratio=0.5 --prune-report
"""


def forward(w, x):
    w = {k: v.astype(np.float64) for k, v in w.items()}
    h = np.maximum(pt.conv2d_nhwc_ohwi(x, w["conv1_w"], w["conv1_b"], (1, 1, 1, 1), 1), 0)
    h = np.maximum(pt.conv2d_nhwc_ohwi(h, w["conv2_w"], w["conv2_b"], (0, 1, 0, 1), 2), 0)
    p = h.mean(axis=(1, 2))                      # [N, 12]
    return (p @ w["fc_w"][0])[None]              # [1, N, 5]


FORMS = {
    # name: (prune-tosa-to-linalg options, the convolution op it gives,
    #        whether the classifier is a linalg.matmul)
    "default": ("", "linalg.conv_2d_nhwc_hwcf", True),
    "fhwc": ("=layouts=false", "linalg.conv_2d_nhwc_fhwc", False),
    "hwcf": ("=hwcf=true layouts=false", "linalg.conv_2d_nhwc_hwcf", False),
}


def read_tosa(text, orig, form):
    """The weights of `text` by name, in TOSA's layout (the lowering keeps
    the resource keys; the default form stores filters as HWCF and the
    classifier weight as [K, N])."""
    got = pt.read_weights(text)
    check(set(orig) <= set(got), "weights missing after lowering: %s (have %s)"
          % (sorted(set(orig) - set(got)), sorted(got)))
    out = {k: got[k] for k in orig}
    if form == "default":
        for k in ("conv1_w", "conv2_w"):
            out[k] = np.transpose(out[k], (3, 0, 1, 2))
        out["fc_w"] = out["fc_w"][None]
    return out


def cpu_run(args, text, x):
    """The 2:4 model through prune-cpu-pipeline and mlir-runner: the output
    and the kernel remarks."""
    with_main = pt.add_main(text, x, (1, N, CLASSES))
    r = subprocess.run([args.prune_opt, "--prune-cpu-pipeline", "-"], input=with_main,
                       capture_output=True, text=True)
    check(r.returncode == 0, "prune-cpu-pipeline failed:\n%s" % r.stderr[-3000:])
    with tempfile.NamedTemporaryFile("w", suffix=".mlir", delete=False) as f:
        f.write(r.stdout)
        path = f.name
    try:
        run = subprocess.run([args.mlir_runner, "-e", "main", "-entry-point-result=void",
                              "-shared-libs=" + args.shared_libs, path],
                             capture_output=True, text=True)
    finally:
        os.unlink(path)
    check(run.returncode == 0, "mlir-runner failed:\n%s" % run.stderr[-3000:])
    return pt.parse_memref_print(run.stdout, (1, N, CLASSES)), r.stderr


def case(r, args, w, x, layout):
    options, conv, matmul = FORMS[layout]
    lowered = r.opt(tosa_module(w), ["--prune-tosa-to-linalg" + options])
    check("tosa." not in lowered, "TOSA ops left after the pipeline")
    check(lowered.count(conv + " ") == 2, "expected two %s" % conv)
    check(("linalg.matmul" in lowered) == matmul and
          ("linalg.batch_matmul" in lowered) != matmul, "unexpected classifier op")
    ref = forward(w, x)
    pt.rel_close(r.run(lowered, x), ref, "%s dense" % layout)
    print("%s dense: OK" % layout)

    # 2:4 along the input channels (the last dim of an OHWI filter; dim 1 of
    # the matmul weight [1, K, N] is the reduction).
    nm = r.opt(lowered, ["--prune-nm=n=2 m=4"])
    got = read_tosa(nm, w, layout)
    for k in ("conv1_w", "conv2_w", "fc_w"):
        dim = 3 if k != "fc_w" else 1
        mask = pt.nm_mask(w[k], dim, 2, 4)
        check(np.array_equal(got[k], np.where(mask, w[k], 0)), "%s: not numpy's 2:4 mask" % k)
    for k in ("conv1_b", "conv2_b"):
        check(np.array_equal(got[k], w[k]), "%s changed" % k)
    pt.rel_close(r.run(nm, x), forward(got, x), "%s nm" % layout)
    print("%s nm: OK" % layout)
    if layout == "default":
        y, remarks = cpu_run(args, nm, x)
        kernels = remarks.count("2:4 kernel")
        check(kernels == 3, "expected 3 2:4 kernel remarks, got:\n%s" % remarks)
        pt.rel_close(y, forward(got, x), "default nm through prune-cpu-pipeline", tol=1e-4)
        print("default nm through prune-cpu-pipeline: %d 2:4 kernels; OK" % kernels)

    un = r.opt(lowered, ["--prune-unstructured=ratio=0.6"])
    got = read_tosa(un, w, layout)
    for k in ("conv1_w", "conv2_w", "fc_w"):
        check(np.array_equal(got[k], np.where(pt.unstructured_mask(w[k], 0.6), w[k], 0)),
              "%s: not numpy's 60%% L1 mask" % k)
    pt.rel_close(r.run(un, x), forward(got, x), "%s unstructured" % layout)
    print("%s unstructured: OK" % layout)

    shrunk = r.opt(lowered, ["--prune-filters=ratio=0.5"])
    zeroed = r.opt(lowered, ["--prune-filters=ratio=0.5 mode=zero"])
    zw = read_tosa(zeroed, w, layout)
    # mode=zero zeroes what reads a removed filter: conv2's input channels
    # for conv1's filters, the classifier's rows for conv2's.
    removed1 = [c for c in range(F1) if not zw["conv2_w"][..., c].any()]
    removed2 = [f for f in range(F2) if not zw["fc_w"][0, f].any()]
    check(len(removed1) == F1 // 2 and len(removed2) == F2 // 2,
          "mode=zero zeroed %d and %d filters" % (len(removed1), len(removed2)))
    for k in ("conv1_w", "conv1_b", "conv2_b"):
        check(np.array_equal(zw[k], w[k]), "mode=zero changed %s" % k)
    # The shrunk weights keep their names (resource keys).
    sw = read_tosa(shrunk, w, layout)
    shapes = {k: sw[k].shape for k in ("conv1_w", "conv2_w", "fc_w") if k in sw}
    check(shapes == {"conv1_w": (F1 // 2, 3, 3, C), "conv2_w": (F2 // 2, 3, 3, F1 // 2),
                     "fc_w": (1, F2 // 2, CLASSES)},
          "weights did not shrink under their names: %s" % sorted(
              (k, a.shape) for k, a in sw.items()))
    y_shrunk, y_zero = r.run(shrunk, x), r.run(zeroed, x)
    # Removal == zeroing what reads the removed filters == numpy on those
    # weights.
    pt.rel_close(y_zero, forward(zw, x), "%s filters (mode=zero vs numpy)" % layout)
    pt.rel_close(y_shrunk, y_zero, "%s filters (removed vs zeroed)" % layout)
    print("%s filters: %d -> %d, %d -> %d filters; OK"
          % (layout, F1, F1 - len(removed1), F2, F2 - len(removed2)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--prune-opt", required=True)
    p.add_argument("--prune-run")
    p.add_argument("--mlir-runner")
    p.add_argument("--shared-libs")
    p.add_argument("--example", help="the committed copy of the model to compare with")
    p.add_argument("--write-example", help="write the TOSA model here and stop")
    a = p.parse_args()
    w = weights()
    if a.write_example:
        with open(a.write_example, "w") as f:
            f.write(EXAMPLE_HEADER + tosa_module(w))
        return
    check(a.prune_run and a.mlir_runner and a.shared_libs,
          "--prune-run, --mlir-runner and --shared-libs are required")
    if a.example:
        check(open(a.example).read() == EXAMPLE_HEADER + tosa_module(w),
              "%s differs from the model this test builds (regenerate it with "
              "--write-example)" % a.example)
        print("examples/tosa_cnn.mlir is this model")
    x = np.random.default_rng(11).standard_normal((N, H, W, C)).astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        r = pt.OptRunner(a.prune_opt, a.prune_run, tmp)
        for layout in ("default", "fhwc", "hwcf"):
            case(r, a, w, x, layout)


if __name__ == "__main__":
    pt.main_guard(main)
