// prune-gradient-importance: Taylor |g * w| and Fisher 0.5 * F * w^2 from an
// .npz written by numpy.savez, matched by the constant's NameLoc; then
// prune-unstructured ranks by them.
//
// REQUIRES: numpy
// RUN: %python -c "import numpy as np; np.savez('%t-g.npz', **{'fc.weight': np.array([[1, 0.1], [0.1, 4]], np.float32)}); np.savez('%t-f.npz', **{'fc.weight': np.ones((2, 2))})"
// RUN: prune-opt %s --pass-pipeline='builtin.module(prune-gradient-importance{gradients=%t-g.npz metric=taylor})' | FileCheck %s --check-prefix=ATTACH
// RUN: prune-opt %s --pass-pipeline='builtin.module(prune-gradient-importance{gradients=%t-g.npz metric=taylor}, prune-unstructured{metric=taylor ratio=0.5})' | FileCheck %s --check-prefix=TAYLOR
// RUN: prune-opt %s --pass-pipeline='builtin.module(prune-gradient-importance{gradients=%t-f.npz metric=fisher}, prune-unstructured{metric=fisher ratio=0.5})' | FileCheck %s --check-prefix=FISHER

// |g * w| = [[1, 0.2], [0.3, 2]] as f32 after the alignment word.
// ATTACH-LABEL: func.func @forward
// ATTACH: prune.importance = #prune.importance<metric = taylor, granularity = weight, scores = dense_resource<fc.weight_taylor> : tensor<2x2xf32>>
// ATTACH: fc.weight_taylor: "0x080000000000803FCDCC4C3E9A99993E00000040"

// TAYLOR-LABEL: func.func @forward
// TAYLOR: dense<{{\[}}[1.000000e+00, 0.000000e+00], [0.000000e+00, 5.000000e-01]]>
// 0.5 * w^2 = [[0.5, 2], [4.5, 0.125]]
// FISHER-LABEL: func.func @forward
// FISHER: dense<{{\[}}[0.000000e+00, -2.000000e+00], [3.000000e+00, 0.000000e+00]]>
func.func @forward(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, -2.0], [3.0, 0.5]]> : tensor<2x2xf32> loc("fc.weight")
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
