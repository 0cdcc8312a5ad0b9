// RUN: prune-opt %s --prune-layers="count=1 unit=layer" | FileCheck %s
// RUN: prune-opt %s --prune-layers="ratio=0.7 unit=layer" | FileCheck %s --check-prefix=RATIO
// RUN: not prune-opt %s --prune-layers="unit=block" 2>&1 | FileCheck %s --check-prefix=UNIT
// RUN: not prune-opt %s --prune-layers="unit=layer mode=zero" 2>&1 | FileCheck %s --check-prefix=ZERO

// Three layers of two residual branches each (unit=layer pairs consecutive
// branches, like attention + MLP). The middle layer has the smallest
// weights and goes first: the third layer then reads the first layer's
// output. With ratio=0.7, round(2.1) = 2 layers go and only the largest
// (2.0) stays.
#map = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @three_layers
// CHECK-SAME: prune.removed = {layers = 1 : i64}
// CHECK-NOT: 1.000000e-01
// CHECK-COUNT-4: linalg.matmul
// CHECK-NOT: linalg.matmul
// CHECK: return
// RATIO-LABEL: func.func @three_layers
// RATIO-SAME: prune.removed = {layers = 2 : i64}
// RATIO-COUNT-2: arith.constant dense<2.000000e+00> : tensor<4x4xf32>
// RATIO-NOT: tensor<4x4xf32>>
// RATIO-COUNT-2: linalg.matmul
// RATIO-NOT: linalg.matmul
// UNIT: unknown unit 'block'; expected 'branch' or 'layer'
// ZERO: mode=zero needs unit=branch
func.func @three_layers(%y0: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w1 = arith.constant dense<1.0> : tensor<4x4xf32>
  %w2 = arith.constant dense<1.0> : tensor<4x4xf32>
  %w3 = arith.constant dense<0.1> : tensor<4x4xf32>
  %w4 = arith.constant dense<0.1> : tensor<4x4xf32>
  %w5 = arith.constant dense<2.0> : tensor<4x4xf32>
  %w6 = arith.constant dense<2.0> : tensor<4x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %h1 = linalg.matmul ins(%y0, %w1 : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y1 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel"]} ins(%y0, %h1 : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  %h2 = linalg.matmul ins(%y1, %w2 : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y2 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel"]} ins(%y1, %h2 : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  %h3 = linalg.matmul ins(%y2, %w3 : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y3 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel"]} ins(%y2, %h3 : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  %h4 = linalg.matmul ins(%y3, %w4 : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y4 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel"]} ins(%y3, %h4 : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  %h5 = linalg.matmul ins(%y4, %w5 : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y5 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel"]} ins(%y4, %h5 : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  %h6 = linalg.matmul ins(%y5, %w6 : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y6 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel"]} ins(%y5, %h6 : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  return %y6 : tensor<2x4xf32>
}
