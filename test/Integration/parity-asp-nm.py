# prune-nm agrees with NVIDIA ASP (apex.contrib.sparsity), mask for mask.
# ASP's create_mask(pattern="m4n2_1d") views a Linear weight [K, C] as
# rows of C and a conv weight [K, C, R, S] permuted to (R, S, K, C), so
# every group of m runs along the input channel C; in each group it keeps
# the pattern (out of all n-of-m patterns) that maximises |w| . pattern.
# That rule is re-implemented below in numpy as ASP writes it
# (sparse_masklib.py: compute_valid_1d_patterns, mn_1d_best, create_mask),
# for 2:4 and, with the same code, 1:4 and 4:8. Weights are random with no
# ties between patterns.
#
# RUN: %python %s --prune-opt prune-opt | FileCheck %s
# REQUIRES: numpy
# CHECK: 2:4: 4 weights; OK
# CHECK: 1:4: 4 weights; OK
# CHECK: 4:8: 4 weights; OK

import os
import sys
from itertools import permutations

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import numpy as np
import prunetest
from prunetest import check

LAYERS = [("linear", (24, 32)), ("linear", (16, 64)),
          ("conv", (16, 8, 3, 3)), ("conv", (8, 16, 1, 1))]


def valid_1d_patterns(m, n):
    # ASP: patterns = zeros(m); patterns[:n] = 1;
    #      torch.Tensor(list(set(permutations(patterns.tolist()))))
    base = [1.0] * n + [0.0] * (m - n)
    return np.array(list(set(permutations(base))), dtype=np.float32)


def mn_1d_best(matrix, m, n):
    """ASP's mn_1d_best on a 2-D matrix whose columns divide by m; also
    returns the margin between the best and second-best pattern score."""
    patterns = valid_1d_patterns(m, n)
    mat = np.abs(matrix.reshape(-1, m))
    scores = mat @ patterns.T
    pmax = np.argmax(scores, axis=1)
    top2 = np.sort(scores, axis=1)[:, -2:]
    margin = (top2[:, 1] - top2[:, 0]).min() if patterns.shape[0] > 1 else np.inf
    return patterns[pmax].reshape(matrix.shape), margin


def asp_create_mask(w, m, n):
    shape = w.shape
    if w.ndim == 2:                      # linear (K, C)
        mask, margin = mn_1d_best(w, m, n)
        return mask.reshape(shape), margin
    assert w.ndim == 4                   # 2d convs (K, C, R, S)
    t = w.transpose(2, 3, 0, 1).reshape(shape[2] * shape[3] * shape[0], shape[1])
    mask, margin = mn_1d_best(t, m, n)
    mask = mask.reshape(shape[2], shape[3], shape[0], shape[1]).transpose(2, 3, 0, 1)
    return mask, margin


def run():
    tools = prunetest.parse_args(need_jit=False)
    for n, m in [(2, 4), (1, 4), (4, 8)]:
        def no_pattern_ties(ws):
            return all(asp_create_mask(w, m, n)[1] > 0 for w in ws)

        weights = prunetest.tie_free_weights([s for _, s in LAYERS], seed=5 + m + n,
                                             extra_check=no_pattern_ties)
        layers = [(k, w) for (k, _), w in zip(LAYERS, weights)]
        ours = prunetest.pruned_masks(tools, layers, ["--prune-nm=n=%d m=%d" % (n, m)])
        for i, (w, o) in enumerate(zip(weights, ours)):
            theirs = asp_create_mask(w, m, n)[0] != 0
            check(theirs.sum() * m == w.size * n, "ASP reference kept the wrong count")
            mask = o != 0
            check(np.array_equal(mask, theirs),
                  "%d:%d layer %d %s: %d elements differ from ASP's mask"
                  % (n, m, i, LAYERS[i], int((mask != theirs).sum())))
            check(np.array_equal(o, np.where(theirs, w, 0)),
                  "%d:%d layer %d: kept values changed" % (n, m, i))
            # The numpy reference the JIT tests use must agree with ASP too.
            ref = prunetest.nm_mask(w, prunetest.REDUCTION_DIM, n, m)
            check(np.array_equal(ref, theirs),
                  "%d:%d layer %d: prunetest.nm_mask differs from ASP" % (n, m, i))
        print("%d:%d: %d weights; OK" % (n, m, len(weights)))


prunetest.main_guard(run)
