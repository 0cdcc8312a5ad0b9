// RUN: prune-opt %s -split-input-file --prune-tosa-to-linalg | FileCheck %s
// RUN: prune-opt %s -split-input-file --prune-tosa-to-linalg=layouts=false | FileCheck %s --check-prefix=RAW
// RUN: prune-opt %s -split-input-file --prune-tosa-to-linalg="hwcf=true layouts=false" | FileCheck %s --check-prefix=HWCF
// RUN: prune-opt %s -split-input-file --prune-tosa-to-linalg --prune-nm="n=2 m=4" | FileCheck %s --check-prefix=NM

// A TOSA MLP layer: tosa.const weights become arith.constant, tosa.matmul a
// batch-1 linalg.batch_matmul (layouts=false) or, by default, a
// linalg.matmul on the [K, N] weight; prune-nm finds the weight either way
// (2:4 along K).

// CHECK-LABEL: func.func @mlp
// CHECK-NOT:     tosa.
// CHECK:         %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<8x2xf32>
// CHECK:         linalg.matmul ins(%{{.*}}, %[[W]] : tensor<3x8xf32>, tensor<8x2xf32>)
// RAW-LABEL: func.func @mlp
// RAW:         %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<1x8x2xf32>
// RAW:         linalg.batch_matmul ins(%{{.*}}, %[[W]] : tensor<1x3x8xf32>, tensor<1x8x2xf32>)

// NM-LABEL: func.func @mlp
// NM:         arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5>}
// NM-SAME:      dense<{{\[\[}}0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [3.000000e+00, -3.000000e+00], [4.000000e+00, 4.000000e+00], [5.000000e+00, -5.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [8.000000e+00, -8.000000e+00]]> : tensor<8x2xf32>
// NM:         linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>}
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

// By default the filters are stored HWCF (permuted at compile time).
// CHECK-LABEL: func.func @cnn
// CHECK-NOT:     tosa.
// CHECK:         linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x6x6x2xf32>, tensor<3x3x2x4xf32>)
// CHECK:         linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x4x4x4xf32>, tensor<3x3x4x2xf32>)
// RAW-LABEL: func.func @cnn
// RAW:         linalg.conv_2d_nhwc_fhwc {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x6x6x2xf32>, tensor<4x3x3x2xf32>)
// RAW:         linalg.conv_2d_nhwc_fhwc {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x4x4x4xf32>, tensor<2x3x3x4xf32>)

// hwcf=true: upstream transposes the filters at run time with a
// linalg.transpose (weights reached through a transpose are still found).
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
