// RUN: prune-opt %s --prune-neurons="ratio=0.5 metric=activation" -verify-diagnostics | FileCheck %s
// RUN: prune-opt %s --prune-neurons="ratio=0.5 metric=attached" -verify-diagnostics | FileCheck %s
// RUN: prune-opt %s --prune-neurons="ratio=0.5" -verify-diagnostics | FileCheck %s --check-prefix=NORM

// Data-aware scores arrive as attached channel-granularity importance (here
// written by hand, as prune-calibrate's activation statistics would be):
// units 0 and 1 fire most and stay, although units 2 and 3 have the larger
// weights (which the default l2 metric keeps).
// CHECK-LABEL: func.func @mlp
// CHECK: arith.constant {{.*}}dense<{{\[\[}}1.000000e+00, 0.000000e+00, 0.000000e+00], [1.000000e-01, 1.000000e-01, 1.000000e-01]]> : tensor<2x3xf32>
// NORM-LABEL: func.func @mlp
// NORM: arith.constant {{.*}}dense<{{\[\[}}0.000000e+00, 2.000000e+00, 0.000000e+00], [2.000000e-01, 0.000000e+00, 1.000000e-01]]> : tensor<2x3xf32>
#map = affine_map<(d0, d1) -> (d0, d1)>
#mapb = affine_map<(d0, d1) -> (d1)>
func.func @mlp(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w1 = arith.constant {prune.importance = #prune.importance<metric = activation, granularity = channel, dim = 0, scores = dense<[0.9, 0.8, 0.1, 0.2]> : tensor<4xf32>>} dense<[[1.0, 0.0, 0.0], [0.1, 0.1, 0.1], [0.0, 2.0, 0.0], [0.2, 0.0, 0.1]]> : tensor<4x3xf32>
  %b1 = arith.constant dense<[0.5, -0.5, 0.25, 1.0]> : tensor<4xf32>
  %e1 = tensor.empty() : tensor<3x4xf32>
  %t1 = linalg.transpose ins(%w1 : tensor<4x3xf32>) outs(%e1 : tensor<3x4xf32>) permutation = [1, 0]
  %z = arith.constant 0.0 : f32
  %o1 = tensor.empty() : tensor<1x4xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%o1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %h = linalg.matmul ins(%x, %t1 : tensor<1x3xf32>, tensor<3x4xf32>) outs(%f1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %hb = linalg.generic {indexing_maps = [#map, #mapb, #map], iterator_types = ["parallel", "parallel"]} ins(%h, %b1 : tensor<1x4xf32>, tensor<4xf32>) outs(%o1 : tensor<1x4xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x4xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%hb : tensor<1x4xf32>) outs(%o1 : tensor<1x4xf32>) {
  ^bb0(%a: f32, %c: f32):
    %m = arith.maximumf %a, %z : f32
    linalg.yield %m : f32
  } -> tensor<1x4xf32>
  // expected-remark @+1 {{neurons of weight 'weight1' left alone: reaches the function result}}
  %w2 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  %e2 = tensor.empty() : tensor<4x2xf32>
  %t2 = linalg.transpose ins(%w2 : tensor<2x4xf32>) outs(%e2 : tensor<4x2xf32>) permutation = [1, 0]
  %o2 = tensor.empty() : tensor<1x2xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%o2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul ins(%r, %t2 : tensor<1x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
