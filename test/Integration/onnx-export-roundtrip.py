# REQUIRES: torch, onnx, onnxruntime, prune-translate
# RUN: %python %s --prune-translate=prune-translate --prune-opt=prune-opt --prune-run=prune-run \
# RUN:   --mlir-opt=mlir-opt --mlir-runner=mlir-runner \
# RUN:   --shared-libs=%mlir_c_runner_utils,%mlir_runner_utils --npm-dir=%npm_dir \
# RUN:   --workdir=%t.d | FileCheck %s
#
# ONNX -> import -> prune-filters -> export -> ONNX Runtime, on models made
# by torch.onnx.export. Two independent references:
#  - the exported dense model, run in ONNX Runtime, against PyTorch's output;
#  - the exported pruned model, run in ONNX Runtime, against the JIT run of
#    the pruned MLIR by prune-run (and onnx.checker accepts every exported file, whose
#    initializers hold fewer parameters than the dense model's).
# CHECK: prunable: dense export vs torch {{.*}}; pruned params [[P0:[0-9]+]] -> {{[0-9]+}}; pruned export vs JIT {{.*}} OK
# CHECK: cnn: dense export vs torch {{.*}} OK
# CHECK: mlp: dense export vs torch {{.*}} OK
# CHECK: ocr-like: dense export vs torch {{.*}} OK
# CHECK: deconv: dense export vs torch {{.*}} OK
# CHECK: resize: dense export vs torch {{.*}} OK
# CHECK: fused-qkv: dense import vs ONNX Runtime {{.*}}; heads 2 -> 1, params [[Q0:[0-9]+]] -> {{[0-9]+}}; pruned export vs JIT {{.*}} OK
# CHECK: examples/cnn.mlir --prune-filters=ratio=0.5: export vs JIT {{.*}} OK
# CHECK: examples/mlp.mlir --prune-neurons=ratio=0.5: export vs JIT {{.*}} OK
# CHECK: examples/transformer.mlir --prune-heads=ratio=0.5: export vs JIT {{.*}} OK
# CHECK: export.mlir conv.mlir: export vs JIT {{.*}} OK
# CHECK: export.mlir softmax.mlir: export vs JIT {{.*}} OK
# CHECK: export.mlir shapes.mlir: export vs JIT {{.*}} OK
# CHECK: export.mlir pool.mlir: export vs JIT {{.*}} OK

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "Target", "ONNX", "Inputs"))
sys.dont_write_bytecode = True
import onnxtest  # noqa: E402
from onnxtest import check  # noqa: E402

import importlib.util  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

# The CNN, MLP and detector-like neck of onnx-torch-cnn.py.
_spec = importlib.util.spec_from_file_location(
    "onnx_torch_cnn", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                   "onnx-torch-cnn.py"))
zoo = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(zoo)


class Prunable(nn.Module):
    """Conv-BN-ReLU blocks, a residual add, pooling, a linear head: filters
    of every conv but the one feeding the residual can go."""
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.c2 = nn.Conv2d(16, 24, 3, stride=2, padding=1)
        self.c3 = nn.Conv2d(24, 24, 1)
        self.c4 = nn.Conv2d(24, 32, 3, padding=1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        y = F.relu(self.bn1(self.c1(x)))
        y = F.relu(self.c2(y))
        y = y + torch.sigmoid(self.c3(y))
        y = F.max_pool2d(F.relu(self.c4(y)), 2)
        y = F.adaptive_avg_pool2d(y, 1).flatten(1)
        return torch.softmax(self.fc(y), -1)


def prune(args, text, flags):
    proc = subprocess.run([args.prune_opt] + flags + ["-"], input=text,
                          capture_output=True, text=True)
    check(proc.returncode == 0, "prune-opt %s failed:\n%s" % (flags, proc.stderr[-3000:]))
    return proc.stdout


def check_model(args, name, model, shape, prune_flags=None):
    path, x, ref = onnxtest.export_torch(args, name, model, shape)
    in_name = onnxtest.onnx_inputs(path)[0]
    text = onnxtest.import_onnx(args, path)
    dense_path = os.path.join(args.workdir, name + ".dense.onnx")
    onnxtest.export_onnx(args, text, dense_path)
    dense_model = onnxtest.onnx_check(dense_path)
    check(onnxtest.onnx_inputs(dense_path) == [in_name], "graph input renamed")
    got = onnxtest.ort_run(args.npm_dir, dense_path, {in_name: x.numpy()}, args.workdir)[0]
    err = onnxtest.compare(got, ref, rtol=1e-4, atol=1e-5, what=name + " dense export")
    line = "%s: dense export vs torch max abs err %.3g" % (name, err)
    if prune_flags:
        pruned_text = prune(args, text, prune_flags)
        jit = onnxtest.prune_run(args.prune_run, pruned_text, [x.numpy()], args.workdir,
                                 name + ".pruned")[0]
        pruned_path = os.path.join(args.workdir, name + ".pruned.onnx")
        onnxtest.export_onnx(args, pruned_text, pruned_path)
        pruned_model = onnxtest.onnx_check(pruned_path)
        p0, p1 = onnxtest.onnx_params(dense_model), onnxtest.onnx_params(pruned_model)
        check(p1 < p0, "the pruned export is not smaller (%d -> %d params)" % (p0, p1))
        got = onnxtest.ort_run(args.npm_dir, pruned_path, {in_name: x.numpy()}, args.workdir)[0]
        err = onnxtest.compare(got, jit, rtol=1e-5, atol=1e-5, what=name + " pruned export")
        # The pruned model must differ from the dense one (something was cut).
        check(np.abs(jit - ref).max() > 1e-4, "pruning changed nothing")
        line += "; pruned params %d -> %d; pruned export vs JIT max abs err %.3g" % (p0, p1, err)
    print(line + "; OK")


def check_fused_qkv(args):
    """SVTR-style attention with a fused q/k/v projection (onnxgen.py
    fused_qkv): the import (split into q, k, v) agrees with ONNX Runtime on
    the original file; prune-heads removes a head; the export of the pruned
    model agrees with its JIT run."""
    inputs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Target",
                          "ONNX", "Inputs")
    path = os.path.join(args.workdir, "fused_qkv.onnx")
    onnxtest.run([sys.executable, os.path.join(inputs, "onnxgen.py"), "fused_qkv", path])
    x = np.random.default_rng(3).standard_normal((1, 6, 8)).astype(np.float32)
    text = onnxtest.import_onnx(args, path)
    ref = onnxtest.ort_run(args.npm_dir, path, {"x": x}, args.workdir)[0]
    dense = onnxtest.prune_run(args.prune_run, text, [x], args.workdir, "fused_qkv")[0]
    err0 = onnxtest.compare(dense, ref, rtol=1e-4, atol=1e-5, what="fused-qkv import")
    pruned_text = prune(args, text, ["--prune-heads=ratio=0.5"])
    check("tensor<1x6x1x4xf32>" in pruned_text, "no head was removed")
    jit = onnxtest.prune_run(args.prune_run, pruned_text, [x], args.workdir,
                             "fused_qkv.pruned")[0]
    check(np.abs(jit - dense).max() > 1e-4, "removing a head changed nothing")
    out = os.path.join(args.workdir, "fused_qkv.pruned.onnx")
    onnxtest.export_onnx(args, pruned_text, out)
    m0 = onnxtest.onnx_check(path)
    m1 = onnxtest.onnx_check(out)
    got = onnxtest.ort_run(args.npm_dir, out, {"x": x}, args.workdir)[0]
    err = onnxtest.compare(got, jit, rtol=1e-5, atol=1e-5, what="fused-qkv pruned export")
    p0, p1 = onnxtest.onnx_params(m0), onnxtest.onnx_params(m1)
    check(p1 < p0, "the pruned export is not smaller")
    print("fused-qkv: dense import vs ONNX Runtime max abs err %.3g; heads 2 -> 1, "
          "params %d -> %d; pruned export vs JIT max abs err %.3g; OK" % (err0, p0, p1, err))


def check_examples(args):
    """The bundled torch-mlir-style examples (not made by our importer),
    pruned, exported, and run in ONNX Runtime against prune-run."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")
    rng = np.random.default_rng(1)
    for name, flags in (("cnn", ["--prune-filters=ratio=0.5"]),
                        ("mlp", ["--prune-neurons=ratio=0.5"]),
                        ("transformer", ["--prune-heads=ratio=0.5"])):
        text = prune(args, open(os.path.join(root, name + ".mlir")).read(), flags)
        sig = re.search(r"func\.func @forward\((.*?)\) ->", text).group(1)
        shapes = [tuple(int(d) for d in t.split("x")[:-1])
                  for t in re.findall(r"tensor<([0-9x]+f32)>", sig)]
        xs = [rng.standard_normal(s).astype(np.float32) for s in shapes]
        jit = onnxtest.prune_run(args.prune_run, text, xs, args.workdir, "ex-" + name)
        path = os.path.join(args.workdir, "ex-%s.onnx" % name)
        onnxtest.export_onnx(args, text, path)
        onnxtest.onnx_check(path)
        got = onnxtest.ort_run(args.npm_dir, path, dict(zip(onnxtest.onnx_inputs(path), xs)),
                               args.workdir)
        err = max(onnxtest.compare(g, j, rtol=1e-5, atol=1e-5, what=name)
                  for g, j in zip(got, jit))
        print("examples/%s.mlir %s: export vs JIT max abs err %.3g; OK"
              % (name, " ".join(flags), err))


def check_handwritten(args):
    """The hand-written modules of test/Target/ONNX/export.mlir: exported,
    run in ONNX Runtime and compared with their JIT run on random inputs."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Target",
                       "ONNX", "export.mlir")
    parts = re.split(r"^//--- (\S+)\n", open(src).read(), flags=re.M)[1:]
    rng = np.random.default_rng(0)
    for name, text in zip(parts[0::2], parts[1::2]):
        sig = re.search(r"func\.func @forward\((.*)\) ->", text).group(1)
        shapes = [tuple(int(d) for d in t.split("x")[:-1])
                  for t in re.findall(r"tensor<([0-9x]+f32)>", sig)]
        xs = [rng.standard_normal(s).astype(np.float32) for s in shapes]
        lines = text.splitlines()
        aliases = [l for l in lines if l.startswith("#")]
        body = [l for l in lines if not l.startswith("#")]
        wrapped = "\n".join(aliases + ["module {"] + body + ["}"]) + "\n"
        jit = onnxtest.prune_run(args.prune_run, wrapped, xs, args.workdir,
                                 name.replace(".mlir", ""))[0]
        path = os.path.join(args.workdir, name.replace(".mlir", ".onnx"))
        onnxtest.export_onnx(args, text, path)
        onnxtest.onnx_check(path)
        feeds = dict(zip(onnxtest.onnx_inputs(path), xs))
        got = onnxtest.ort_run(args.npm_dir, path, feeds, args.workdir)[0]
        err = onnxtest.compare(got, jit, rtol=1e-5, atol=1e-6, what=name)
        print("export.mlir %s: export vs JIT max abs err %.3g; OK" % (name, err))


def main():
    args = onnxtest.parse_args([(("--npm-dir",), {"required": True}),
                                (("--prune-run",), {"required": True})])
    os.makedirs(args.workdir, exist_ok=True)
    check_model(args, "prunable", Prunable(), (1, 3, 16, 16),
                ["--prune-filters=ratio=0.5"])
    check_model(args, "cnn", zoo.CNN(), (1, 3, 16, 16))
    check_model(args, "mlp", zoo.MLP(), (4, 12))
    check_model(args, "ocr-like", zoo.OCRLike(), (1, 3, 16, 16))
    check_model(args, "deconv", zoo.Deconv(), (1, 8, 5, 7))
    check_model(args, "resize", zoo.Resize(), (1, 3, 5, 6))
    check_fused_qkv(args)
    check_examples(args)
    check_handwritten(args)


if __name__ == "__main__":
    onnxtest.prunetest.main_guard(main)
