// RUN: prune-opt %s -split-input-file --prune-importance | FileCheck %s
// RUN: prune-opt %s -split-input-file --prune-importance="metric=l2" | FileCheck %s --check-prefix=L2
// RUN: prune-opt %s -split-input-file --prune-importance="granularity=channel" | FileCheck %s --check-prefix=CH
// RUN: prune-opt %s -split-input-file --prune-importance="granularity=channel metric=l2" | FileCheck %s --check-prefix=CH2
// RUN: prune-opt %s -split-input-file --prune-importance="granularity=block block=2,2" -verify-diagnostics | FileCheck %s --check-prefix=BLK
// RUN: prune-opt %s -split-input-file --prune-importance="granularity=head heads=2 metric=l2" | FileCheck %s --check-prefix=HEAD
// RUN: prune-opt %s -split-input-file --prune-importance="granularity=layer" | FileCheck %s --check-prefix=LAYER
// RUN: prune-opt %s -split-input-file --prune-importance="resource-threshold=4" | FileCheck %s --check-prefix=RES

// A PyTorch Linear [out = 2, in = 4]. weight: |w| or w^2 per element;
// channel: one score per output row (dim 0), l1 sum or l2 norm; block: one
// per 2x2 tile (l1 sum); head: 2 heads of one row each; layer: one score.

// CHECK-LABEL: func.func @linear
// CHECK:       arith.constant {prune.importance = #prune.importance<metric = l1, granularity = weight, scores = dense<{{\[\[}}3.000000e+00, 4.000000e+00, 0.000000e+00, 0.000000e+00], [1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00]]> : tensor<2x4xf32>>} dense<{{\[\[}}3.000000e+00, -4.000000e+00, 0.000000e+00, 0.000000e+00], [1.000000e+00, -1.000000e+00, 1.000000e+00, -1.000000e+00]]> : tensor<2x4xf32>
// CHECK:       linalg.matmul ins

// L2-LABEL: func.func @linear
// L2:       prune.importance = #prune.importance<metric = l2, granularity = weight, scores = dense<{{\[\[}}9.000000e+00, 1.600000e+01, 0.000000e+00, 0.000000e+00], [1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00]]> : tensor<2x4xf32>>

// CH-LABEL: func.func @linear
// CH:       prune.importance = #prune.importance<metric = l1, granularity = channel, dim = 0, scores = dense<[7.000000e+00, 4.000000e+00]> : tensor<2xf32>>

// CH2-LABEL: func.func @linear
// CH2:       prune.importance = #prune.importance<metric = l2, granularity = channel, dim = 0, scores = dense<[5.000000e+00, 2.000000e+00]> : tensor<2xf32>>

// BLK-LABEL: func.func @linear
// BLK:       prune.importance = #prune.importance<metric = l1, granularity = block, block = [2, 2], scores = dense<{{\[\[}}9.000000e+00, 2.000000e+00]]> : tensor<1x2xf32>>

// HEAD-LABEL: func.func @linear
// HEAD:       prune.importance = #prune.importance<metric = l2, granularity = head, dim = 0, heads = 2, scores = dense<[5.000000e+00, 2.000000e+00]> : tensor<2xf32>>

// LAYER-LABEL: func.func @linear
// LAYER:       prune.importance = #prune.importance<metric = l1, granularity = layer, scores = dense<1.100000e+01> : tensor<1xf32>>

// Above resource-threshold elements, scores are a dense_resource named
// after the weight.
// RES-LABEL: func.func @linear
// RES:       prune.importance = #prune.importance<metric = l1, granularity = weight, scores = dense_resource<weight0.importance> : tensor<2x4xf32>>
// RES:       weight0.importance: "0x04000000000040400000804000000000000000000000803F0000803F0000803F0000803F"
func.func @linear(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[3.0, -4.0, 0.0, 0.0], [1.0, -1.0, 1.0, -1.0]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// The weight as the matmul's right-hand side [K = 4, N = 2]: channels and
// heads run along dim 1.

// CH-LABEL: func.func @matmul_rhs
// CH:       prune.importance = #prune.importance<metric = l1, granularity = channel, dim = 1, scores = dense<[4.000000e+00, 2.000000e+00]> : tensor<2xf32>>

// CH2-LABEL: func.func @matmul_rhs
// CH2:       prune.importance = #prune.importance<metric = l2, granularity = channel, dim = 1, scores = dense<2.000000e+00> : tensor<2xf32>>

// BLK-LABEL: func.func @matmul_rhs
// BLK:       prune.importance = #prune.importance<metric = l1, granularity = block, block = [2, 2], scores = dense<{{\[\[}}4.000000e+00, 2.000000e+00]]> : tensor<1x2xf32>>

// HEAD-LABEL: func.func @matmul_rhs
// HEAD:       prune.importance = #prune.importance<metric = l2, granularity = head, dim = 1, heads = 2, scores = dense<2.000000e+00> : tensor<2xf32>>
func.func @matmul_rhs(%x: tensor<3x4xf32>, %o: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [-1.0, 0.0], [1.0, 0.0], [-1.0, 0.0]]> : tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x2xf32>) outs(%o : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Two heads of two rows each in a [4, 4] Linear weight.

// HEAD-LABEL: func.func @heads
// HEAD:       prune.importance = #prune.importance<metric = l2, granularity = head, dim = 0, heads = 2, scores = dense<[5.000000e+00, 2.000000e+00]> : tensor<2xf32>>
func.func @heads(%x: tensor<1x4xf32>, %o: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<[[3.0, 4.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [1.0, 1.0, -1.0, 1.0], [0.0, 0.0, 0.0, 0.0]]> : tensor<4x4xf32>
  %e = tensor.empty() : tensor<4x4xf32>
  %t = linalg.transpose ins(%w : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x4xf32>, tensor<4x4xf32>) outs(%o : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// A convolution filter [F = 2, C = 2, 1, 2]: channels are filters (dim 0);
// blocks are scored per kernel position, so block scores are
// [positions, F / 2, C / 2].

// CH-LABEL: func.func @conv
// CH:       prune.importance = #prune.importance<metric = l1, granularity = channel, dim = 0, scores = dense<[4.000000e+00, 7.000000e+00]> : tensor<2xf32>>

// CH2-LABEL: func.func @conv
// CH2:       prune.importance = #prune.importance<metric = l2, granularity = channel, dim = 0, scores = dense<[2.000000e+00, 5.000000e+00]> : tensor<2xf32>>

// BLK-LABEL: func.func @conv
// BLK:       prune.importance = #prune.importance<metric = l1, granularity = block, block = [2, 2], scores = dense<{{\[\[\[}}6.000000e+00]], {{\[\[}}5.000000e+00]]]> : tensor<2x1x1xf32>>

// LAYER-LABEL: func.func @conv
// LAYER:       prune.importance = #prune.importance<metric = l1, granularity = layer, scores = dense<1.100000e+01> : tensor<1xf32>>
func.func @conv(%img: tensor<1x2x3x3xf32>, %o: tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32> {
  %f = arith.constant dense<[[[[1.0, -1.0]], [[1.0, -1.0]]], [[[0.0, 3.0]], [[4.0, 0.0]]]]> : tensor<2x2x1x2xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%img, %f : tensor<1x2x3x3xf32>, tensor<2x2x1x2xf32>) outs(%o : tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32>
  return %y : tensor<1x2x3x2xf32>
}

// -----

// A view that does not tile into blocks: remark, no scores; the other
// weight is still scored.

// BLK-LABEL: func.func @no_tiling
// BLK:       arith.constant dense<1.000000e+00> : tensor<3x4xf32>
// BLK:       arith.constant {prune.importance = #prune.importance<metric = l1, granularity = block, block = [2, 2], scores = dense<4.000000e+00> : tensor<1x1xf32>>} dense<1.000000e+00> : tensor<2x2xf32>
func.func @no_tiling(%x: tensor<1x4xf32>, %o: tensor<1x3xf32>, %x2: tensor<1x2xf32>, %o2: tensor<1x2xf32>) -> (tensor<1x3xf32>, tensor<1x2xf32>) {
  // expected-remark @+1 {{weight 'weight0' not scored: its (output x reduction) view 3x4 does not tile into 2x2 blocks}}
  %w = arith.constant dense<1.0> : tensor<3x4xf32>
  %w2 = arith.constant dense<1.0> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<4x3xf32>
  %t = linalg.transpose ins(%w : tensor<3x4xf32>) outs(%e : tensor<4x3xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x4xf32>, tensor<4x3xf32>) outs(%o : tensor<1x3xf32>) -> tensor<1x3xf32>
  %y2 = linalg.matmul ins(%x2, %w2 : tensor<1x2xf32>, tensor<2x2xf32>) outs(%o2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y, %y2 : tensor<1x3xf32>, tensor<1x2xf32>
}

// -----

// A dense_resource weight: its scores (over the threshold) are a resource
// named after the weight's key.

// CHECK-LABEL: func.func @resource
// CHECK:       prune.importance = #prune.importance<metric = l1, granularity = weight, scores = dense<{{\[\[}}3.000000e+00, 4.000000e+00, 0.000000e+00, 0.000000e+00], [1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00]]> : tensor<2x4xf32>>} dense_resource<fc.weight> : tensor<2x4xf32>

// RES-LABEL: func.func @resource
// RES:       prune.importance = #prune.importance<metric = l1, granularity = weight, scores = dense_resource<fc.weight.importance> : tensor<2x4xf32>>} dense_resource<fc.weight> : tensor<2x4xf32>
// RES-DAG:   fc.weight: "0x0400000000004040000080C000000000000000000000803F000080BF0000803F000080BF"
// RES-DAG:   fc.weight.importance: "0x04000000000040400000804000000000000000000000803F0000803F0000803F0000803F"
func.func @resource(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense_resource<fc.weight> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      fc.weight: "0x0400000000004040000080C000000000000000000000803F000080BF0000803F000080BF"
    }
  }
#-}
