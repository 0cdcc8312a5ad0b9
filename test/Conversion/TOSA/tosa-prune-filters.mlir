// RUN: prune-opt %s --prune-tosa-to-linalg --prune-filters="ratio=0.5" | FileCheck %s
// The same through the stock mlir-opt with the plugin (a registered
// pipeline, reachable from --pass-pipeline):
// RUN: mlir-opt %s --load-pass-plugin=%prune_plugin --pass-pipeline="builtin.module(prune-tosa-to-linalg,prune-filters{ratio=0.5})" | FileCheck %s

// Structural pruning of a TOSA model after prune-tosa-to-linalg: two
// convolutions (OHWI filters, stored HWCF by prune-tosa-layouts, bias) with a
// ReLU between. Filters 1 and 3 of
// the first have the smallest L1 norms (with what reads them): they go, and
// the bias and the second filter's input channels shrink with them.

// CHECK-LABEL: func.func @cnn
// CHECK:         %[[B1:.*]] = arith.constant {prune.dense_shape = array<i64: 4>{{.*}}} dense<[1.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK:         linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x6x6x2xf32>, tensor<3x3x2x2xf32>) outs(%{{.*}} : tensor<1x4x4x2xf32>)
// CHECK:         linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x4x4x2xf32>, tensor<3x3x2x2xf32>) outs(%{{.*}} : tensor<1x2x2x2xf32>)
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
