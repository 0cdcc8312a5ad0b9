// prune-reconstruct: singular or zero Gram matrices are located errors and
// the weight is left as it was.
//
// RUN: prune-opt %s -split-input-file --pass-pipeline='builtin.module(prune-reconstruct{damp=0.0})' -verify-diagnostics
// RUN: not prune-opt %s -split-input-file --pass-pipeline='builtin.module(prune-reconstruct{damp=0.01})' 2>&1 | FileCheck %s --check-prefix=DAMPED
// RUN: not prune-opt %s -split-input-file --pass-pipeline='builtin.module(prune-reconstruct{method=magic})' 2>&1 | FileCheck %s --check-prefix=METHOD
// METHOD: error: prune-reconstruct: unknown method 'magic' (lsq, obs or sparsegpt)

// Inputs 0 and 1 always equal (X = [a, a, a + b]): the kept block
// [[1, 1], [1, 1]] is singular without damping; with damp=0.01 the refit
// splits the pruned input's weight between them: with
// lambda = 0.01 * mean(diag) = 0.01333, w = 3.01333 / 2.01333 = 1.49669.
// DAMPED-LABEL: func.func @singular
// DAMPED: dense<{{\[}}[1.4966{{[0-9]+}}, 1.4966{{[0-9]+}}, 0.000000e+00]]>
func.func @singular(%x: tensor<4x3xf32>) -> tensor<4x1xf32> {
  // expected-error @below {{prune-reconstruct: the damped Gram matrix of 'weight0' restricted to the inputs row 0 keeps is singular with damp=0.000000e+00; increase damp}}
  %w = arith.constant {prune.calibration = {dim = 1 : i64, samples = 4 : i64,
      gram = dense<[[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 2.0]]> : tensor<3x3xf64>,
      dense = dense<[[1.0, 1.0, 1.0]]> : tensor<1x3xf32>}} dense<[[1.0, 1.0, 0.0]]> : tensor<1x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x1xf32>
  %wt = linalg.transpose ins(%w : tensor<1x3xf32>) outs(%e : tensor<3x1xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<4x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<4x1xf32>) -> tensor<4x1xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<4x3xf32>, tensor<3x1xf32>) outs(%f : tensor<4x1xf32>) -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// -----

func.func @zero(%x: tensor<4x2xf32>) -> tensor<4x1xf32> {
  // expected-error @below {{prune-reconstruct: the Gram matrix of 'weight0' is zero or not finite: its inputs were all zero (or overflowed) on the calibration data}}
  %w = arith.constant {prune.calibration = {dim = 1 : i64, samples = 4 : i64,
      gram = dense<0.0> : tensor<2x2xf64>,
      dense = dense<[[1.0, 1.0]]> : tensor<1x2xf32>}} dense<[[1.0, 0.0]]> : tensor<1x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x1xf32>
  %wt = linalg.transpose ins(%w : tensor<1x2xf32>) outs(%e : tensor<2x1xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<4x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<4x1xf32>) -> tensor<4x1xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f : tensor<4x1xf32>) -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// -----

func.func @nan(%x: tensor<4x2xf32>) -> tensor<4x1xf32> {
  // expected-error @below {{prune-reconstruct: the Gram matrix of 'weight0' is zero or not finite}}
  %w = arith.constant {prune.calibration = {dim = 1 : i64, samples = 4 : i64,
      gram = dense<[[1.0, 0x7FF8000000000000], [0x7FF8000000000000, 1.0]]> : tensor<2x2xf64>,
      dense = dense<[[1.0, 1.0]]> : tensor<1x2xf32>}} dense<[[1.0, 0.0]]> : tensor<1x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x1xf32>
  %wt = linalg.transpose ins(%w : tensor<1x2xf32>) outs(%e : tensor<2x1xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<4x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<4x1xf32>) -> tensor<4x1xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f : tensor<4x1xf32>) -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}
