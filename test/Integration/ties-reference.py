# The documented tie-break ("among equal scores the element with the lower
# row-major index is kept"; across weights in scope=global, the earlier
# weight in program order) on weights full of ties: values are small
# multiples of 0.25 (zeros included), so equal |w| and equal block norms
# straddle every cut. prune-opt's masks must equal the numpy reference
# (test/lib/prunetest.py) exactly for prune-unstructured (layer and global),
# prune-nm (2:4, 1:4, 4:8) and prune-blocks.
#
# RUN: %python %s --prune-opt prune-opt | FileCheck %s
# REQUIRES: numpy
# CHECK: unstructured layer: OK
# CHECK: unstructured global: OK
# CHECK: nm: OK
# CHECK: blocks: OK

import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import numpy as np
import prunetest as pt
from prunetest import check

LAYERS = [("linear", (16, 32)), ("conv", (8, 8, 3, 3)), ("linear", (8, 16)),
          ("conv", (8, 4, 2, 2))]


def compare(tag, ours, refs, weights):
    for i, (o, r, w) in enumerate(zip(ours, refs, weights)):
        exp = w if r is None else np.where(r, w, np.float32(0))
        if not np.array_equal(o, exp):
            bad = np.argwhere(o != exp)
            raise pt.CheckFailure("%s layer %d %s: %d elements differ, first at %s"
                                  % (tag, i, LAYERS[i], len(bad), tuple(bad[0])))


def run():
    tools = pt.parse_args(need_jit=False)
    rng = np.random.default_rng(3)
    weights = [(rng.integers(-3, 4, size=s) * 0.25).astype(np.float32) for _, s in LAYERS]
    layers = [(k, w) for (k, _), w in zip(LAYERS, weights)]

    for ratio in [0.25, 0.4, 0.5, 0.8]:
        ours = pt.pruned_masks(tools, layers, ["--prune-unstructured=ratio=%r scope=layer" % ratio])
        compare("layer ratio=%r" % ratio, ours,
                [pt.unstructured_mask(w, ratio) for w in weights], weights)
    print("unstructured layer: OK")

    for ratio in [0.3, 0.5, 0.7]:
        ours = pt.pruned_masks(tools, layers, ["--prune-unstructured=ratio=%r scope=global" % ratio])
        compare("global ratio=%r" % ratio, ours,
                pt.global_unstructured_masks(weights, ratio), weights)
    print("unstructured global: OK")

    for n, m in [(2, 4), (1, 4), (4, 8)]:
        ours = pt.pruned_masks(tools, layers, ["--prune-nm=n=%d m=%d" % (n, m)])
        compare("%d:%d" % (n, m), ours,
                [pt.nm_mask(w, pt.REDUCTION_DIM, n, m) for w in weights], weights)
    print("nm: OK")

    for block, ratio in [((2, 2), 0.5), ((4, 4), 0.3), ((1, 4), 0.6)]:
        ours = pt.pruned_masks(tools, layers, ["--prune-blocks=block=%d,%d ratio=%r"
                                               % (block + (ratio,))])
        refs = [pt.block_mask(w, pt.OUTPUT_DIM, pt.REDUCTION_DIM, block[0], block[1], ratio)
                for w in weights]
        check(any(r is not None for r in refs), "no weight tiles")
        compare("blocks %s ratio=%r" % (block, ratio), ours, refs, weights)
    print("blocks: OK")


pt.main_guard(run)
