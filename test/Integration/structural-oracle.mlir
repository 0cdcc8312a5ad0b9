// Exactness oracle for structural pruning: removing hidden units / filters
// must compute exactly what the original model computes with the consumer
// weights of the removed indices zeroed (mode=zero). Both run through the JIT.
//
// RUN: cat %S/Inputs/mlp-small.mlir %S/Inputs/mlp-main.mlir > %t.mlp.mlir
// RUN: prune-opt %t.mlp.mlir --prune-neurons="ratio=0.5" | mlir-opt --sparsifier \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils | grep -v base@ > %t.mlp.removed
// RUN: prune-opt %t.mlp.mlir --prune-neurons="ratio=0.5 mode=zero" | mlir-opt --sparsifier \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils | grep -v base@ > %t.mlp.zeroed
// RUN: mlir-opt %t.mlp.mlir --sparsifier \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils | grep -v base@ > %t.mlp.dense
// RUN: diff %t.mlp.removed %t.mlp.zeroed
// RUN: not diff %t.mlp.removed %t.mlp.dense > /dev/null
// RUN: FileCheck %s --check-prefix=MLP < %t.mlp.removed
// MLP: {{\[\[}}5.2, 10.4]]
//
// RUN: cat %S/Inputs/cnn-small.mlir %S/Inputs/cnn-main.mlir > %t.cnn.mlir
// RUN: prune-opt %t.cnn.mlir --prune-filters="ratio=0.5" | mlir-opt --sparsifier \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils | grep -v base@ > %t.cnn.removed
// RUN: prune-opt %t.cnn.mlir --prune-filters="ratio=0.5 mode=zero" | mlir-opt --sparsifier \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils | grep -v base@ > %t.cnn.zeroed
// RUN: mlir-opt %t.cnn.mlir --sparsifier \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils | grep -v base@ > %t.cnn.dense
// RUN: diff %t.cnn.removed %t.cnn.zeroed
// RUN: not diff %t.cnn.removed %t.cnn.dense > /dev/null
// RUN: FileCheck %s --check-prefix=CNN < %t.cnn.removed
// CNN: {{\[\[\[\[}}
