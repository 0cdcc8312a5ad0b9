// prune-reconstruct refits the kept weights from a (hand-written) calibration
// record. W0 = [[1, 1]], H = [[2, 1], [1, 2]], w[1] pruned, damp=0:
// w[0] = (H w0)[0] / H[0][0] = 3 / 2.
//
// RUN: prune-opt %s -split-input-file --pass-pipeline='builtin.module(prune-reconstruct{damp=0.0})' -verify-diagnostics | FileCheck %s
// RUN: prune-opt %s -split-input-file --pass-pipeline='builtin.module(prune-reconstruct{method=obs damp=0.0})' -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @refit
// CHECK: dense<{{\[}}[1.500000e+00, 0.000000e+00]]> : tensor<1x2xf32>
func.func @refit(%x: tensor<4x2xf32>) -> tensor<4x1xf32> {
  %w = arith.constant {prune.calibration = {dim = 1 : i64, samples = 4 : i64,
      gram = dense<[[2.0, 1.0], [1.0, 2.0]]> : tensor<2x2xf64>,
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

// A weight without a record is left alone with a remark.
// CHECK-LABEL: func.func @uncalibrated
// CHECK: dense<{{\[}}[1.000000e+00, 0.000000e+00]]>
func.func @uncalibrated(%x: tensor<4x2xf32>) -> tensor<4x1xf32> {
  // expected-remark @below {{weight 'weight0' not reconstructed: no calibration data (run prune-calibrate first)}}
  %w = arith.constant dense<[[1.0, 0.0]]> : tensor<1x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x1xf32>
  %wt = linalg.transpose ins(%w : tensor<1x2xf32>) outs(%e : tensor<2x1xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<4x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<4x1xf32>) -> tensor<4x1xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f : tensor<4x1xf32>) -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}
