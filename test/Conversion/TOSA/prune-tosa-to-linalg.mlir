// RUN: prune-opt %s -split-input-file --prune-tosa-to-linalg | FileCheck %s
// RUN: prune-opt %s -split-input-file --prune-tosa-to-linalg=hwcf=true | FileCheck %s --check-prefix=HWCF
// RUN: prune-opt %s -split-input-file --prune-tosa-to-linalg --prune-nm="n=2 m=4" | FileCheck %s --check-prefix=NM

// A TOSA MLP layer: tosa.const weights become arith.constant, tosa.matmul a
// linalg.batch_matmul whose weight prune-nm finds ([1, K, N]: 2:4 along K).

// CHECK-LABEL: func.func @mlp
// CHECK-NOT:     tosa.
// CHECK:         %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<1x8x2xf32>
// CHECK:         linalg.batch_matmul ins(%{{.*}}, %[[W]] : tensor<1x3x8xf32>, tensor<1x8x2xf32>)

// NM-LABEL: func.func @mlp
// NM:         arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>}
// NM-SAME:      dense<{{\[\[\[}}0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [3.000000e+00, -3.000000e+00], [4.000000e+00, 4.000000e+00], [5.000000e+00, -5.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [8.000000e+00, -8.000000e+00]]]> : tensor<1x8x2xf32>
// NM:         linalg.batch_matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5, operand = 1>}
func.func @mlp(%x: tensor<1x3x8xf32>) -> tensor<1x3x2xf32> {
  %w = "tosa.const"() {values = dense<[[[1.0, -1.0], [2.0, 2.0], [3.0, -3.0], [4.0, 4.0], [5.0, -5.0], [-1.0, 1.0], [0.5, 0.5], [8.0, -8.0]]]> : tensor<1x8x2xf32>} : () -> tensor<1x8x2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<1x3x8xf32>, tensor<1x8x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2xf32>
  return %y : tensor<1x3x2xf32>
}

// -----

// Two TOSA convolutions (OHWI filters, bias) with a ReLU between: the
// filters of the first can be removed; its bias and the second filter's
// input channels shrink with it.

// CHECK-LABEL: func.func @cnn
// CHECK-NOT:     tosa.
// CHECK:         linalg.conv_2d_nhwc_fhwc {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x6x6x2xf32>, tensor<4x3x3x2xf32>)
// CHECK:         linalg.conv_2d_nhwc_fhwc {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x4x4x4xf32>, tensor<2x3x3x4xf32>)

// The filters transposed to HWCF by a linalg.transpose (weights reached
// through a transpose are still found).
// HWCF-LABEL: func.func @cnn
// HWCF:         linalg.transpose ins(%{{.*}} : tensor<4x3x3x2xf32>) outs(%{{.*}} : tensor<3x3x2x4xf32>) permutation = [1, 2, 3, 0]
// HWCF:         linalg.conv_2d_nhwc_hwcf

func.func @cnn(%x: tensor<1x6x6x2xf32>) -> tensor<1x2x2x2xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]]],
                                         [[[0.1, 0.1], [0.1, 0.1], [0.1, 0.1]], [[0.1, 0.1], [0.1, 0.1], [0.1, 0.1]], [[0.1, 0.1], [0.1, 0.1], [0.1, 0.1]]],
                                         [[[2.0, 2.0], [2.0, 2.0], [2.0, 2.0]], [[2.0, 2.0], [2.0, 2.0], [2.0, 2.0]], [[2.0, 2.0], [2.0, 2.0], [2.0, 2.0]]],
                                         [[[0.2, 0.2], [0.2, 0.2], [0.2, 0.2]], [[0.2, 0.2], [0.2, 0.2], [0.2, 0.2]], [[0.2, 0.2], [0.2, 0.2], [0.2, 0.2]]]]> : tensor<4x3x3x2xf32>} : () -> tensor<4x3x3x2xf32>
  %b1 = "tosa.const"() {values = dense<[1.0, 0.0, 3.0, 0.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  %w2 = "tosa.const"() {values = dense<0.5> : tensor<2x3x3x4xf32>} : () -> tensor<2x3x3x4xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c1 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x2xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %r1 = tosa.clamp %c1 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %c2 = tosa.conv2d %r1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<2x3x3x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %c2 : tensor<1x2x2x2xf32>
}
