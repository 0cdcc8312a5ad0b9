#!/usr/bin/env python3
"""Gradual magnitude pruning schedule (Zhu & Gupta 2017) with per-step masks.

Sparsity at training step t (begin <= t <= end, every `frequency` steps):

    s_t = final + (initial - final) * (1 - (t - begin) / (end - begin))^3

For every pruning step the script computes the magnitude masks at s_t and
writes

    OUT/schedule.json    the steps, their sparsity and mask files
    OUT/masks_<t>.npz    one float32 0/1 array per weight, named like the
                         weight (the prune.mask name prune-insert-masks
                         gives its mask argument or global)

Masks come either from a model (`--model m.mlir`): prune-opt runs
`prune-unstructured{ratio=s_t}` on it and `prune-insert-masks{as=global}`
reads the zeros back, so they are exactly what the compiler would prune; or
from weights (`--weights w.npz`, e.g. the current weights of a training
loop): the same ranking in numpy (|w|, ties keep the lower index,
round-half-to-even counts). `--scope=global` ranks all weights together.

See docs/schedules.md for how a training loop uses the masks.
"""

import argparse
import json
import os
import re
import subprocess
import sys

import numpy as np


def sparsity_at(t, initial, final, begin, end):
    if end == begin:
        return final
    p = min(max((t - begin) / float(end - begin), 0.0), 1.0)
    return final + (initial - final) * (1.0 - p) ** 3


def schedule_steps(begin, end, frequency):
    steps = list(range(begin, end + 1, frequency))
    if steps[-1] != end:
        steps.append(end)
    return steps


def round_half_even(x):
    return int(round(x))


def magnitude_keep(scores, num_prune):
    """1 = keep. Removes the num_prune lowest scores; among equal scores the
    higher row-major index goes first (the lower index is kept)."""
    flat = scores.ravel()
    keep = np.ones(flat.size, dtype=bool)
    if num_prune > 0:
        # Stable sort by (score, -index): prune the first num_prune.
        order = np.lexsort((-np.arange(flat.size), flat))
        keep[order[:num_prune]] = False
    return keep.reshape(scores.shape)


def masks_from_weights(weights, ratio, scope):
    if scope == "layer":
        return {name: magnitude_keep(np.abs(w.astype(np.float64)),
                                     round_half_even(ratio * w.size)).astype(np.float32)
                for name, w in weights.items()}
    names = list(weights)
    flat = np.concatenate([np.abs(weights[n].astype(np.float64)).ravel() for n in names])
    keep = magnitude_keep(flat, round_half_even(ratio * flat.size))
    out, offset = {}, 0
    for n in names:
        size = weights[n].size
        out[n] = keep[offset:offset + size].reshape(weights[n].shape).astype(np.float32)
        offset += size
    return out


_GLOBAL = re.compile(
    r'memref\.global\s+(?:"[a-z]+"\s+)?@\S+\s*:\s*memref<([0-9x]*)x(f16|f32|f64)>\s*=\s*'
    r'dense<(.*?)>\s*\{prune\.mask\s*=\s*"((?:[^"\\]|\\.)*)"\}')
_DTYPES = {"f16": np.float16, "f32": np.float32, "f64": np.float64}


def parse_dense(body, shape, dtype):
    size = int(np.prod(shape)) if shape else 1
    body = body.strip()
    if body.startswith('"0x'):
        raw = bytes.fromhex(body[3:-1])
        a = np.frombuffer(raw, dtype=dtype)
        if a.size == 1:
            a = np.full(size, a[0], dtype=dtype)
        return a.reshape(shape)
    nums = re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", body)
    a = np.array([float(n) for n in nums], dtype=dtype)
    if a.size == 1:
        a = np.full(size, a[0], dtype=dtype)
    return a.reshape(shape)


def masks_from_model(prune_opt, model, ratio, scope):
    pipeline = "builtin.module(prune-unstructured{ratio=%r scope=%s},prune-insert-masks{as=global})" % (
        ratio, scope)
    r = subprocess.run([prune_opt, model, "--pass-pipeline=" + pipeline,
                        "--mlir-print-elementsattrs-with-hex-if-larger=16"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("prune-schedule: prune-opt failed:\n" + r.stderr)
    masks = {}
    for m in _GLOBAL.finditer(r.stdout):
        shape = [int(d) for d in m.group(1).split("x")] if m.group(1) else []
        masks[m.group(4)] = parse_dense(m.group(3), shape, _DTYPES[m.group(2)]).astype(np.float32)
    if not masks:
        sys.exit("prune-schedule: prune-opt found no weights in " + model)
    return masks


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", help="an MLIR model (masks from prune-opt)")
    src.add_argument("--weights", help="an .npz of weights by name (masks in numpy)")
    p.add_argument("--prune-opt", default="prune-opt")
    p.add_argument("--initial", type=float, default=0.0, help="initial sparsity")
    p.add_argument("--final", type=float, required=True, help="final sparsity")
    p.add_argument("--begin", type=int, default=0, help="first pruning step")
    p.add_argument("--end", type=int, required=True, help="last pruning step")
    p.add_argument("--frequency", type=int, default=100, help="steps between pruning")
    p.add_argument("--scope", choices=["layer", "global"], default="layer")
    p.add_argument("--at-step", type=int, help="only the mask of this step (a training loop "
                   "calls this with its current weights)")
    p.add_argument("--out", required=True, help="output folder")
    args = p.parse_args(argv)
    for name in ("initial", "final"):
        v = getattr(args, name)
        if not 0.0 <= v < 1.0:
            p.error("--%s must be in [0, 1), got %g" % (name, v))
    if args.end < args.begin or args.frequency < 1:
        p.error("need begin <= end and frequency >= 1")

    steps = schedule_steps(args.begin, args.end, args.frequency)
    if args.at_step is not None:
        steps = [args.at_step]
    weights = None
    if args.weights:
        with np.load(args.weights) as z:
            weights = {k: z[k] for k in z.files}
    os.makedirs(args.out, exist_ok=True)
    entries = []
    for t in steps:
        s = sparsity_at(t, args.initial, args.final, args.begin, args.end)
        if weights is not None:
            masks = masks_from_weights(weights, s, args.scope)
        else:
            masks = masks_from_model(args.prune_opt, args.model, s, args.scope)
        fname = "masks_%d.npz" % t
        np.savez(os.path.join(args.out, fname), **masks)
        zeros = sum(int((m == 0).sum()) for m in masks.values())
        total = sum(m.size for m in masks.values())
        entries.append({"step": t, "sparsity": s, "masks": fname,
                        "achieved": zeros / float(total) if total else 0.0})
    with open(os.path.join(args.out, "schedule.json"), "w") as f:
        json.dump({"initial": args.initial, "final": args.final, "begin": args.begin,
                   "end": args.end, "frequency": args.frequency, "scope": args.scope,
                   "steps": entries}, f, indent=2)
    for e in entries:
        print("step %d: sparsity %.4f (masks %.4f zero) -> %s" % (
            e["step"], e["sparsity"], e["achieved"], e["masks"]))


if __name__ == "__main__":
    main()
