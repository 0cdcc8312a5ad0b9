# The gradual magnitude schedule generator (scripts/prune-schedule.py) on
# examples/mlp.mlir:
#   1. schedule.json follows Zhu & Gupta: s_t = final + (initial - final) *
#      (1 - (t - begin) / (end - begin))^3 at begin, begin + frequency, ...,
#      end;
#   2. the masks of every step (from prune-opt) keep the largest |w|, with
#      round-half-to-even counts, and are nested from step to step;
#   3. masks computed in numpy from an .npz of the weights are the same, for
#      scope=layer and scope=global, and --at-step gives one step;
#   4. a training loop's use: the model with prune-insert-masks, run with
#      the final step's masks, equals prune-unstructured at the final
#      sparsity.
#
# RUN: %python %s --prune-opt prune-opt --prune-run prune-run --script %prune_src/scripts/prune-schedule.py
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

W_KEYS = ["torch_tensor_256_64_torch.float32", "torch_tensor_256_256_torch.float32",
          "torch_tensor_10_256_torch.float32"]
INITIAL, FINAL, BEGIN, END, FREQ = 0.1, 0.8, 100, 1100, 250


def script(args, *extra):
    r = subprocess.run([sys.executable, args.script, "--prune-opt", args.prune_opt] + list(extra),
                       capture_output=True, text=True)
    check(r.returncode == 0, "prune-schedule.py %s: %s" % (" ".join(extra), r.stderr[-3000:]))
    return r.stdout


def load_masks(path):
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--prune-opt", required=True)
    p.add_argument("--prune-run", required=True)
    p.add_argument("--script", required=True)
    args = p.parse_args()
    text = prunetest.load_example("mlp")
    weights = prunetest.read_weights(text)
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "mlp.mlir")
        with open(model, "w") as f:
            f.write(text)
        common = ["--initial", str(INITIAL), "--final", str(FINAL), "--begin", str(BEGIN),
                  "--end", str(END), "--frequency", str(FREQ)]
        out_model = os.path.join(tmp, "model")
        script(args, "--model", model, "--out", out_model, *common)
        with open(os.path.join(out_model, "schedule.json")) as f:
            sched = json.load(f)
        steps = [e["step"] for e in sched["steps"]]
        check(steps == [100, 350, 600, 850, 1100], "steps %s" % steps)

        # 1 + 2: sparsity and masks per step.
        prev = None
        for e in sched["steps"]:
            t = e["step"]
            s = FINAL + (INITIAL - FINAL) * (1.0 - (t - BEGIN) / float(END - BEGIN)) ** 3
            check(abs(e["sparsity"] - s) < 1e-12, "step %d: sparsity %r, expected %r"
                  % (t, e["sparsity"], s))
            masks = load_masks(os.path.join(out_model, e["masks"]))
            check(sorted(masks) == sorted(W_KEYS), "step %d: masks for %s" % (t, sorted(masks)))
            for key in W_KEYS:
                ref = prunetest.unstructured_mask(weights[key], s)
                check(np.array_equal(masks[key] != 0, ref),
                      "step %d %s: mask differs from the |w| reference" % (t, key))
                check(set(np.unique(masks[key])) <= {0.0, 1.0}, "mask values not 0/1")
                if prev is not None:
                    check(np.all(masks[key][prev[key] == 0] == 0),
                          "step %d %s: masks not nested" % (t, key))
            prev = masks
        check(abs(sched["steps"][-1]["sparsity"] - FINAL) < 1e-12, "last step is not final")

        # 3. The numpy path from an .npz of weights.
        wpath = os.path.join(tmp, "w.npz")
        np.savez(wpath, **{k: weights[k] for k in W_KEYS})
        for scope in ("layer", "global"):
            out_w = os.path.join(tmp, "w-" + scope)
            script(args, "--weights", wpath, "--out", out_w, "--scope", scope, *common)
            if scope == "global":
                script(args, "--model", model, "--out", out_model + "-g", "--scope", scope, *common)
            ref_dir = out_model if scope == "layer" else out_model + "-g"
            for e in sched["steps"]:
                a = load_masks(os.path.join(out_w, e["masks"]))
                b = load_masks(os.path.join(ref_dir, e["masks"]))
                for key in W_KEYS:
                    check(np.array_equal(a[key], b[key]),
                          "%s step %d %s: numpy and prune-opt masks differ" % (scope, e["step"], key))
            if scope == "global":
                last = load_masks(os.path.join(out_w, sched["steps"][-1]["masks"]))
                ref = prunetest.global_unstructured_masks([weights[k] for k in W_KEYS], FINAL)
                for key, r in zip(W_KEYS, ref):
                    check(np.array_equal(last[key] != 0, r), "global %s differs" % key)
        one = os.path.join(tmp, "one")
        script(args, "--weights", wpath, "--out", one, "--at-step", "600", *common)
        with open(os.path.join(one, "schedule.json")) as f:
            check([e["step"] for e in json.load(f)["steps"]] == [600], "--at-step 600")

        # 4. Masks as arguments of the model, fed the final step's masks.
        r = subprocess.run([args.prune_opt, "--prune-insert-masks=as=argument", model],
                           capture_output=True, text=True)
        check(r.returncode == 0, r.stderr)
        masked = os.path.join(tmp, "masked.mlir")
        with open(masked, "w") as f:
            f.write(r.stdout)
        final = load_masks(os.path.join(out_model, sched["steps"][-1]["masks"]))
        x = prunetest.model_input("mlp")
        inputs = [os.path.join(tmp, "x.npy")] + [os.path.join(tmp, "m%d.npy" % i) for i in range(3)]
        np.save(inputs[0], x)
        for path, key in zip(inputs[1:], W_KEYS):
            np.save(path, final[key])
        pruned = {k: (v * final[k] if k in final else v) for k, v in weights.items()}
        ref, _ = prunetest.forward("mlp", pruned, x)
        np.save(os.path.join(tmp, "ref.npy"), ref.astype(np.float32))
        r = subprocess.run([args.prune_run, masked, "--input=" + ",".join(inputs),
                            "--compare=" + os.path.join(tmp, "ref.npy"), "--rtol=1e-4", "--atol=1e-5"],
                           capture_output=True, text=True)
        check(r.returncode == 0, "masked model with the final masks: %s%s" % (r.stdout, r.stderr))
    print("OK")


prunetest.main_guard(main)
