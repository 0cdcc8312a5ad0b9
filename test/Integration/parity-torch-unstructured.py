# prune-unstructured agrees with PyTorch's own pruning utilities, mask for
# mask: scope=layer with torch.nn.utils.prune.l1_unstructured(amount=ratio)
# on every weight, scope=global with prune.global_unstructured(...,
# pruning_method=prune.L1Unstructured, amount=ratio) across all of them.
# Weights are random with distinct magnitudes (no ties), Linear and conv
# shaped; ratios include ones where ratio * numel ends in .5, where both
# must round half to even (Python's round()).
#
# RUN: %python %s --prune-opt prune-opt | FileCheck %s
# REQUIRES: numpy, torch
# CHECK: layer: {{[0-9]+}} ratios, {{[0-9]+}} half-way cases; OK
# CHECK: global: {{[0-9]+}} ratios, {{[0-9]+}} half-way cases; OK

import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import numpy as np
import prunetest
from prunetest import check

import torch
from torch import nn
from torch.nn.utils import prune

# Linear [out, in] and conv [F, C, KH, KW]; numels 512, 256, 1152, 128 (2048).
LAYERS = [("linear", (32, 16)), ("linear", (8, 32)),
          ("conv", (16, 8, 3, 3)), ("conv", (8, 4, 2, 2))]
# 0.50390625 * 128 = 64.5, * 1152 = 580.5; 0.513671875 * 256 = 131.5;
# 0.500244140625 * 2048 = 1024.5 (global).
LAYER_RATIOS = [0.1, 0.3, 0.5, 0.50390625, 0.513671875, 0.75, 0.9]
GLOBAL_RATIOS = [0.2, 0.5, 0.500244140625, 0.6, 0.85]


def torch_modules(weights):
    mods = []
    for (kind, shape), w in zip(LAYERS, weights):
        if kind == "linear":
            mod = nn.Linear(shape[1], shape[0], bias=False)
        else:
            mod = nn.Conv2d(shape[1], shape[0], shape[2:], bias=False)
        with torch.no_grad():
            mod.weight.copy_(torch.from_numpy(w))
        mods.append(mod)
    return mods


def compare(tag, ours, theirs, ratio):
    for i, (o, t) in enumerate(zip(ours, theirs)):
        mask = o != 0
        if not np.array_equal(mask, t):
            raise prunetest.CheckFailure(
                "%s ratio=%r layer %d %s: %d elements differ from torch's mask"
                % (tag, ratio, i, LAYERS[i], int((mask != t).sum())))


def half_way(ratio, numel):
    return (ratio * numel) % 1 == 0.5


def run():
    tools = prunetest.parse_args(need_jit=False)
    weights = prunetest.tie_free_weights([s for _, s in LAYERS], seed=11)
    layers = [(k, w) for (k, _), w in zip(LAYERS, weights)]

    halves = 0
    for ratio in LAYER_RATIOS:
        ours = prunetest.pruned_masks(
            tools, layers, ["--prune-unstructured=ratio=%r scope=layer" % ratio])
        mods = torch_modules(weights)
        theirs = []
        for mod in mods:
            prune.l1_unstructured(mod, name="weight", amount=ratio)
            theirs.append(mod.weight_mask.numpy() != 0)
        compare("layer", ours, theirs, ratio)
        # The numpy reference the JIT tests use must agree with torch too.
        compare("layer (numpy reference)",
                [prunetest.unstructured_mask(w, ratio) for w in weights], theirs, ratio)
        halves += sum(half_way(ratio, w.size) for w in weights)
    check(halves >= 3, "too few half-way cases (%d)" % halves)
    print("layer: %d ratios, %d half-way cases; OK" % (len(LAYER_RATIOS), halves))

    total = sum(w.size for w in weights)
    halves = 0
    for ratio in GLOBAL_RATIOS:
        ours = prunetest.pruned_masks(
            tools, layers, ["--prune-unstructured=ratio=%r scope=global" % ratio])
        mods = torch_modules(weights)
        prune.global_unstructured([(m, "weight") for m in mods],
                                  pruning_method=prune.L1Unstructured,
                                  amount=ratio)
        theirs = [m.weight_mask.numpy() != 0 for m in mods]
        compare("global", ours, theirs, ratio)
        compare("global (numpy reference)",
                prunetest.global_unstructured_masks(weights, ratio), theirs, ratio)
        halves += half_way(ratio, total)
    check(halves >= 1, "no half-way case for the global ranking")
    print("global: %d ratios, %d half-way cases; OK" % (len(GLOBAL_RATIOS), halves))


prunetest.main_guard(run)
