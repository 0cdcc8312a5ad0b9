// RUN: prune-opt %s -split-input-file --prune-tosa-layouts | FileCheck %s

// A batch-1 batch_matmul with a constant weight becomes a matmul on the
// [K, N] weight (same data, same resource key) between reshapes.
// CHECK-LABEL: func.func @batch_matmul
// CHECK-SAME:    (%[[X:.*]]: tensor<1x3x4xf32>, %[[O:.*]]: tensor<1x3x2xf32>)
// CHECK-DAG:     %[[W:.*]] = arith.constant dense_resource<fc> : tensor<4x2xf32>
// CHECK-DAG:     %[[XC:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<1x3x4xf32> into tensor<3x4xf32>
// CHECK-DAG:     %[[OC:.*]] = tensor.collapse_shape %[[O]] {{\[\[}}0, 1], [2]] : tensor<1x3x2xf32> into tensor<3x2xf32>
// CHECK:         %[[M:.*]] = linalg.matmul ins(%[[XC]], %[[W]] : tensor<3x4xf32>, tensor<4x2xf32>) outs(%[[OC]] : tensor<3x2xf32>)
// CHECK:         %[[E:.*]] = tensor.expand_shape %[[M]] {{\[\[}}0, 1], [2]] output_shape [1, 3, 2] : tensor<3x2xf32> into tensor<1x3x2xf32>
// CHECK:         return %[[E]]
// CHECK:         fc: "0x{{0[48]}}00000000000000000080BF0000803F0000004000004040000080400000A0400000C040"
func.func @batch_matmul(%x: tensor<1x3x4xf32>, %o: tensor<1x3x2xf32>) -> tensor<1x3x2xf32> {
  %w = arith.constant dense_resource<fc> : tensor<1x4x2xf32>
  %y = linalg.batch_matmul ins(%x, %w : tensor<1x3x4xf32>, tensor<1x4x2xf32>) outs(%o : tensor<1x3x2xf32>) -> tensor<1x3x2xf32>
  return %y : tensor<1x3x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      fc: "0x0400000000000000000080BF0000803F0000004000004040000080400000A0400000C040"
    }
  }
#-}

// -----

// An OHWI filter [F=2, KH=1, KW=2, C=2] becomes HWCF [1, 2, 2, 2]:
// hwcf[0][kw][c][f] = ohwi[f][0][kw][c].
// CHECK-LABEL: func.func @conv
// CHECK:         %[[F:.*]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00, 5.000000e+00], [2.000000e+00, 6.000000e+00]], {{\[\[}}3.000000e+00, 7.000000e+00], [4.000000e+00, 8.000000e+00]]]]> : tensor<1x2x2x2xf32>
// CHECK:         linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>} ins(%{{.*}}, %[[F]] : tensor<1x3x4x2xf32>, tensor<1x2x2x2xf32>) outs(%{{.*}} : tensor<1x3x2x2xf32>)
// CHECK-NOT:     conv_2d_nhwc_fhwc
func.func @conv(%x: tensor<1x3x4x2xf32>, %o: tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> {
  %f = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[5.0, 6.0], [7.0, 8.0]]]]> : tensor<2x1x2x2xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>} ins(%x, %f : tensor<1x3x4x2xf32>, tensor<2x1x2x2xf32>) outs(%o : tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32>
  return %y : tensor<1x3x2x2xf32>
}

// -----

// Left alone: a batch of 2, a weight something else also reads, and an op
// already pruned (its prune.sparsity dims are in the old layout).
// CHECK-LABEL: func.func @left_alone
// CHECK:         linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<2x3x4xf32>, tensor<2x4x2xf32>)
// CHECK:         linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<1x3x4xf32>, tensor<1x4x2xf32>)
// CHECK:         linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, prune.sparsity
// CHECK-NOT:     linalg.matmul
func.func @left_alone(%x2: tensor<2x3x4xf32>, %o2: tensor<2x3x2xf32>, %x: tensor<1x3x4xf32>, %o: tensor<1x3x2xf32>,
                      %xc: tensor<1x3x4x4xf32>, %oc: tensor<1x3x3x2xf32>) -> (tensor<2x3x2xf32>, tensor<1x3x2xf32>, tensor<1x4x2xf32>, tensor<1x3x3x2xf32>) {
  %w2 = arith.constant dense<1.0> : tensor<2x4x2xf32>
  %y2 = linalg.batch_matmul ins(%x2, %w2 : tensor<2x3x4xf32>, tensor<2x4x2xf32>) outs(%o2 : tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  %w = arith.constant dense<2.0> : tensor<1x4x2xf32>
  %y = linalg.batch_matmul ins(%x, %w : tensor<1x3x4xf32>, tensor<1x4x2xf32>) outs(%o : tensor<1x3x2xf32>) -> tensor<1x3x2xf32>
  %f = arith.constant dense<[[[[1.0, 0.0, 0.0, 2.0], [1.0, 0.0, 0.0, 2.0]]], [[[0.0, 3.0, 4.0, 0.0], [0.0, 3.0, 4.0, 0.0]]]]> : tensor<2x1x2x4xf32>
  %yc = linalg.conv_2d_nhwc_fhwc {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 3, operand = 1>, dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xc, %f : tensor<1x3x4x4xf32>, tensor<2x1x2x4xf32>) outs(%oc : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  return %y2, %y, %w, %yc : tensor<2x3x2xf32>, tensor<1x3x2xf32>, tensor<1x4x2xf32>, tensor<1x3x3x2xf32>
}
