"""Helpers for mlir-prune's ONNX tests: run prune-translate, JIT-run an
imported function on given inputs with mlir-opt --sparsifier + mlir-runner,
and read the results back.

Tool paths come from the command line (lit substitutions), never from PATH.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "lib"))
sys.dont_write_bytecode = True
import prunetest  # noqa: E402
from prunetest import CheckFailure, check  # noqa: E402,F401


def parse_args(extra=None):
    p = argparse.ArgumentParser()
    p.add_argument("--prune-translate", required=True)
    p.add_argument("--prune-opt")
    p.add_argument("--mlir-opt", required=True)
    p.add_argument("--mlir-runner", required=True)
    p.add_argument("--shared-libs", required=True)
    p.add_argument("--workdir", default=None)
    for args, kw in (extra or []):
        p.add_argument(*args, **kw)
    return p.parse_args()


def run(cmd, stdin_text=None):
    proc = subprocess.run(cmd, input=stdin_text, capture_output=True, text=True)
    if proc.returncode != 0:
        raise CheckFailure("command failed (%d): %s\n%s"
                           % (proc.returncode, " ".join(cmd), proc.stderr[-4000:]))
    return proc.stdout


def import_onnx(args, path, shapes=None):
    cmd = [args.prune_translate, "--import-onnx", path]
    for name, shape in (shapes or {}).items():
        cmd.append("--input-shape=%s:%s" % (name, ",".join(str(d) for d in shape)))
    return run(cmd)


def _ttype(shape):
    return "tensor<" + "".join("%dx" % d for d in shape) + "f32>"


def _mtype(shape):
    return "memref<" + "".join("%dx" % d for d in shape) + "f32>"


def result_shapes(text, func="forward"):
    """Result shapes of @func, read from its one-line signature."""
    for line in text.splitlines():
        if ("func.func @%s(" % func) not in line:
            continue
        results = line.split(") -> ", 1)[1].split(" attributes ", 1)[0]
        return [tuple(int(d) for d in t.split("x")[:-1])
                for t in re.findall(r"tensor<([^>]*)>", results)]
    raise CheckFailure("no func @%s in the module" % func)


def add_main(text, inputs, out_shapes, func="forward"):
    """A @main that calls @func on `inputs` (embedded as hex constants) and
    prints every result with printMemrefF32."""
    lines = ["  func.func private @printMemrefF32(memref<*xf32>) "
             "attributes {llvm.emit_c_interface}",
             "  func.func @main() {"]
    names = []
    for k, x in enumerate(inputs):
        x = np.ascontiguousarray(x, dtype="<f4")
        lines.append('    %%in%d = arith.constant dense<"0x%s"> : %s'
                     % (k, x.tobytes().hex().upper(), _ttype(x.shape)))
        names.append(("%%in%d" % k, _ttype(x.shape)))
    res = ", ".join("%%r%d" % k for k in range(len(out_shapes)))
    lines.append("    %s = call @%s(%s) : (%s) -> (%s)"
                 % (res, func, ", ".join(n for n, _ in names),
                    ", ".join(t for _, t in names),
                    ", ".join(_ttype(s) for s in out_shapes)))
    for k, s in enumerate(out_shapes):
        lines.append("    %%b%d = bufferization.to_buffer %%r%d : %s to %s"
                     % (k, k, _ttype(s), _mtype(s)))
        lines.append("    %%u%d = memref.cast %%b%d : %s to memref<*xf32>"
                     % (k, k, _mtype(s)))
        lines.append("    call @printMemrefF32(%%u%d) : (memref<*xf32>) -> ()" % k)
    lines += ["    return", "  }"]
    res_at = text.find("{-#")
    body = text if res_at < 0 else text[:res_at]
    close = body.rstrip().rfind("}")
    return (body[:close] + "\n".join(lines) + "\n" + body[close:]
            + ("" if res_at < 0 else text[res_at:]))


def jit(args, text, inputs, func="forward"):
    """Runs @func of `text` on `inputs`; returns the list of results."""
    shapes = result_shapes(text, func)
    full = add_main(text, inputs, shapes, func)
    lowered = run([args.mlir_opt, "--allow-unregistered-dialect", "--sparsifier", "-"], full)
    with tempfile.NamedTemporaryFile("w", suffix=".mlir", delete=False) as f:
        f.write(lowered)
        path = f.name
    try:
        out = run([args.mlir_runner, "-e", "main", "-entry-point-result=void",
                   "-shared-libs=" + args.shared_libs, path])
    finally:
        os.unlink(path)
    results = []
    chunks = out.split("Unranked Memref")[1:]
    check(len(chunks) == len(shapes), "expected %d printed results, got %d"
          % (len(shapes), len(chunks)))
    for chunk, s in zip(chunks, shapes):
        results.append(prunetest.parse_memref_print(chunk, s))
    return results


def compare(got, ref, rtol=1e-4, atol=1e-5, what="output"):
    ref = np.asarray(ref, dtype=np.float64)
    check(got.shape == ref.shape, "%s: shape %s, expected %s" % (what, got.shape, ref.shape))
    err = np.abs(got - ref)
    tol = atol + rtol * np.abs(ref)
    check(np.all(err <= tol), "%s differs: max abs err %.3g (worst at %s: got %r, expected %r)"
          % (what, err.max(), np.unravel_index(np.argmax(err - tol), err.shape),
             got.ravel()[np.argmax(err - tol)], ref.ravel()[np.argmax(err - tol)]))
    return float(err.max())


def export_onnx(args, text, path, func=None):
    """Writes `text` (MLIR) as ONNX to `path` with prune-translate."""
    cmd = [args.prune_translate, "--export-onnx", "-", "-o", path]
    if func:
        cmd.append("--func-name=" + func)
    run(cmd, text)


ORT_RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "..", "..", "..", "..", "examples", "onnx", "ort-run.js")


def ort_run(npm_dir, model, inputs, workdir):
    """Runs `model` in onnxruntime-node on {name: array}; returns the list of
    outputs (float64) in graph order."""
    prefix = os.path.join(workdir, os.path.basename(model) + ".ort")
    specs = []
    for k, (name, x) in enumerate(inputs.items()):
        f = "%s.in%d.f32" % (prefix, k)
        np.ascontiguousarray(x, dtype="<f4").tofile(f)
        specs.append("%s=%s:%s" % (name, ",".join(str(d) for d in x.shape), f))
    out = run(["node", ORT_RUN, npm_dir, model, prefix] + specs)
    results = []
    for line in out.splitlines():
        k, _, dims = line.split(" ", 2)
        shape = tuple(int(d) for d in dims.split(",")) if dims else ()
        results.append(np.fromfile("%s.%s.f32" % (prefix, k), dtype="<f4")
                       .reshape(shape).astype(np.float64))
    return results


def onnx_inputs(path):
    """Graph input names of an ONNX file (without initializers)."""
    import onnx
    m = onnx.load(path)
    inits = {t.name for t in m.graph.initializer}
    return [i.name for i in m.graph.input if i.name not in inits]


def onnx_check(path):
    """onnx.checker on `path`; returns the model."""
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    return m


def onnx_params(model):
    """Float parameters (elements of f32 initializers) of a loaded model."""
    return sum(int(np.prod(t.dims)) for t in model.graph.initializer
               if t.data_type == 1)


def prune_run(prune_run_bin, text, inputs, workdir, tag="jit"):
    """Runs @forward of `text` with prune-run (the ExecutionEngine, results
    as .npy: full f32 precision, unlike printMemrefF32); returns the list of
    results (float64)."""
    mlir = os.path.join(workdir, tag + ".mlir")
    with open(mlir, "w") as f:
        f.write(text)
    ins, outs = [], []
    for k, x in enumerate(inputs):
        p = os.path.join(workdir, "%s.in%d.npy" % (tag, k))
        np.save(p, np.ascontiguousarray(x, dtype=np.float32))
        ins.append(p)
    for k in range(len(result_shapes(text))):
        outs.append(os.path.join(workdir, "%s.out%d.npy" % (tag, k)))
    cmd = [prune_run_bin, mlir, "--output=" + ",".join(outs)]
    if ins:
        cmd.append("--input=" + ",".join(ins))
    run(cmd)
    return [np.load(p).astype(np.float64) for p in outs]


def export_torch(args, name, model, shape, opset=13):
    """Exports a torch `model` to `args.workdir/name.onnx` in eval mode, with
    random BatchNorm statistics and affine parameters (so that BatchNorm is
    not the identity), on a random input of `shape`. Returns (path, x, ref):
    the file, the input (a torch tensor) and torch's output (numpy)."""
    import torch  # only the torch-based tests need it
    from torch import nn
    torch.manual_seed(1)
    model.eval()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    x = torch.randn(*shape)
    with torch.no_grad():
        ref = model(x).numpy()
    path = os.path.join(args.workdir, name + ".onnx")
    torch.onnx.export(model, x, path, opset_version=opset)
    return path, x, ref
