# Exactness oracle for structural pruning on the bundled examples: the model
# with whole neurons / filters / heads removed (JIT-run) must equal the
# original model with the consumer weights of the removed indices zeroed
# (mode=zero), computed independently by the numpy forward. Also checks that
# the removal really shrank the weights and that the zeroed slices are whole.
#
# RUN: %python %s --prune-opt prune-opt --mlir-opt mlir-opt --mlir-runner mlir-runner \
# RUN:   --shared-libs %mlir_c_runner_utils,%mlir_runner_utils | FileCheck %s
# REQUIRES: numpy
# CHECK: mlp --prune-neurons{{.*}} OK
# CHECK: cnn --prune-filters{{.*}} OK
# CHECK: transformer --prune-heads{{.*}} OK
# CHECK: transformer --prune-neurons{{.*}} OK
# CHECK: transformer --prune-layers{{.*}} OK
# CHECK: cnn --prune-layers{{.*}} OK
# CHECK: transformer unit=layer: identity; OK

import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import prunetest as pt


def num_params(text):
    """Elements of every f32 dense_resource constant the module uses."""
    return sum(int(np.prod(shape)) for shape, _ in pt.resource_constants(text).values())


def run(tools, model, pass_name, opts):
    text = pt.load_example(model)
    orig = pt.read_weights(text)
    x = pt.model_input(model)
    out_shape = pt.MODELS[model][2]
    flag = pt.pass_flag(pass_name, opts)
    removed_text = tools.prune(text, [flag])
    zero_flag = pt.pass_flag(pass_name, dict(opts, mode="zero"))
    zeroed = pt.read_weights(tools.prune(text, [zero_flag]))

    # The zeroed model differs from the original only by whole zeroed slices.
    changed = [k for k in orig if not np.array_equal(orig[k], zeroed[k])]
    pt.check(changed, "mode=zero changed no weight")
    for k in changed:
        z = zeroed[k] == 0
        pt.check(np.all(z | (zeroed[k] == orig[k])), "%s: mode=zero changed kept values" % k)

    before, after = num_params(text), num_params(removed_text)
    pt.check(after < before, "removal did not shrink the model (%d -> %d)" % (before, after))

    ref, _ = pt.forward(model, zeroed, x)
    got = pt.parse_memref_print(tools.jit(pt.add_main(removed_text, x, out_shape)), out_shape)
    scale = float(np.abs(ref).max())
    err = float(np.abs(got - ref).max())
    pt.check(err <= 2e-5 * scale + 1e-4 * float(np.abs(ref).max()),
             "removed model differs from the zeroed reference: max err %.3g (max|ref| %.3g)"
             % (err, scale))
    dense, _ = pt.forward(model, orig, x)
    pt.check(np.abs(dense - ref).max() > 1e-3 * scale, "pruning did not change the output")
    print("%s %s: parameters %d -> %d, zeroed weights %s, max err %.3g; OK"
          % (model, flag, before, after, ",".join(sorted(changed)), err))


def main():
    tools = pt.parse_args(sys.argv[1:])
    run(tools, "mlp", "prune-neurons", {"ratio": "0.5"})
    run(tools, "cnn", "prune-filters", {"ratio": "0.25"})
    run(tools, "transformer", "prune-heads", {"ratio": "0.5"})
    run(tools, "transformer", "prune-neurons", {"ratio": "0.5"})
    run(tools, "transformer", "prune-layers", {"count": "1"})
    run(tools, "cnn", "prune-layers", {"count": "1"})
    run_layer(tools)


def run_layer(tools):
    """unit=layer on the one-layer encoder leaves the identity."""
    text = pt.load_example("transformer")
    x = pt.model_input("transformer")
    pruned = tools.prune(text, [pt.pass_flag("prune-layers", {"unit": "layer"})])
    pt.check(num_params(pruned) == 0, "removing the only layer left weights behind")
    got = pt.parse_memref_print(tools.jit(pt.add_main(pruned, x, (8, 32))), (8, 32))
    pt.check(np.abs(got - x).max() < 1e-6, "removing the only layer is not the identity")
    print("transformer unit=layer: identity; OK")


pt.main_guard(main)
