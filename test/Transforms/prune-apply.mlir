// RUN: prune-opt %s -split-input-file --prune-apply | FileCheck %s

// A 2:4 request on the consumer of a PyTorch Linear: groups run along the
// reduction dim; the request is replaced by the achieved pattern, recorded
// in operand coordinates on the matmul (dim 0) and in constant coordinates
// on the weight (dim 1).

// CHECK-LABEL: func.func @nm_on_consumer
// CHECK:       %[[W:.*]] = arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>} dense<{{\[\[}}0.000000e+00, 0.000000e+00, 3.000000e+00, -4.000000e+00, 0.000000e+00, 0.000000e+00, 7.000000e+00, -8.000000e+00], [0.000000e+00, 0.000000e+00, -7.500000e-01, 8.000000e+00, -1.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x8xf32>
// CHECK:       %[[T:.*]] = linalg.transpose ins(%[[W]]
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>} ins(%{{.*}}, %[[T]] :
func.func @nm_on_consumer(%x: tensor<4x8xf32>, %o: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, -2.0, 3.0, -4.0, 5.0, -6.0, 7.0, -8.0], [0.5, 0.25, -0.75, 8.0, -1.0, 1.0, -1.0, 1.0]]> : tensor<2x8xf32>
  %e = tensor.empty() : tensor<8x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x8xf32>) outs(%e : tensor<8x2xf32>) permutation = [1, 0]
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4>} ins(%x, %t : tensor<4x8xf32>, tensor<8x2xf32>) outs(%o : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// A dim on the consumer is in operand coordinates: dim 1 of the transposed
// operand is dim 0 of the [out, in] constant, so the groups run down the
// constant's columns.

// CHECK-LABEL: func.func @nm_consumer_dim
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5>} dense<{{\[\[}}2.000000e+00, 8.750000e-01, 1.750000e+00, 0.000000e+00], [-1.500000e+00, -1.375000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 1.875000e+00, -1.625000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 1.250000e+00]]> : tensor<4x4xf32>
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5, operand = 1>}
func.func @nm_consumer_dim(%x: tensor<1x4xf32>, %o: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<[[2.0, 0.875, 1.75, -0.75], [-1.5, -1.375, -0.25, -1.0], [-0.375, -0.5, 1.875, -1.625], [0.125, -0.625, -1.125, 1.25]]> : tensor<4x4xf32>
  %e = tensor.empty() : tensor<4x4xf32>
  %t = linalg.transpose ins(%w : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) permutation = [1, 0]
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, operand = 1>} ins(%x, %t : tensor<1x4xf32>, tensor<4x4xf32>) outs(%o : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// A request on the constant itself; round(0.25 * 8) = 2 go.

// CHECK-LABEL: func.func @unstructured_on_constant
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.25>} dense<{{\[\[}}1.000000e+00, -2.000000e+00, 3.000000e+00, -4.000000e+00], [5.000000e-01, 0.000000e+00, 0.000000e+00, 8.000000e+00]]> : tensor<2x4xf32>
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.25, operand = 1>}
func.func @unstructured_on_constant(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.25>} dense<[[1.0, -2.0, 3.0, -4.0], [0.5, 0.25, -0.125, 8.0]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Attached weight-granularity scores override magnitude: they rank the
// first two of every group highest, though they are the smallest.

// CHECK-LABEL: func.func @attached_weight_scores
// CHECK:       arith.constant {prune.importance = #prune.importance<{{.*}}>, prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>} dense<{{\[\[}}1.250000e-01, 2.500000e-01, 0.000000e+00, 0.000000e+00], [6.250000e-01, 7.500000e-01, 0.000000e+00, 0.000000e+00]]> : tensor<2x4xf32>
func.func @attached_weight_scores(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {prune.importance = #prune.importance<metric = taylor, granularity = weight, scores = dense<[[8.0, 7.0, 6.0, 5.0], [4.0, 3.0, 2.0, 1.0]]> : tensor<2x4xf32>>} dense<[[0.125, 0.25, 0.375, 0.5], [0.625, 0.75, 0.875, 1.0]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4>} ins(%x, %t : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Attached block scores [5, 1] override the norms (2 and 18): block 1 goes.

// CHECK-LABEL: func.func @attached_block_scores
// CHECK:       arith.constant {prune.importance = #prune.importance<{{.*}}>, prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5>} dense<{{\[\[}}1.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00], [1.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x4xf32>
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5, operand = 1>}
func.func @attached_block_scores(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {prune.importance = #prune.importance<metric = external, granularity = block, block = [2, 2], scores = dense<[[5.0, 1.0]]> : tensor<1x2xf32>>, prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5>} dense<[[1.0, 1.0, 9.0, 9.0], [1.0, 1.0, 9.0, 9.0]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Both matmul inputs are constants: 'operand = 0' picks the left one,
// whose reduction dim is its dim 1. The right one is not touched.

// CHECK-LABEL: func.func @operand_select
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>} dense<{{\[\[}}0.000000e+00, -5.000000e-01, 0.000000e+00, 1.000000e+00], [0.000000e+00, 8.750000e-01, 0.000000e+00, -7.500000e-01]]> : tensor<2x4xf32>
// CHECK:       arith.constant dense<1.000000e+00> : tensor<4x2xf32>
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5, operand = 0>}
func.func @operand_select(%o: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %a = arith.constant dense<[[0.25, -0.5, -0.375, 1.0], [-0.125, 0.875, -0.625, -0.75]]> : tensor<2x4xf32>
  %b = arith.constant dense<1.0> : tensor<4x2xf32>
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, operand = 0>} ins(%a, %b : tensor<2x4xf32>, tensor<4x2xf32>) outs(%o : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// Without requests, nothing changes (and no weights is no error here).

// CHECK-LABEL: func.func @no_requests
// CHECK:       arith.constant dense<1.000000e+00> : tensor<4x2xf32>
// CHECK:       linalg.matmul ins
func.func @no_requests(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<1.0> : tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
