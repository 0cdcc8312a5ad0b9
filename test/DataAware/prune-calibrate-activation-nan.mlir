// An activation that becomes Inf while running is reported at the op that
// reads it.
//
// REQUIRES: numpy
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.full((2, 2), 1e30, np.float32))"
// RUN: prune-opt %s --pass-pipeline='builtin.module(prune-calibrate{inputs=%t.npy})' -verify-diagnostics

func.func @forward(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %sq = linalg.mul ins(%x, %x : tensor<2x2xf32>, tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  // expected-error @below {{prune-calibrate: on batch 0, the activation holds Inf at index [0, 0] that this op reads}}
  %y = linalg.matmul ins(%sq, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
