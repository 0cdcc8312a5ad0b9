// prune-calibrate{metric=activation} on attention heads: a head reader
// whose input Gram matrix is zero (the value projection is all zero, so
// every head outputs zero) cannot rank its heads: a located error, and the
// module is left untouched; without a Gram matrix (gram=false) it attaches
// no head scores, with a remark, and prune-heads{metric=activation} then
// refuses with its own located error.
//
// REQUIRES: numpy
// RUN: split-file %s %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.random.default_rng(0).normal(size=(8, 4)).astype(np.float32))"
// RUN: prune-opt %t/zero.mlir --pass-pipeline='builtin.module(prune-calibrate{inputs=%t/x.npy metric=activation})' -verify-diagnostics
// RUN: prune-opt %t/nogram.mlir --pass-pipeline='builtin.module(prune-calibrate{inputs=%t/x.npy metric=activation gram=false})' -verify-diagnostics
// RUN: not prune-opt %t/nogram.mlir --pass-pipeline='builtin.module(prune-calibrate{inputs=%t/x.npy metric=activation gram=false}, prune-heads{ratio=0.5 metric=activation})' 2>&1 | FileCheck %s --check-prefix=HEADS
// HEADS: error: no attached activation head-granularity #prune.importance for the heads of weight

//--- zero.mlir
func.func @forward(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %wq = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.5, 0.0], [0.0, 0.0, 0.0, 0.5]]> : tensor<4x4xf32>
  %wk = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.5, 0.0], [0.0, 0.0, 0.0, 0.5]]> : tensor<4x4xf32>
  %wv = arith.constant dense<0.0> : tensor<4x4xf32>
  // expected-error @below {{prune-calibrate: cannot score the heads that 'weight3' reads: the Gram matrix of its input is zero, singular or not finite}}
  %wo = arith.constant dense<[[1.0, 2.0, 0.1, 0.1], [3.0, 4.0, 0.1, 0.1], [5.0, 6.0, 0.1, 0.1], [7.0, 8.0, 0.1, 0.1]]> : tensor<4x4xf32>
  %z = arith.constant 0.0 : f32
  %e44 = tensor.empty() : tensor<4x4xf32>
  %f44 = linalg.fill ins(%z : f32) outs(%e44 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %tq = linalg.transpose ins(%wq : tensor<4x4xf32>) outs(%e44 : tensor<4x4xf32>) permutation = [1, 0]
  %tk = linalg.transpose ins(%wk : tensor<4x4xf32>) outs(%e44 : tensor<4x4xf32>) permutation = [1, 0]
  %tv = linalg.transpose ins(%wv : tensor<4x4xf32>) outs(%e44 : tensor<4x4xf32>) permutation = [1, 0]
  %q = linalg.matmul ins(%x, %tq : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f44 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %k = linalg.matmul ins(%x, %tk : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f44 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %v = linalg.matmul ins(%x, %tv : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f44 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %q3 = tensor.expand_shape %q [[0], [1, 2]] output_shape [4, 2, 2] : tensor<4x4xf32> into tensor<4x2x2xf32>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [4, 2, 2] : tensor<4x4xf32> into tensor<4x2x2xf32>
  %v3 = tensor.expand_shape %v [[0], [1, 2]] output_shape [4, 2, 2] : tensor<4x4xf32> into tensor<4x2x2xf32>
  %e242 = tensor.empty() : tensor<2x4x2xf32>
  %e224 = tensor.empty() : tensor<2x2x4xf32>
  %qh = linalg.transpose ins(%q3 : tensor<4x2x2xf32>) outs(%e242 : tensor<2x4x2xf32>) permutation = [1, 0, 2]
  %kh = linalg.transpose ins(%k3 : tensor<4x2x2xf32>) outs(%e224 : tensor<2x2x4xf32>) permutation = [1, 2, 0]
  %vh = linalg.transpose ins(%v3 : tensor<4x2x2xf32>) outs(%e242 : tensor<2x4x2xf32>) permutation = [1, 0, 2]
  %e244 = tensor.empty() : tensor<2x4x4xf32>
  %f244 = linalg.fill ins(%z : f32) outs(%e244 : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%qh, %kh : tensor<2x4x2xf32>, tensor<2x2x4xf32>) outs(%f244 : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %f242 = linalg.fill ins(%z : f32) outs(%e242 : tensor<2x4x2xf32>) -> tensor<2x4x2xf32>
  %o = linalg.batch_matmul ins(%s, %vh : tensor<2x4x4xf32>, tensor<2x4x2xf32>) outs(%f242 : tensor<2x4x2xf32>) -> tensor<2x4x2xf32>
  %e422 = tensor.empty() : tensor<4x2x2xf32>
  %ot = linalg.transpose ins(%o : tensor<2x4x2xf32>) outs(%e422 : tensor<4x2x2xf32>) permutation = [1, 0, 2]
  %oc = tensor.collapse_shape %ot [[0], [1, 2]] : tensor<4x2x2xf32> into tensor<4x4xf32>
  %to = linalg.transpose ins(%wo : tensor<4x4xf32>) outs(%e44 : tensor<4x4xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%oc, %to : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f44 : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}

//--- nogram.mlir
func.func @forward(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %wq = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.5, 0.0], [0.0, 0.0, 0.0, 0.5]]> : tensor<4x4xf32>
  %wk = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.5, 0.0], [0.0, 0.0, 0.0, 0.5]]> : tensor<4x4xf32>
  %wv = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.5, 0.0], [0.0, 0.0, 0.0, 0.5]]> : tensor<4x4xf32>
  // expected-remark @below {{weight 'weight3' reads attention heads, but no Gram matrix of its input was recorded (gram=false or over max-gram-dim): no head scores}}
  %wo = arith.constant dense<[[1.0, 2.0, 0.1, 0.1], [3.0, 4.0, 0.1, 0.1], [5.0, 6.0, 0.1, 0.1], [7.0, 8.0, 0.1, 0.1]]> : tensor<4x4xf32>
  %z = arith.constant 0.0 : f32
  %e44 = tensor.empty() : tensor<4x4xf32>
  %f44 = linalg.fill ins(%z : f32) outs(%e44 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %tq = linalg.transpose ins(%wq : tensor<4x4xf32>) outs(%e44 : tensor<4x4xf32>) permutation = [1, 0]
  %tk = linalg.transpose ins(%wk : tensor<4x4xf32>) outs(%e44 : tensor<4x4xf32>) permutation = [1, 0]
  %tv = linalg.transpose ins(%wv : tensor<4x4xf32>) outs(%e44 : tensor<4x4xf32>) permutation = [1, 0]
  %q = linalg.matmul ins(%x, %tq : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f44 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %k = linalg.matmul ins(%x, %tk : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f44 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %v = linalg.matmul ins(%x, %tv : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f44 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %q3 = tensor.expand_shape %q [[0], [1, 2]] output_shape [4, 2, 2] : tensor<4x4xf32> into tensor<4x2x2xf32>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [4, 2, 2] : tensor<4x4xf32> into tensor<4x2x2xf32>
  %v3 = tensor.expand_shape %v [[0], [1, 2]] output_shape [4, 2, 2] : tensor<4x4xf32> into tensor<4x2x2xf32>
  %e242 = tensor.empty() : tensor<2x4x2xf32>
  %e224 = tensor.empty() : tensor<2x2x4xf32>
  %qh = linalg.transpose ins(%q3 : tensor<4x2x2xf32>) outs(%e242 : tensor<2x4x2xf32>) permutation = [1, 0, 2]
  %kh = linalg.transpose ins(%k3 : tensor<4x2x2xf32>) outs(%e224 : tensor<2x2x4xf32>) permutation = [1, 2, 0]
  %vh = linalg.transpose ins(%v3 : tensor<4x2x2xf32>) outs(%e242 : tensor<2x4x2xf32>) permutation = [1, 0, 2]
  %e244 = tensor.empty() : tensor<2x4x4xf32>
  %f244 = linalg.fill ins(%z : f32) outs(%e244 : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%qh, %kh : tensor<2x4x2xf32>, tensor<2x2x4xf32>) outs(%f244 : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %f242 = linalg.fill ins(%z : f32) outs(%e242 : tensor<2x4x2xf32>) -> tensor<2x4x2xf32>
  %o = linalg.batch_matmul ins(%s, %vh : tensor<2x4x4xf32>, tensor<2x4x2xf32>) outs(%f242 : tensor<2x4x2xf32>) -> tensor<2x4x2xf32>
  %e422 = tensor.empty() : tensor<4x2x2xf32>
  %ot = linalg.transpose ins(%o : tensor<2x4x2xf32>) outs(%e422 : tensor<4x2x2xf32>) permutation = [1, 0, 2]
  %oc = tensor.collapse_shape %ot [[0], [1, 2]] : tensor<4x2x2xf32> into tensor<4x4xf32>
  %to = linalg.transpose ins(%wo : tensor<4x4xf32>) outs(%e44 : tensor<4x4xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%oc, %to : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f44 : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}
