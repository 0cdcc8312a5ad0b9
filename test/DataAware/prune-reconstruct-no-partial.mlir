// prune-reconstruct leaves the module untouched when any weight fails: the
// first weight here could be refitted (to 1.5, see prune-reconstruct.mlir),
// the second has a singular Gram matrix without damping. The IR after the
// failure still holds the first weight's original values; the same for
// method=sparsegpt, whose factorisation of the full Gram matrix fails.
//
// RUN: not prune-opt %s --pass-pipeline='builtin.module(prune-reconstruct{damp=0.0})' --mlir-print-ir-after-failure 2>&1 | FileCheck %s
// RUN: not prune-opt %s --pass-pipeline='builtin.module(prune-reconstruct{method=sparsegpt damp=0.0})' --mlir-print-ir-after-failure 2>&1 | FileCheck %s --check-prefix=SGPT

// CHECK: error: prune-reconstruct: the damped Gram matrix of 'weight1' restricted to the inputs row 0 keeps is singular
// CHECK: IR Dump After PruneReconstruct Failed
// CHECK: dense<{{\[}}[1.000000e+00, 0.000000e+00]]> : tensor<1x2xf32>
// CHECK: dense<{{\[}}[1.000000e+00, 1.000000e+00, 0.000000e+00]]> : tensor<1x3xf32>
// SGPT: error: prune-reconstruct: the damped Gram matrix of 'weight1' is singular with damp=0.000000e+00; increase damp
// SGPT: IR Dump After PruneReconstruct Failed
// SGPT: dense<{{\[}}[1.000000e+00, 0.000000e+00]]> : tensor<1x2xf32>
// SGPT: dense<{{\[}}[1.000000e+00, 1.000000e+00, 0.000000e+00]]> : tensor<1x3xf32>

func.func @two(%x: tensor<4x2xf32>, %x3: tensor<4x3xf32>) -> (tensor<4x1xf32>, tensor<4x1xf32>) {
  %w = arith.constant {prune.calibration = {dim = 1 : i64, samples = 4 : i64,
      gram = dense<[[2.0, 1.0], [1.0, 2.0]]> : tensor<2x2xf64>,
      dense = dense<[[1.0, 1.0]]> : tensor<1x2xf32>},
      prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<[[1.0, 0.0]]> : tensor<1x2xf32>
  %w2 = arith.constant {prune.calibration = {dim = 1 : i64, samples = 4 : i64,
      gram = dense<[[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 2.0]]> : tensor<3x3xf64>,
      dense = dense<[[1.0, 1.0, 1.0]]> : tensor<1x3xf32>},
      prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.33>} dense<[[1.0, 1.0, 0.0]]> : tensor<1x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x1xf32>
  %wt = linalg.transpose ins(%w : tensor<1x2xf32>) outs(%e : tensor<2x1xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<4x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<4x1xf32>) -> tensor<4x1xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f : tensor<4x1xf32>) -> tensor<4x1xf32>
  %e2 = tensor.empty() : tensor<3x1xf32>
  %wt2 = linalg.transpose ins(%w2 : tensor<1x3xf32>) outs(%e2 : tensor<3x1xf32>) permutation = [1, 0]
  %y2 = linalg.matmul ins(%x3, %wt2 : tensor<4x3xf32>, tensor<3x1xf32>) outs(%f : tensor<4x1xf32>) -> tensor<4x1xf32>
  return %y, %y2 : tensor<4x1xf32>, tensor<4x1xf32>
}
