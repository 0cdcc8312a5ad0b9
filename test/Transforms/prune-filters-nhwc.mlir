// RUN: prune-opt %s --prune-filters="ratio=0.5" -verify-diagnostics | FileCheck %s
// RUN: prune-opt %s --prune-print-coupling -o /dev/null | FileCheck %s --check-prefix=GROUPS

// NHWC, MobileNet style: conv (HWCF) -> depthwise conv (HWC) -> 1x1 conv.
// The depthwise conv couples its input and output channels, so the first
// conv's filters, the depthwise filter's channels and the 1x1 conv's input
// channels are one group; channels 2 and 3 have the largest norms (over all three weights) and stay.
// CHECK-LABEL: func.func @mobilenet
// CHECK: %[[F1:.*]] = arith.constant {{.*}}dense<{{\[\[\[\[}}2.000000e-01, 2.000000e+00], [2.000000e-01, 2.000000e+00]]]]> : tensor<1x1x2x2xf32>
// CHECK: %[[DW:.*]] = arith.constant {{.*}}dense<{{\[\[\[}}3.000000e+00, 4.000000e+00]]]> : tensor<1x1x2xf32>
// CHECK: %[[F3:.*]] = arith.constant {{.*}}dense<{{\[\[\[\[}}3.000000e+00], [4.000000e+00]]]]> : tensor<1x1x2x1xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x2x2x2xf32>
// CHECK: linalg.depthwise_conv_2d_nhwc_hwc {{.*}} ins(%{{.*}}, %[[DW]] : tensor<1x2x2x2xf32>, tensor<1x1x2xf32>) {{.*}} -> tensor<1x2x2x2xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %[[F3]] : tensor<1x2x2x2xf32>, tensor<1x1x2x1xf32>)
// GROUPS: group {{[0-9]+}}: size 4, prunable
// GROUPS-NEXT: producers: f1
// GROUPS-NEXT: consumers: weight2
func.func @mobilenet(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x1xf32> {
  %z = arith.constant 0.0 : f32
  %f1 = arith.constant dense<[[[[0.1, 1.0, 0.2, 2.0], [0.1, 1.0, 0.2, 2.0]]]]> : tensor<1x1x2x4xf32> loc("f1")
  %dw = arith.constant dense<[[[1.0, 2.0, 3.0, 4.0]]]> : tensor<1x1x4xf32> loc("dw")
  // expected-remark @below {{filters of weight 'weight2' left alone: reaches the function result}}
  %f3 = arith.constant dense<[[[[1.0], [2.0], [3.0], [4.0]]]]> : tensor<1x1x4x1xf32>
  %e = tensor.empty() : tensor<1x2x2x4xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
  %c1 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %f1 : tensor<1x2x2x2xf32>, tensor<1x1x2x4xf32>) outs(%i : tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
  %c2 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%c1, %dw : tensor<1x2x2x4xf32>, tensor<1x1x4xf32>) outs(%i : tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
  %e3 = tensor.empty() : tensor<1x2x2x1xf32>
  %i3 = linalg.fill ins(%z : f32) outs(%e3 : tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %c3 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%c2, %f3 : tensor<1x2x2x4xf32>, tensor<1x1x4x1xf32>) outs(%i3 : tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  return %c3 : tensor<1x2x2x1xf32>
}
