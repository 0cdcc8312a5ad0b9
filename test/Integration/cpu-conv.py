# Pruned convolutions (linalg.conv_2d_nhwc_hwcf) through prune-cpu-pipeline:
# 2:4 along the input channels and 90% unstructured filters become im2col
# patches times the filter matrix with the N:M / CSR kernels; the JIT result
# (mlir-runner) must match numpy's convolution with the pruned filter read
# back from the IR, for stride 1 and 2, batch 1 and 2. The kernel remark must
# appear (a silent fallback to dense fails).
#
# RUN: %python %s --prune-opt prune-opt --mlir-runner mlir-runner \
# RUN:   --shared-libs %mlir_c_runner_utils,%mlir_runner_utils | FileCheck %s
# REQUIRES: numpy
# CHECK: OK

import argparse
import os
import re
import sys
import tempfile

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--prune-opt", required=True)
ap.add_argument("--mlir-runner", required=True)
ap.add_argument("--shared-libs", required=True)
args = ap.parse_args()


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import prunetest  # noqa: E402

run = prunetest.run_or_exit
fmt = prunetest.dense_text


def model(x, w, stride):
    n, h, wd, c = x.shape
    kh, kw, _, f = w.shape
    oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    xt = f"tensor<{n}x{h}x{wd}x{c}xf32>"
    wt = f"tensor<{kh}x{kw}x{c}x{f}xf32>"
    yt = f"tensor<{n}x{oh}x{ow}x{f}xf32>"
    return f"""
func.func @forward(%x: {xt}) -> {yt} {{
  %w = arith.constant dense<{fmt(w)}> : {wt}
  %c0 = arith.constant 0.0 : f32
  %o = tensor.empty() : {yt}
  %f = linalg.fill ins(%c0 : f32) outs(%o : {yt}) -> {yt}
  %y = linalg.conv_2d_nhwc_hwcf {{dilations = dense<1> : tensor<2xi64>, strides = dense<{stride}> : tensor<2xi64>}} ins(%x, %w : {xt}, {wt}) outs(%f : {yt}) -> {yt}
  return %y : {yt}
}}
func.func @main() {{
  %x = arith.constant dense<{fmt(x)}> : {xt}
  %y = call @forward(%x) : ({xt}) -> {yt}
  %u = tensor.cast %y : {yt} to tensor<*xf32>
  %b = bufferization.to_buffer %u : tensor<*xf32> to memref<*xf32>
  call @printMemrefF32(%b) : (memref<*xf32>) -> ()
  return
}}
func.func private @printMemrefF32(memref<*xf32>) attributes {{llvm.emit_c_interface}}
""", (n, oh, ow, f)


def jit(lowered):
    with tempfile.NamedTemporaryFile("w", suffix=".mlir", delete=False) as fh:
        fh.write(lowered)
        path = fh.name
    try:
        out, _ = run([args.mlir_runner, "-e", "main", "-entry-point-result=void",
                      "-shared-libs=" + args.shared_libs, path], "")
    finally:
        os.unlink(path)
    data = out[out.index("data =") + 6:]
    return np.array([float(v) for v in re.findall(r"-?[\d.]+(?:e[-+]?\d+)?|nan|inf", data)])


def pruned_weight(text, shape):
    mt = re.search(r"arith.constant \{prune.sparsity[^}]*\} dense<(.*?)> : tensor<", text)
    assert mt, "no pruned weight"
    body = mt.group(1)
    if body.startswith('"0x'):
        return np.frombuffer(bytes.fromhex(body[3:-1]), dtype="<f4").astype(np.float64).reshape(shape)
    vals = [float(v) for v in re.findall(r"-?\d+\.\d+e[-+]\d+|-?\d+\.?\d*", body)]
    return np.array(vals, dtype=np.float64).reshape(shape)


def conv_ref(x, w, stride):
    n, h, wd, c = x.shape
    kh, kw, _, f = w.shape
    oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    y = np.zeros((n, oh, ow, f))
    for i in range(kh):
        for j in range(kw):
            patch = x[:, i:i + stride * oh:stride, j:j + stride * ow:stride, :]
            y += np.einsum("nhwc,cf->nhwf", patch, w[i, j])
    return y


CASES = [
    ("nm24", ["--prune-nm=n=2 m=4"], "2:4 kernel on im2col patches"),
    ("csr", ["--prune-unstructured=ratio=0.9"], "CSR kernel"),
]
rng = np.random.default_rng(11)
checked = 0
for name, flags, remark in CASES:
    for n, stride in ((1, 1), (2, 2)):
        x = rng.standard_normal((n, 7, 7, 8)).astype(np.float32).round(3)
        w = rng.standard_normal((3, 3, 8, 12)).astype(np.float32).round(3)
        src, _ = model(x, w, stride)
        pruned, _ = run([args.prune_opt] + flags, src)
        wp = pruned_weight(pruned, w.shape)
        ref = conv_ref(x.astype(np.float64), wp, stride).ravel()
        for pipe in ("--prune-cpu-pipeline", "--prune-cpu-pipeline=target=x86-avx2"):
            low, err = run([args.prune_opt, pipe], pruned)
            if remark not in err:
                sys.exit("FAIL %s: expected '%s' remark, got:\n%s" % (name, remark, err))
            got = jit(low)
            if got.size != ref.size or not np.allclose(got, ref, rtol=1e-4, atol=1e-3):
                sys.exit("FAIL %s n=%d stride=%d %s: differs from numpy" % (name, n, stride, pipe))
            checked += 1
# A block pattern on a filter stays dense (remark) and still runs.
x = rng.standard_normal((1, 6, 6, 8)).astype(np.float32).round(3)
w = rng.standard_normal((3, 3, 8, 4)).astype(np.float32).round(3)
src, _ = model(x, w, 1)
pruned, _ = run([args.prune_opt, "--prune-blocks=block=2,2 ratio=0.5"], src)
low, err = run([args.prune_opt, "--prune-cpu-pipeline"], pruned)
if "kept dense: block patterns on convolution filters" not in err:
    sys.exit("FAIL block conv: expected the kept-dense remark, got:\n" + err)
wp = pruned_weight(pruned, w.shape)
if not np.allclose(jit(low), conv_ref(x.astype(np.float64), wp, 1).ravel(), rtol=1e-4, atol=1e-3):
    sys.exit("FAIL block conv kept dense: differs from numpy")
checked += 1
print("checked", checked)
print("OK")
