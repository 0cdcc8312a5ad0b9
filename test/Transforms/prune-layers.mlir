// RUN: prune-opt %s -split-input-file --prune-layers="count=1" -verify-diagnostics | FileCheck %s
// RUN: prune-opt %s -split-input-file --prune-layers="count=1 mode=zero" -verify-diagnostics | FileCheck %s --check-prefix=ZERO

// Two residual branches y1 = x + f1(x), y2 = y1 + f2(y1); f2's weights
// have the smaller RMS, so f2 goes: the final matmul reads y1 and f2's
// weights disappear.
#map = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @two_branches
// CHECK: %[[W1:.*]] = arith.constant dense<1.000000e+00> : tensor<4x4xf32>
// CHECK-NOT: dense<1.000000e-01>
// CHECK: %[[H:.*]] = linalg.matmul ins(%[[X:.*]], %{{.*}} : tensor<2x4xf32>, tensor<4x4xf32>)
// CHECK: %[[Y1:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[H]] :
// CHECK: linalg.matmul ins(%[[Y1]], %{{.*}} : tensor<2x4xf32>, tensor<4x3xf32>)
// ZERO-LABEL: func.func @two_branches
// ZERO: arith.constant dense<0.000000e+00> : tensor<4x4xf32>
func.func @two_branches(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w1 = arith.constant dense<1.0> : tensor<4x4xf32>
  %w2 = arith.constant dense<0.1> : tensor<4x4xf32>
  %w3 = arith.constant dense<0.5> : tensor<4x3xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %h1 = linalg.matmul ins(%x, %w1 : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y1 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel"]} ins(%x, %h1 : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
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
  %e3 = tensor.empty() : tensor<2x3xf32>
  %f3 = linalg.fill ins(%z : f32) outs(%e3 : tensor<2x3xf32>) -> tensor<2x3xf32>
  %o = linalg.matmul ins(%y2, %w3 : tensor<2x4xf32>, tensor<4x3xf32>) outs(%f3 : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %o : tensor<2x3xf32>
}

// -----

// The branch's value is also returned: removing the branch would change
// the result, so it is refused.
#map = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @escaping
// CHECK: linalg.matmul
// CHECK: linalg.generic
func.func @escaping(%x: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %w1 = arith.constant dense<1.0> : tensor<4x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %h1 = linalg.matmul ins(%x, %w1 : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  // expected-remark @+1 {{residual branch left alone: a value of the branch is also used by func.return}}
  %y1 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel"]} ins(%x, %h1 : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  return %y1, %h1 : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// expected-error @+1 {{found no residual branches with weights to remove}}
module {
  func.func @none(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
    return %x : tensor<2x2xf32>
  }
}

