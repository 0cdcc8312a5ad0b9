# prune-cpu-pipeline kernels against the dense result: for every kernel
# (N:M 2:4, 1:4, 4:8; BSR 4x4, 16x1; CSR) and for the dense
# prune-vectorize-matmul baseline, small Linear layers ([out, in] weight
# transposed into the matmul) and plain [K, N] weights are pruned by
# prune-opt, lowered with prune-cpu-pipeline, JIT-run with mlir-runner and
# compared with (a) upstream `mlir-opt --sparsifier` on the same pruned
# model and (b) numpy on the weights read back from the pruned IR. Batches
# 1, 5 (a masked tail) and 32 (and 3 for 2:4: the small-batch N:M dot
# kernel with several batch rows); the remark must say which kernel ran, so a
# silent fallback to dense fails the test. Batch 32 also runs the
# threads=2 lowering (OpenMP worksharing loops, libomp) when libomp is
# installed.
#
# RUN: %python %s --prune-opt prune-opt --mlir-opt mlir-opt --mlir-runner mlir-runner \
# RUN:   --shared-libs %mlir_c_runner_utils,%mlir_runner_utils | FileCheck %s
# REQUIRES: numpy
# CHECK: OK

import os
import re
import sys
import tempfile

sys.dont_write_bytecode = True
import argparse
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--prune-opt", required=True)
ap.add_argument("--mlir-opt", required=True)
ap.add_argument("--mlir-runner", required=True)
ap.add_argument("--shared-libs", required=True)
args = ap.parse_args()


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import prunetest  # noqa: E402

run = prunetest.run_or_exit
fmt = prunetest.dense_text


def model(x, w, linear):
    m, k = x.shape
    if linear:
        n = w.shape[0]
        wdecl = """%w = arith.constant dense<{w}> : tensor<{n}x{k}xf32>
  %e = tensor.empty() : tensor<{k}x{n}xf32>
  %wt = linalg.transpose ins(%w : tensor<{n}x{k}xf32>) outs(%e : tensor<{k}x{n}xf32>) permutation = [1, 0]"""
    else:
        n = w.shape[1]
        wdecl = "%wt = arith.constant dense<{w}> : tensor<{k}x{n}xf32>"
    wdecl = wdecl.format(w=fmt(w), n=n, k=k)
    return f"""
func.func @forward(%x: tensor<{m}x{k}xf32>) -> tensor<{m}x{n}xf32> {{
  {wdecl}
  %c0 = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<{m}x{n}xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%o : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>) outs(%f : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  return %y : tensor<{m}x{n}xf32>
}}
func.func @main() {{
  %x = arith.constant dense<{fmt(x)}> : tensor<{m}x{k}xf32>
  %y = call @forward(%x) : (tensor<{m}x{k}xf32>) -> tensor<{m}x{n}xf32>
  %u = tensor.cast %y : tensor<{m}x{n}xf32> to tensor<*xf32>
  %b = bufferization.to_buffer %u : tensor<*xf32> to memref<*xf32>
  call @printMemrefF32(%b) : (memref<*xf32>) -> ()
  return
}}
func.func private @printMemrefF32(memref<*xf32>) attributes {{llvm.emit_c_interface}}
"""


# OpenMP runtime for the threads=2 pipeline (libomp-22-dev, beside the MLIR
# runner libraries).
LIBOMP = os.path.join(os.path.dirname(args.shared_libs.split(",")[0]), "libomp.so")


def jit(lowered, threads=False):
    with tempfile.NamedTemporaryFile("w", suffix=".mlir", delete=False) as f:
        f.write(lowered)
        path = f.name
    try:
        libs = args.shared_libs + ("," + LIBOMP if threads else "")
        out, _ = run([args.mlir_runner, "-e", "main", "-entry-point-result=void",
                      "-shared-libs=" + libs, path], "")
    finally:
        os.unlink(path)
    data = out[out.index("data =") + 6:]
    return np.array([float(v) for v in re.findall(r"-?[\d.]+(?:e[-+]?\d+)?|nan|inf", data)])


def pruned_weight(text, shape):
    """The weight constant as the pruned IR holds it."""
    mt = re.search(r"arith.constant \{prune.sparsity[^}]*\} dense<(.*?)> : tensor<", text)
    assert mt, "no pruned weight in\n" + text[:2000]
    body = mt.group(1)
    if body.startswith('"0x'):
        raw = bytes.fromhex(body[3:-1])
        return np.frombuffer(raw, dtype="<f4").astype(np.float64).reshape(shape)
    vals = [float(v) for v in re.findall(r"-?\d+\.\d+e[-+]\d+|-?\d+\.?\d*", body)]
    return np.array(vals, dtype=np.float64).reshape(shape)


CASES = [
    # (name, prune flags, expected remark, out (N), in (K))
    ("nm24", ["--prune-nm=n=2 m=4"], "2:4 kernel", 24, 32),
    ("nm14", ["--prune-nm=n=1 m=4"], "1:4 kernel", 12, 32),
    ("nm48", ["--prune-nm=n=4 m=8"], "4:8 kernel", 16, 64),
    # K = 256 at batch 32: the N:M kernel splits K into 2 L1 blocks (the
    # scratch between blocks, values stored in traversal order).
    ("nm24blocks", ["--prune-nm=n=2 m=4"], "2:4 kernel", 8, 256),
    ("bsr4x4", ["--prune-blocks=block=4,4 ratio=0.75"], "BSR 4x4 kernel", 16, 32),
    ("bsr16x1", ["--prune-blocks=block=16,1 ratio=0.9"], "BSR 16x1 kernel", 32, 40),
    ("csr", ["--prune-unstructured=ratio=0.9"], "CSR kernel", 20, 36),
]

rng = np.random.default_rng(5)
checked = 0
for name, flags, remark, n, k in CASES:
    for linear in (True, False):
        # Batch 3: the small-batch N:M dot kernel with several batch rows.
        batches = (1, 5, 32) + ((3,) if name == "nm24" and linear else ())
        if name == "nm24blocks":
            if not linear:
                continue
            batches = (32,)
        for m in batches:
            x = rng.standard_normal((m, k)).astype(np.float32).round(3)
            w = rng.standard_normal((n, k) if linear else (k, n)).astype(np.float32).round(3)
            pruned, _ = run([args.prune_opt] + flags, model(x, w, linear))
            wp = pruned_weight(pruned, w.shape)
            ref = x.astype(np.float64) @ (wp.T if linear else wp)
            upstream = jit(run([args.mlir_opt, "--allow-unregistered-dialect",
                                "--sparsifier"], pruned)[0])
            pipes = ["--prune-cpu-pipeline", "--prune-cpu-pipeline=sparse=false",
                     "--prune-cpu-pipeline=target=x86-avx2",
                     "--prune-cpu-pipeline=target=aarch64-neon"]
            if m == 32 and os.path.exists(LIBOMP):
                # scf.parallel on two OpenMP threads (chunks of rows).
                pipes += ["--prune-cpu-pipeline=threads=2",
                          "--prune-cpu-pipeline=threads=2 sparse=false"]
            # The extra cases only need the kernels they are about (CPU time).
            if name == "nm24blocks":
                pipes = [q for q in pipes if "sparse=false" not in q and "target" not in q]
            elif m == 3:
                pipes = ["--prune-cpu-pipeline", "--prune-cpu-pipeline=target=x86-avx2"]
            for pipe in pipes:
                low, err = run([args.prune_opt, pipe], pruned)
                if "sparse=false" not in pipe and remark not in err:
                    sys.exit("FAIL %s: expected '%s' remark, got:\n%s" % (name, remark, err))
                # Batch <= 4 N:M on x86 runs the dot kernel (position masks)
                # when the kept weights of a row fill whole vectors.
                lanes = 8 if "avx2" in pipe else 16
                dot = (name.startswith("nm") and m <= 4 and "neon" not in pipe
                       and "sparse=false" not in pipe
                       and (k // int(flags[0][-1]) * int(flags[0].split("n=")[1][0])) % lanes == 0)
                if dot != ("(dot, position masks)" in err):
                    sys.exit("FAIL %s m=%d %s: dot kernel expected=%s, got:\n%s" % (name, m, pipe, dot, err))
                got = jit(low, threads="threads" in pipe)
                tag = "%s linear=%s m=%d %s" % (name, linear, m, pipe)
                if got.size != ref.size:
                    sys.exit("FAIL %s: %d values, expected %d" % (tag, got.size, ref.size))
                if not np.allclose(got, ref.ravel(), rtol=1e-4, atol=1e-3):
                    sys.exit("FAIL %s: max error %g vs numpy" % (tag, np.abs(got - ref.ravel()).max()))
                if not np.allclose(got, upstream, rtol=1e-4, atol=1e-3):
                    sys.exit("FAIL %s: differs from mlir-opt --sparsifier" % tag)
                checked += 1
print("checked", checked)
print("OK")
