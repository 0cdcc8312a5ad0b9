#!/usr/bin/python3
"""Accuracy of the bundled trained models under one-shot pruning.

    /usr/bin/python3 bench/accuracy.py [--bin build/bin] [--models mlp,cnn,transformer]
                                       [--methods NAME,...] [--write-docs]

For each model in examples/trained/ (see examples/trained/train.py), each
pruning setting (50% / 70% unstructured, 2:4, 50% neurons or filters, half
the heads) and each method (magnitude only; data-aware: Wanda scores or
firing rates from prune-calibrate; data-aware + repair: prune-reconstruct),
runs prune-opt on the model, JIT-runs the result with prune-run on every
batch of the test set and takes the argmax. Prints one markdown table, then
the issue-4 targets with met / not met; with --write-docs replaces the
generated part of docs/accuracy.md.

No retraining anywhere: every number is one-shot. A method is one entry in
METHODS (the pipeline before the pruning pass, the metric the pass ranks
by, the pipeline after it); a setting is one entry in SETTINGS.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAINED = os.path.join(ROOT, "examples", "trained")
DOC = os.path.join(ROOT, "docs", "accuracy.md")
BEGIN, END = "<!-- BEGIN accuracy.py -->", "<!-- END accuracy.py -->"

CAL = "prune-calibrate{inputs=%(calib)s metric=%(cal_metric)s progress=never}"
CAL_NONE = CAL.replace("%(cal_metric)s", "none")
LSQ = "prune-reconstruct{method=lsq damp=0.01}"
FISHER = "prune-gradient-importance{gradients=%(fisher)s metric=fisher}"


class Method:
    """A column of the table. `before` / `after` are pipeline fragments
    around the setting's pruning pass, with %(calib)s, %(fisher)s and
    %(cal_metric)s substituted; `metric` picks the ranking: 'magnitude' (the
    pass's own weight norm), 'data' (what prune-calibrate attached: wanda
    for fine-grained passes, activation for structural) or 'fisher'.
    `build(setting, subst)`, if given, makes the whole pipeline instead
    (None: not applicable). `needs` is text that `prune-opt --help` must
    contain (a pass or option that may not exist in every build)."""

    def __init__(self, name, before=(), metric="magnitude", after=(),
                 kinds=("fine", "structural"), build=None, needs=None, doc=""):
        self.name, self.before, self.metric, self.after = name, list(before), metric, list(after)
        self.kinds, self.build, self.needs, self.doc = kinds, build, needs, doc
        self.repairs = bool(build) or any("prune-reconstruct" in p for p in self.after)


def iterative(setting, subst):
    """Four cubic steps to the target, calibrating, Wanda-pruning and
    repairing at each (unstructured settings only)."""
    if not setting.name.endswith("unstructured"):
        return None
    step = ",".join([CAL % subst, "prune-unstructured{ratio=@ratio@ metric=wanda%s}"
                     % subst["exclude"], LSQ])
    return 'prune-iterative{target=%s steps=4 schedule=cubic pipeline="%s"}' % (
        setting.ratio, step)


# Contraction layers along each model's longest path: the rounds the
# sequential method needs so that every layer is refitted after the layers
# before it (fixed by the architecture, not tuned).
DEPTH = {"mlp": 3, "cnn": 6, "transformer": 9}
REF = "prune-calibrate{inputs=%(calib)s metric=none progress=never reference=true}"


def sequential(setting, subst):
    """Data-aware masks, then DEPTH rounds of (calibrate against the dense
    model with reference=true, repair): SparseGPT for fine-grained settings,
    least squares for structural ones, whose units are zeroed (mode=zero:
    the same function as removing them, but shapes the reference model
    shares)."""
    pruning = setting.template % subst
    if setting.kind == "structural":
        pruning = pruning[:-1] + " mode=zero}"
        repair = LSQ
    else:
        repair = "prune-reconstruct{method=sparsegpt damp=0.01}"
    rounds = [REF % subst, repair] * DEPTH[subst["model"]]
    return ", ".join([CAL % subst, pruning] + rounds)


METHODS = [
    Method("magnitude", doc="weight magnitude only (|w| for fine-grained, "
           "the l2 norm of every coupled slice for structural), no data"),
    Method("data-aware", [CAL], "data", doc="prune-calibrate on the calibration set, then "
           "rank by Wanda |w|*||x|| (fine-grained) or firing rate (structural; "
           "`metric=activation`)"),
    Method("data-aware + repair", [CAL], "data", [LSQ], doc="as data-aware, then "
           "prune-reconstruct{method=lsq} refits the kept weights on the calibration data"),
    Method("magnitude + repair", [CAL_NONE], "magnitude", [LSQ],
           doc="magnitude masks, then the same least-squares refit"),
    Method("fisher", [FISHER], "fisher", kinds=("fine",),
           doc="rank by the empirical Fisher 0.5*F*w^2, F from torch's per-sample gradients on "
           "the calibration set (NAME_fisher.npz, prune-gradient-importance)"),
    Method("fisher + repair", [CAL_NONE, FISHER], "fisher", [LSQ], kinds=("fine",),
           doc="Fisher masks, then the least-squares refit"),
    Method("sparsegpt", [CAL], "data", ["prune-reconstruct{method=sparsegpt damp=0.01}"],
           kinds=("fine",), needs="sparsegpt",
           doc="prune-reconstruct{method=sparsegpt}: SparseGPT chooses the mask column by "
           "column (same count or N:M pattern as the Wanda mask it starts from) while updating"),
    Method("iterative", kinds=("fine",), build=iterative, needs="prune-iterative",
           doc="prune-iterative, 4 cubic steps, each: calibrate, Wanda, lsq repair"),
    Method("sequential", metric="data", build=sequential, needs="reference",
           doc="data-aware masks, then one round per layer of depth (MLP 3, CNN 6, "
           "transformer 9) of prune-calibrate{reference=true} and repair (SparseGPT for "
           "fine-grained, least squares for structural, whose units are zeroed with "
           "mode=zero): each layer fitted to the dense model's outputs from its repaired "
           "predecessors' outputs"),
]

# Fine-grained passes rank by these metric names; structural ones by these.
METRICS = {("fine", "magnitude"): "l1", ("fine", "data"): "wanda", ("fine", "fisher"): "fisher",
           ("structural", "magnitude"): "l2", ("structural", "data"): "activation"}
CAL_METRIC = {"fine": "wanda", "structural": "activation"}


class Setting:
    def __init__(self, name, kind, template, models, ratio=None):
        self.name, self.kind, self.template, self.models = name, kind, template, models
        self.ratio = ratio


ALL = ("mlp", "cnn", "transformer")
SETTINGS = [
    Setting("50% unstructured", "fine", "prune-unstructured{ratio=0.5 metric=%(metric)s%(exclude)s}",
            ALL, ratio=0.5),
    Setting("70% unstructured", "fine", "prune-unstructured{ratio=0.7 metric=%(metric)s%(exclude)s}",
            ALL, ratio=0.7),
    Setting("2:4", "fine", "prune-nm{n=2 m=4 metric=%(metric)s%(exclude)s}", ALL),
    Setting("50% neurons", "structural", "prune-neurons{ratio=0.5 metric=%(metric)s%(exclude)s}",
            ("mlp", "transformer")),
    Setting("50% filters", "structural", "prune-filters{ratio=0.5 metric=%(metric)s%(exclude)s}",
            ("cnn",)),
    Setting("half the heads", "structural", "prune-heads{ratio=0.5 metric=%(metric)s%(exclude)s}",
            ("transformer",)),
]

# Weights no setting touches, per model (glob patterns for `exclude=`), as
# pruning papers usually leave them: the CNN's stem conv (216 weights, one
# input channel: each filter has only 9 taps) and its classifier (192), and
# the language model's output head over the vocabulary (SparseGPT and Wanda
# prune the Linear layers inside the transformer blocks only). The MLP has
# every layer pruned. Only fine-grained settings exclude them: for
# structural ones a weight's units belong to coupled groups (the stem's
# filters are the residual stream), and excluding it would spare the group.
EXCLUDE = {"mlp": [],
           "cnn": ["torch_tensor_24_1_3_3_torch.float32", "torch_tensor_8_24_torch.float32"],
           "transformer": ["torch_tensor_47_64_torch.float32_1"]}


def run(cmd, what):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s\n%s" % (what, p.returncode, " ".join(cmd),
                                                      p.stderr[-3000:]))
    return p


class Model:
    def __init__(self, name, meta, tmp):
        self.name, self.meta = name, meta
        self.path = os.path.join(TRAINED, name + ".mlir")
        self.calib = os.path.join(TRAINED, name + "_calib.npy")
        self.fisher = os.path.join(TRAINED, name + "_fisher.npz")
        x = np.load(os.path.join(TRAINED, name + "_test_x.npy"))
        self.y = np.load(os.path.join(TRAINED, name + "_test_y.npy"))
        b = meta["batch"]
        assert len(x) % b == 0, "test set is not whole batches"
        self.batches = []
        for i in range(len(x) // b):
            p = os.path.join(tmp, "%s_test_%d.npy" % (name, i))
            np.save(p, x[i * b:(i + 1) * b])
            self.batches.append(p)


def evaluate(tools, model, mlir_path, tmp):
    """JIT-runs every test batch; returns (accuracy, logits)."""
    outs = []
    for i, inp in enumerate(model.batches):
        out = os.path.join(tmp, "out.npy")
        run([tools["prune-run"], mlir_path, "--input=" + inp, "--output=" + out], "prune-run")
        outs.append(np.load(out))
    logits = np.concatenate(outs)
    pred = logits.reshape(-1, logits.shape[-1]).argmax(-1)
    return float((pred == model.y.reshape(-1)).mean()), logits


def pipeline(method, setting, model):
    exclude = EXCLUDE[model.name]
    subst = {"calib": model.calib, "fisher": model.fisher, "model": model.name,
             "cal_metric": CAL_METRIC[setting.kind],
             "metric": METRICS.get((setting.kind, method.metric), ""),
             "exclude": (" exclude=" + ",".join(exclude))
             if exclude and setting.kind == "fine" else ""}
    if method.build:
        return method.build(setting, subst)
    passes = [p % subst for p in method.before] + [setting.template % subst] + \
             [p % subst for p in method.after]
    return ", ".join(passes)


def prune(tools, model, pipe, out):
    run([tools["prune-opt"], model.path, "--pass-pipeline=builtin.module(%s)" % pipe, "-o", out],
        "prune-opt")


def fmt(acc):
    return "%.1f" % (100 * acc)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"),
                    help="directory with prune-opt and prune-run")
    ap.add_argument("--models", default=",".join(ALL))
    ap.add_argument("--methods", default=",".join(m.name for m in METHODS))
    ap.add_argument("--write-docs", action="store_true",
                    help="replace the generated table in docs/accuracy.md")
    ap.add_argument("--json", help="also write every number here (updated as it goes)")
    ap.add_argument("--merge", help="comma-separated --json files of earlier runs (e.g. one "
                    "per model): render their results together instead of running")
    ap.add_argument("--resume", action="store_true",
                    help="keep the results already in --json and run only what is missing")
    args = ap.parse_args()
    if args.merge:
        return merge(args)
    tools = {t: os.path.join(args.bin, t) for t in ("prune-opt", "prune-run")}
    with open(os.path.join(TRAINED, "meta.json")) as f:
        meta = json.load(f)
    help_text = subprocess.run([tools["prune-opt"], "--help"], capture_output=True,
                               text=True).stdout
    methods = []
    for m in METHODS:
        if m.name not in args.methods.split(","):
            continue
        if m.needs and m.needs not in help_text:
            print("method %s left out: this prune-opt has no %s" % (m.name, m.needs),
                  file=sys.stderr)
            continue
        methods.append(m)
    names = args.models.split(",")
    results = {}
    if args.resume and args.json and os.path.exists(args.json):
        with open(args.json) as f:
            results = json.load(f)
    t0 = time.time()
    command = " ".join(["/usr/bin/python3", "bench/accuracy.py"] + sys.argv[1:])
    with tempfile.TemporaryDirectory() as tmp:
        pruned = os.path.join(tmp, "pruned.mlir")
        for name in names:
            model = Model(name, meta[name], tmp)
            dense, logits = evaluate(tools, model, model.path, tmp)
            ref = np.load(os.path.join(TRAINED, name + "_ref_logits.npy"))
            err = float(np.max(np.abs(logits[:len(ref)] - ref)))
            old = results.get(name, {})
            results[name] = {"dense": dense, "torch": meta[name]["accuracy"],
                             "jit_vs_torch_max_abs": err, "settings": old.get("settings", {}),
                             "commands": old.get("commands", []) + [command]}
            t_model = time.time()
            print("%s: dense %s (torch %s, max |logit diff| %.2g)"
                  % (name, fmt(dense), fmt(meta[name]["accuracy"]), err), file=sys.stderr)
            for setting in SETTINGS:
                if name not in setting.models:
                    continue
                row = results[name]["settings"].setdefault(setting.name, {})
                for method in methods:
                    if setting.kind not in method.kinds:
                        continue
                    pipe = pipeline(method, setting, model)
                    if pipe is None or method.name in row:
                        continue
                    try:
                        prune(tools, model, pipe, pruned)
                        acc, _ = evaluate(tools, model, pruned, tmp)
                        row[method.name] = {"accuracy": acc, "pipeline": pipe}
                        print("  %-18s %-22s %s" % (setting.name, method.name, fmt(acc)),
                              file=sys.stderr)
                    except RuntimeError as e:
                        row[method.name] = {"error": str(e).splitlines()[0][:300],
                                            "pipeline": pipe}
                        print("  %-18s %-22s failed: %s" % (setting.name, method.name,
                                                            str(e)[-600:]), file=sys.stderr)
                    results[name]["seconds"] = round(time.time() - t_model)
                    if args.json:
                        with open(args.json, "w") as f:
                            json.dump(results, f, indent=1)
    elapsed = time.time() - t0
    table = render_table(results, names, methods, meta)
    targets = render_targets(results)
    print(table)
    print()
    print(targets)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    if args.write_docs:
        legend = "\n".join("- **%s**: %s" % (m.name, m.doc) for m in methods)
        write_docs(table, legend, targets, [command], elapsed)


def merge(args):
    results = {}
    for path in args.merge.split(","):
        with open(path) as f:
            results.update(json.load(f))
    with open(os.path.join(TRAINED, "meta.json")) as f:
        meta = json.load(f)
    names = [n for n in ALL if n in results]
    used = {m for r in results.values() for row in r["settings"].values() for m in row}
    methods = [m for m in METHODS if m.name in used]
    table = render_table(results, names, methods, meta)
    targets = render_targets(results)
    print(table)
    print()
    print(targets)
    if args.write_docs:
        legend = "\n".join("- **%s**: %s" % (m.name, m.doc) for m in methods)
        commands = []
        for n in names:
            for c in results[n].get("commands", [results[n].get("command", "")]):
                if c not in commands:
                    commands.append(c)
        write_docs(table, legend, targets, commands,
                   sum(results[n].get("seconds", 0) for n in names))


def render_table(results, names, methods, meta):
    head = "| model (task) | setting | dense | " + " | ".join(m.name for m in methods) + " |"
    lines = [head, "|" + "---|" * (3 + len(methods))]
    for name in names:
        r = results[name]
        first = True
        for sname, row in r["settings"].items():
            if not row:
                continue
            cells = []
            for m in methods:
                c = row.get(m.name)
                if c is None:
                    cells.append("-")
                elif "error" in c:
                    cells.append("refused")
                else:
                    cells.append(fmt(c["accuracy"]))
            label = "%s (%s)" % (name, meta[name]["task"]) if first else ""
            lines.append("| %s | %s | %s | %s |" % (label, sname, fmt(r["dense"]) if first else "",
                                                  " | ".join(cells)))
            first = False
    return "\n".join(lines)


def acc(results, model, setting, method):
    c = results.get(model, {}).get("settings", {}).get(setting, {}).get(method)
    return None if c is None or "error" in c else c["accuracy"]


def best(results, model, setting, names):
    vals = [(m, acc(results, model, setting, m)) for m in names]
    vals = [(m, v) for m, v in vals if v is not None]
    return max(vals, key=lambda mv: mv[1]) if vals else (None, None)


def render_targets(results):
    """The issue-4 targets, checked on the numbers above. "Repaired" methods
    are those whose pipeline runs prune-reconstruct."""
    lines = []
    every = [m.name for m in METHODS]
    repaired = [m.name for m in METHODS if m.repairs]
    for model in ("cnn", "transformer"):
        if model not in results:
            continue
        dense = results[model]["dense"]
        for setting in ("2:4", "50% unstructured"):
            m, b = best(results, model, setting, every)
            if b is None:
                lines.append("- %s, %s within 1 point of dense: not measured" % (model, setting))
                continue
            ok = round(100 * (dense - b), 6) <= 1.0
            lines.append("- %s, %s within 1 point of dense (%s): best one-shot %s (%s), "
                         "%.2f points lost -> %s" % (model, setting, fmt(dense), fmt(b), m,
                                                     100 * (dense - b),
                                                     "met" if ok else "NOT met"))
    misses, total = [], 0
    for model, r in results.items():
        for setting, row in r["settings"].items():
            m, a = best(results, model, setting, repaired)
            mag = acc(results, model, setting, "magnitude")
            if a is None or mag is None:
                continue
            total += 1
            if not a > mag:
                misses.append("%s %s (best repaired %s vs %s)" % (model, setting, fmt(a),
                                                                  fmt(mag)))
    lines.append("- repair beats magnitude-only at every setting: %s"
                 % ("not measured" if not total else
                    "met (%d of %d)" % (total, total) if not misses else
                    "NOT met at %d of %d: %s" % (len(misses), total, "; ".join(misses))))
    if "transformer" in results:
        dense = results["transformer"]["dense"]
        m, b = best(results, "transformer", "half the heads", every)
        if b is not None:
            lines.append("- transformer, half the heads removed with under 3 points lost: "
                         "best %s (%s) vs dense %s -> %s"
                         % (fmt(b), m, fmt(dense), "met" if dense - b < 0.03 else "NOT met"))
    return "\n".join(lines)


def write_docs(table, legend, targets, commands, elapsed):
    with open(DOC) as f:
        text = f.read()
    a, b = text.find(BEGIN), text.find(END)
    if a < 0 or b < 0:
        raise SystemExit("docs/accuracy.md has no %s ... %s markers" % (BEGIN, END))
    cmd = "`, `".join(commands).replace(ROOT + "/", "")
    gen = ("%s\nGenerated by `%s` (%s UTC, %.0f s). Top-1 test accuracy in %%, "
           "one-shot, no retraining.\n\n%s\n\nColumns:\n\n%s\n\nTargets (issue 4), "
           "checked on these numbers by the script:\n\n%s\n" % (
               BEGIN, cmd, time.strftime("%Y-%m-%d %H:%M", time.gmtime()), elapsed, table,
               legend, targets))
    with open(DOC, "w") as f:
        f.write(text[:a] + gen + text[b:])


if __name__ == "__main__":
    main()
