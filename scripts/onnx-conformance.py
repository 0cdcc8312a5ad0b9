#!/usr/bin/env python3
"""ONNX backend node tests (Debian's libonnx-testdata) against the importer.

For every test_<name> directory under the node-test data whose graph uses
only ops the importer covers: import model.onnx with prune-translate,
JIT-run it with prune-run on test_data_set_*/input_*.pb and compare with
output_*.pb (numpy.allclose, rtol 1e-3 / atol 1e-5, the backend tests' own
rtol; atol 1e-5 for f32 rounding of the JIT's exp/tanh/erf). Prints one line per case
and a pass count per op.

Inputs: a test that fails to import because a parameter input (shape, axes,
pads, scales, min/max, ...) is not a constant is retried with every input
but the first frozen into an initializer holding its test data (the
importer needs parameters as constants; the computation is the same), and
is counted as "passes (parameters frozen)". Non-f32 inputs and outputs are
outside what the importer handles and counted as such.

  onnx-conformance.py --prune-translate=BIN --prune-run=BIN
      [--data=/usr/share/libonnx-testdata/data/node] [--filter=REGEX]
      [--limit=N] [--jobs=2] [--workdir=DIR] [--markdown]

Exit status: 0 unless --expect-pass is given and a selected case fails.
"""

import argparse
import collections
import concurrent.futures
import glob
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

# Ops the importer turns into linalg (docs/onnx.md), and ops it folds.
COVERED = {
    "Conv", "ConvTranspose", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Sum",
    "Max", "Min", "Pow", "Relu", "LeakyRelu", "Elu", "Sigmoid", "HardSigmoid",
    "HardSwish", "Gelu", "Erf", "Tanh", "Exp", "Log", "Sqrt", "Abs", "Neg",
    "Reciprocal", "Clip", "BatchNormalization", "LayerNormalization", "Softmax",
    "LogSoftmax", "ReduceMean", "MaxPool", "AveragePool", "GlobalAveragePool",
    "GlobalMaxPool", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose",
    "Concat", "Slice", "Split", "Pad", "Resize", "Upsample", "Identity",
    "Dropout", "Constant",
}
# Folded on constants only; tests that use them on runtime tensors are kept
# (the importer reports them), but they do not make a test "covered".
HELPERS = {"Constant", "Shape", "Cast", "Gather", "ConstantOfShape"}

DEFAULT_DATA = "/usr/share/libonnx-testdata/data/node"
ORT_RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples",
                       "onnx", "ort-run.js")


def load_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def main_op(model):
    ops = [n.op_type for n in model.graph.node if n.op_type not in HELPERS]
    return ops[0] if len(set(ops)) == 1 else None


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def first_error(text):
    for line in text.splitlines():
        if "error" in line:
            return re.sub(r"^.*?error: ", "", line).strip()[:160]
    return text.strip().splitlines()[-1][:160] if text.strip() else "failed"


def freeze(model, inputs):
    """A copy of `model` with every graph input but the first replaced by an
    initializer holding its test data."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    names = [i.name for i in m.graph.input
             if i.name not in {t.name for t in m.graph.initializer}]
    keep = names[:1]
    for name, value in zip(names[1:], inputs[1:]):
        m.graph.initializer.append(numpy_helper.from_array(value, name))
    kept = [i for i in m.graph.input if i.name in keep]
    del m.graph.input[:]
    m.graph.input.extend(kept)
    return m


def run_case(args, case_dir, work):
    """Returns (status, detail): status is one of pass, pass-frozen,
    not-f32, import, run, mismatch."""
    name = os.path.basename(case_dir)
    model = onnx.load(os.path.join(case_dir, "model.onnx"))
    sets = sorted(glob.glob(os.path.join(case_dir, "test_data_set_*")))
    if not sets:
        return "import", "no test data"
    ds = sets[0]
    try:
        inputs = [load_pb(p) for p in sorted(glob.glob(os.path.join(ds, "input_*.pb")),
                                         key=lambda p: int(re.findall(r"\d+", os.path.basename(p))[0]))]
        outputs = [load_pb(p) for p in sorted(glob.glob(os.path.join(ds, "output_*.pb")),
                                              key=lambda p: int(re.findall(r"\d+", os.path.basename(p))[0]))]
    except Exception:  # noqa: BLE001
        return "not-f32", "non-tensor test data (sequence or optional)"
    if any(o.dtype != np.float32 for o in outputs):
        return "not-f32", "output dtype %s" % ",".join(sorted({str(o.dtype) for o in outputs}))
    mlir = os.path.join(work, name + ".mlir")
    rc, out = run([args.prune_translate, "--import-onnx",
                   os.path.join(case_dir, "model.onnx"), "-o", mlir])
    frozen = False
    runtime_inputs = inputs
    if rc != 0 and len(inputs) > 1 and re.search(r"must be (a )?constants?|must be scalar constants|is not a float tensor", out):
        fm = os.path.join(work, name + ".frozen.onnx")
        onnx.save(freeze(model, inputs), fm)
        rc, out = run([args.prune_translate, "--import-onnx", fm, "-o", mlir])
        frozen = True
        runtime_inputs = inputs[:1]
    if rc != 0:
        if any(i.dtype != np.float32 for i in runtime_inputs):
            return "not-f32", "input dtype %s" % ",".join(sorted({str(i.dtype) for i in inputs}))
        return "import", first_error(out)
    if any(i.dtype != np.float32 for i in runtime_inputs):
        return "not-f32", "runtime input dtype"
    in_files, out_files = [], []
    for k, x in enumerate(runtime_inputs):
        f = os.path.join(work, "%s.in%d.npy" % (name, k))
        np.save(f, np.array(x, order="C"))  # ascontiguousarray makes rank 0 rank 1
        in_files.append(f)
    for k in range(len(outputs)):
        out_files.append(os.path.join(work, "%s.out%d.npy" % (name, k)))
    cmd = [args.prune_run, mlir]
    if in_files:
        cmd.append("--input=" + ",".join(in_files))
    cmd.append("--output=" + ",".join(out_files))
    rc, out = run(cmd)
    if rc != 0:
        return "run", first_error(out)
    worst = 0.0

    def compare(files, what):
        nonlocal worst
        for got_f, ref in zip(files, outputs):
            got = (np.fromfile(got_f, dtype="<f4") if got_f.endswith(".f32")
                   else np.load(got_f))
            if got.shape != ref.shape and got.size == ref.size:
                got = got.reshape(ref.shape)
            if got.shape != ref.shape:
                return "%sshape %s, expected %s" % (what, got.shape, ref.shape)
            if not np.allclose(got, ref, rtol=1e-3, atol=1e-5, equal_nan=True):
                err = np.nanmax(np.abs(got.astype(np.float64) - ref))
                return "%smax abs err %.3g" % (what, err)
            if got.size:
                worst = max(worst, float(np.nanmax(np.abs(got.astype(np.float64) - ref))))
        return None

    bad = compare(out_files, "")
    if bad:
        return "mismatch", bad
    if args.export:
        # Round trip: the imported module exported again, run in ONNX Runtime.
        onnx_out = os.path.join(work, name + ".exported.onnx")
        rc, out = run([args.prune_translate, "--export-onnx", mlir, "-o", onnx_out])
        if rc != 0:
            return "export", first_error(out)
        try:
            onnx.checker.check_model(onnx.load(onnx_out), full_check=True)
        except Exception as e:  # noqa: BLE001
            return "export", "onnx.checker: %s" % str(e).splitlines()[0][:120]
        exported = onnx.load(onnx_out)
        specs = []
        for k, (vi, x) in enumerate(zip(exported.graph.input, runtime_inputs)):
            f = os.path.join(work, "%s.in%d.f32" % (name, k))
            np.ascontiguousarray(x, dtype="<f4").tofile(f)
            specs.append("%s=%s:%s" % (vi.name, ",".join(str(d) for d in x.shape) or "1", f))
        prefix = os.path.join(work, name + ".ort")
        rc, out = run(["node", ORT_RUN, args.npm_dir, onnx_out, prefix] + specs)
        if rc != 0:
            return "export", "onnxruntime: " + first_error(out)
        bad = compare(["%s.%d.f32" % (prefix, k) for k in range(len(outputs))],
                      "exported model in ONNX Runtime: ")
        if bad:
            return "export", bad
    return ("pass-frozen" if frozen else "pass"), "max abs err %.2g" % worst


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--prune-translate", required=True)
    p.add_argument("--prune-run", required=True)
    p.add_argument("--data", default=DEFAULT_DATA)
    p.add_argument("--filter", default=None, help="regex on test names")
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--workdir", default=None)
    p.add_argument("--markdown", action="store_true")
    p.add_argument("--export", action="store_true",
                   help="also export each imported model with --export-onnx and "
                   "compare ONNX Runtime's output on it (needs --npm-dir)")
    p.add_argument("--npm-dir", default=None, help="where onnxruntime-node is installed")
    p.add_argument("--expect-pass", action="store_true",
                   help="exit 1 if a selected case does not pass")
    args = p.parse_args()
    if args.export and not args.npm_dir:
        p.error("--export needs --npm-dir")
    work = args.workdir or tempfile.mkdtemp(prefix="onnx-conformance.")
    os.makedirs(work, exist_ok=True)

    cases = []
    for d in sorted(glob.glob(os.path.join(args.data, "test_*"))):
        if args.filter and not re.search(args.filter, os.path.basename(d)):
            continue
        try:
            model = onnx.load(os.path.join(d, "model.onnx"))
        except Exception:  # noqa: BLE001
            continue
        op = main_op(model)
        if op is None or op not in COVERED:
            continue
        cases.append((op, d))
    if args.limit:
        cases = cases[:args.limit]

    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = {ex.submit(run_case, args, d, work): (op, d) for op, d in cases}
        for f in concurrent.futures.as_completed(futs):
            op, d = futs[f]
            try:
                results[d] = (op,) + f.result()
            except Exception as e:  # noqa: BLE001
                results[d] = (op, "run", "exception: %s" % e)

    per_op = collections.OrderedDict()
    for op, d in cases:
        _, status, detail = results[d]
        print("%-12s %-52s %s" % (status, os.path.basename(d), detail))
        per_op.setdefault(op, collections.Counter())[status] += 1
    total = collections.Counter()
    for c in per_op.values():
        total.update(c)
    cols = ["pass", "pass-frozen", "mismatch", "import", "run", "not-f32", "export"]
    print()
    if args.markdown:
        print("| op | cases | pass | pass (parameters frozen) | mismatch | import error | run error | non-f32 | export error |")
        print("|---|---|---|---|---|---|---|---|---|")
        for op, c in sorted(per_op.items()):
            print("| %s | %d | %s |" % (op, sum(c.values()), " | ".join(str(c[k]) for k in cols)))
        print("| **all** | %d | %s |" % (sum(total.values()), " | ".join(str(total[k]) for k in cols)))
    else:
        for op, c in sorted(per_op.items()):
            print("%-20s %3d cases: %s" % (op, sum(c.values()),
                                          ", ".join("%s %d" % (k, c[k]) for k in cols if c[k])))
    n = sum(total.values())
    passed = total["pass"] + total["pass-frozen"]
    print("TOTAL %d cases, %d pass (%d with parameters frozen), %d mismatch, "
          "%d import errors, %d run errors, %d non-f32%s"
          % (n, passed, total["pass-frozen"], total["mismatch"], total["import"],
             total["run"], total["not-f32"],
             ", %d export errors (outputs from ONNX Runtime on the exported models)"
             % total["export"] if args.export else ""))
    if args.expect_pass and passed != n:
        sys.exit(1)


if __name__ == "__main__":
    main()
