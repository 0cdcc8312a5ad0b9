# Smoke test of the bundled trained MLP (examples/trained/mlp.mlir, rendered
# digits), the model bench/accuracy.py measures:
#   1. dense: prune-run's logits on the first test batch match torch's
#      (mlp_ref_logits.npy), and its accuracy on the whole test set is the
#      one train.py recorded in meta.json (same predictions as torch);
#   2. 50% unstructured, magnitude vs. Wanda + least-squares repair
#      (prune-calibrate, prune-unstructured{metric=wanda}, prune-reconstruct):
#      both keep exactly half of every Linear weight; the repaired model's
#      output on the calibration set is much closer to the dense model's
#      than magnitude pruning's is (the error repair minimises, measured
#      end to end through the JIT), and its test accuracy is no lower;
#   3. prune-run on the repaired file agrees with a numpy forward of the
#      weights in that file (the JIT runs what the passes wrote).
#
# RUN: %python %s --prune-opt prune-opt --prune-run prune-run
# REQUIRES: numpy
# CHECK-NOT: FAIL

import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import numpy as np
import prunetest
from prunetest import check

TRAINED = os.path.join(prunetest.SRC_ROOT, "examples", "trained")
LAYERS = [("torch_tensor_256_144_torch.float32", "torch_tensor_256_torch.float32"),
          ("torch_tensor_128_256_torch.float32", "torch_tensor_128_torch.float32"),
          ("torch_tensor_10_128_torch.float32", "torch_tensor_10_torch.float32")]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--prune-opt", required=True)
    p.add_argument("--prune-run", required=True)
    args = p.parse_args()
    with open(os.path.join(TRAINED, "meta.json")) as f:
        meta = json.load(f)["mlp"]
    batch = meta["batch"]
    model = os.path.join(TRAINED, "mlp.mlir")
    calib = os.path.join(TRAINED, "mlp_calib.npy")
    test_x = np.load(os.path.join(TRAINED, "mlp_test_x.npy"))
    test_y = np.load(os.path.join(TRAINED, "mlp_test_y.npy"))
    cal_x = np.load(calib)

    with tempfile.TemporaryDirectory() as tmp:
        def batches(x, tag):
            paths = []
            for i in range(len(x) // batch):
                path = os.path.join(tmp, "%s%d.npy" % (tag, i))
                np.save(path, x[i * batch:(i + 1) * batch])
                paths.append(path)
            return paths

        test_in, cal_in = batches(test_x, "t"), batches(cal_x, "c")

        def run(mlir, inputs, extra=()):
            outs = []
            for i, inp in enumerate(inputs):
                out = os.path.join(tmp, "out.npy")
                r = subprocess.run([args.prune_run, mlir, "--input=" + inp, "--output=" + out]
                                   + list(extra), capture_output=True, text=True)
                check(r.returncode == 0, "prune-run %s: %s" % (mlir, r.stderr[-2000:]))
                outs.append(np.load(out))
            return np.concatenate(outs)

        def prune(pipeline, name):
            out = os.path.join(tmp, name + ".mlir")
            r = subprocess.run([args.prune_opt, model, "--pass-pipeline=builtin.module(%s)"
                                % pipeline, "-o", out], capture_output=True, text=True)
            check(r.returncode == 0, "prune-opt %s: %s" % (pipeline, r.stderr[-2000:]))
            return out

        def accuracy(logits):
            return float((logits.argmax(-1) == test_y).mean())

        # 1. Dense: JIT == torch.
        ref = np.load(os.path.join(TRAINED, "mlp_ref_logits.npy"))
        r = subprocess.run([args.prune_run, model, "--input=" + test_in[0],
                            "--compare=" + os.path.join(TRAINED, "mlp_ref_logits.npy"),
                            "--rtol=1e-4", "--atol=1e-4"], capture_output=True, text=True)
        check(r.returncode == 0, "dense logits differ from torch's: " + r.stdout + r.stderr)
        dense_test = run(model, test_in)
        dense_acc = accuracy(dense_test)
        check(abs(dense_acc - meta["accuracy"]) < 0.5 / len(test_y),
              "dense JIT accuracy %.4f, torch recorded %.4f" % (dense_acc, meta["accuracy"]))
        check(dense_acc > 0.85, "the bundled MLP is not trained (accuracy %.3f)" % dense_acc)
        print("dense: accuracy %.4f (torch %.4f)" % (dense_acc, meta["accuracy"]))
        dense_cal = run(model, cal_in)

        # 2. Magnitude vs Wanda + repair at 50%.
        mag = prune("prune-unstructured{ratio=0.5}", "mag")
        rep = prune("prune-calibrate{inputs=%s progress=never}, "
                    "prune-unstructured{ratio=0.5 metric=wanda}, "
                    "prune-reconstruct{method=lsq damp=0.01}" % calib, "rep")
        orig = prunetest.parse_blobs(open(model).read())
        weights = {}
        for name, path in (("magnitude", mag), ("wanda+lsq", rep)):
            blobs = prunetest.parse_blobs(open(path).read())
            weights[name] = {}
            for wkey, bkey in LAYERS:
                for key in (wkey, bkey):
                    weights[name][key] = np.frombuffer(blobs[key][1], "<f4").copy()
                    check(weights[name][key].size == len(orig[key][1]) // 4,
                          "%s: %s changed size" % (name, key))
                w = weights[name][wkey]
                check(np.count_nonzero(w == 0) == w.size // 2,
                      "%s: %s has %d zeros of %d" % (name, wkey, np.count_nonzero(w == 0), w.size))
            # Repair must change kept weights; magnitude must not.
            w0 = np.frombuffer(orig[LAYERS[1][0]][1], "<f4")
            w = weights[name][LAYERS[1][0]]
            changed = np.count_nonzero((w != w0) & (w != 0))
            check((changed > 0) == (name != "magnitude"),
                  "%s: %d kept weights differ from the dense ones" % (name, changed))

        errs, accs = {}, {}
        for name, path in (("magnitude", mag), ("wanda+lsq", rep)):
            out = run(path, cal_in)
            errs[name] = float(np.mean((out - dense_cal) ** 2))
            accs[name] = accuracy(run(path, test_in))
            print("%s: calibration output MSE %.4g, test accuracy %.4f"
                  % (name, errs[name], accs[name]))
        check(errs["wanda+lsq"] < 0.5 * errs["magnitude"],
              "repair did not reduce the calibration error enough: %.4g vs magnitude %.4g"
              % (errs["wanda+lsq"], errs["magnitude"]))
        check(accs["wanda+lsq"] >= accs["magnitude"],
              "wanda+lsq accuracy %.4f below magnitude's %.4f" % (accs["wanda+lsq"],
                                                                 accs["magnitude"]))

        # 3. The JIT runs the repaired weights.
        h = test_x[:batch].astype(np.float64)
        for i, (wkey, bkey) in enumerate(LAYERS):
            w = weights["wanda+lsq"][wkey].astype(np.float64)
            w = w.reshape(-1, h.shape[1])
            h = h @ w.T + weights["wanda+lsq"][bkey]
            if i + 1 < len(LAYERS):
                h = np.maximum(h, 0)
        got = run(rep, test_in[:1])
        err = np.max(np.abs(got - h)) / np.max(np.abs(h))
        check(err < 1e-4, "repaired model: JIT vs numpy forward, relative error %.3g" % err)
        print("OK")


prunetest.main_guard(main)
