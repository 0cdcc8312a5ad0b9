// RUN: prune-opt %s --prune-neurons="keep=3" | FileCheck %s --check-prefix=KEEP
// RUN: prune-opt %s --prune-neurons="ratio=0.5 round-to=4" | FileCheck %s --check-prefix=ROUND
// RUN: prune-opt %s --prune-neurons="ratio=0.9 min-keep=3" | FileCheck %s --check-prefix=MINKEEP
// RUN: prune-opt %s --prune-neurons="ratio=0.25 scope=global" | FileCheck %s --check-prefix=GLOBAL
// RUN: prune-opt %s --prune-neurons="ratio=0.5 metric=l1" | FileCheck %s --check-prefix=L1
// RUN: prune-opt %s --prune-neurons="ratio=0.5 exclude=w2" | FileCheck %s --check-prefix=EXCL
// RUN: not prune-opt %s --prune-neurons="metric=taylor" 2>&1 | FileCheck %s --check-prefix=METRIC
// RUN: not prune-opt %s --prune-neurons="metric=foo" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not prune-opt %s --prune-neurons="mode=shrink" 2>&1 | FileCheck %s --check-prefix=MODE
// RUN: not prune-opt %s --prune-neurons="round-to=0" 2>&1 | FileCheck %s --check-prefix=ROUNDTO

// Two hidden layers of 4 units. Hidden 1 unit scores (l2 of W1 row and W2
// column): 1.0, 2.0, 3.0, 4.0 scaled; hidden 2 units are 10x larger.

// KEEP: tensor<3x3xf32>
// KEEP: tensor<3x3xf32>
// KEEP: tensor<2x3xf32>
// ROUND: arith.constant {{.*}} : tensor<4x3xf32>
// ROUND: arith.constant {{.*}} : tensor<4x4xf32>
// ROUND: arith.constant {{.*}} : tensor<2x4xf32>
// MINKEEP: tensor<3x3xf32>
// MINKEEP: tensor<3x3xf32>
// MINKEEP: tensor<2x3xf32>
// Global ranking divides each layer's scores by their mean, so both layers
// lose their weakest unit although hidden 2 is 10x larger.
// GLOBAL: tensor<3x3xf32>
// GLOBAL: tensor<3x3xf32>
// GLOBAL: tensor<2x3xf32>
// L1: tensor<2x3xf32>
// L1: tensor<2x2xf32>
// Excluding w2 excludes every group it belongs to: nothing changes.
// EXCL: tensor<4x3xf32>
// EXCL: tensor<4x4xf32>
// METRIC: no attached taylor channel-granularity #prune.importance for the neurons of weight 'w1'
// UNKNOWN: error: unknown metric 'foo'
// MODE: unknown mode 'shrink'; expected 'remove' or 'zero'
// ROUNDTO: keep must be >= 0, min-keep >= 1 and round-to >= 1
#map = affine_map<(d0, d1) -> (d0, d1)>
func.func @mlp(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %z = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[0.1, 0.0, 0.0], [0.0, 0.2, 0.0], [0.0, 0.0, 0.3], [0.4, 0.0, 0.0]]> : tensor<4x3xf32> loc("w1")
  %e1 = tensor.empty() : tensor<3x4xf32>
  %t1 = linalg.transpose ins(%w1 : tensor<4x3xf32>) outs(%e1 : tensor<3x4xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<1x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%o : tensor<1x4xf32>) -> tensor<1x4xf32>
  %h1 = linalg.matmul ins(%x, %t1 : tensor<1x3xf32>, tensor<3x4xf32>) outs(%f : tensor<1x4xf32>) -> tensor<1x4xf32>
  %r1 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%h1 : tensor<1x4xf32>) outs(%o : tensor<1x4xf32>) {
  ^bb0(%a: f32, %c: f32):
    %m = arith.maximumf %a, %z : f32
    linalg.yield %m : f32
  } -> tensor<1x4xf32>
  %w2 = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 2.0, 0.0, 0.0], [0.0, 0.0, 3.0, 0.0], [0.0, 0.0, 0.0, 4.0]]> : tensor<4x4xf32> loc("w2")
  %e2 = tensor.empty() : tensor<4x4xf32>
  %t2 = linalg.transpose ins(%w2 : tensor<4x4xf32>) outs(%e2 : tensor<4x4xf32>) permutation = [1, 0]
  %h2 = linalg.matmul ins(%r1, %t2 : tensor<1x4xf32>, tensor<4x4xf32>) outs(%f : tensor<1x4xf32>) -> tensor<1x4xf32>
  %r2 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%h2 : tensor<1x4xf32>) outs(%o : tensor<1x4xf32>) {
  ^bb0(%a: f32, %c: f32):
    %m = arith.maximumf %a, %z : f32
    linalg.yield %m : f32
  } -> tensor<1x4xf32>
  %w3 = arith.constant dense<[[10.0, 20.0, 30.0, 40.0], [10.0, 20.0, 30.0, 40.0]]> : tensor<2x4xf32> loc("w3")
  %e3 = tensor.empty() : tensor<4x2xf32>
  %t3 = linalg.transpose ins(%w3 : tensor<2x4xf32>) outs(%e3 : tensor<4x2xf32>) permutation = [1, 0]
  %o3 = tensor.empty() : tensor<1x2xf32>
  %f3 = linalg.fill ins(%z : f32) outs(%o3 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul ins(%r2, %t3 : tensor<1x4xf32>, tensor<4x2xf32>) outs(%f3 : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
