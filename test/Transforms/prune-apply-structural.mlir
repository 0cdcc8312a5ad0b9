// RUN: prune-opt %s -split-input-file --prune-apply -verify-diagnostics | FileCheck %s

// Hand-written structural requests. A channel request on the first weight
// of an MLP (its output dim 0): half the hidden units go, chosen by the l2
// norm of the coupled slices (units 2 and 3 stay, as in prune-neurons).
// CHECK-LABEL: func.func @channel_on_constant
// CHECK-SAME: prune.removed = {neurons = 2 : i64}
// CHECK: arith.constant {{.*}}dense<{{\[\[}}0.000000e+00, 2.000000e+00, 0.000000e+00], [2.000000e-01, 0.000000e+00, 1.000000e-01]]> : tensor<2x3xf32>
// CHECK-NOT: prune.sparsity
#map = affine_map<(d0, d1) -> (d0, d1)>
#mapb = affine_map<(d0, d1) -> (d1)>
func.func @channel_on_constant(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w1 = arith.constant {prune.sparsity = #prune.sparsity<pattern = channel, dim = 0, ratio = 0.5>} dense<[[1.0, 0.0, 0.0], [0.1, 0.1, 0.1], [0.0, 2.0, 0.0], [0.2, 0.0, 0.1]]> : tensor<4x3xf32>
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
  %w2 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  %e2 = tensor.empty() : tensor<4x2xf32>
  %t2 = linalg.transpose ins(%w2 : tensor<2x4xf32>) outs(%e2 : tensor<4x2xf32>) permutation = [1, 0]
  %o2 = tensor.empty() : tensor<1x2xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%o2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul ins(%r, %t2 : tensor<1x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// The same request on the consumer, in operand coordinates: the second
// matmul's weight operand is W2^T [4, 2]; its dim 0 is the hidden dim.
// Attached channel scores choose the units instead of the norms: 0 and 1.
// CHECK-LABEL: func.func @channel_on_consumer
// CHECK: arith.constant {{.*}}dense<{{\[\[}}1.000000e+00, 0.000000e+00, 0.000000e+00], [1.000000e-01, 1.000000e-01, 1.000000e-01]]> : tensor<2x3xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x2xf32>, tensor<2x2xf32>)
#map = affine_map<(d0, d1) -> (d0, d1)>
#mapb = affine_map<(d0, d1) -> (d1)>
func.func @channel_on_consumer(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w1 = arith.constant {prune.importance = #prune.importance<metric = external, granularity = channel, dim = 0, scores = dense<[4.0, 3.0, 2.0, 1.0]> : tensor<4xf32>>} dense<[[1.0, 0.0, 0.0], [0.1, 0.1, 0.1], [0.0, 2.0, 0.0], [0.2, 0.0, 0.1]]> : tensor<4x3xf32>
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
  %w2 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  %e2 = tensor.empty() : tensor<4x2xf32>
  %t2 = linalg.transpose ins(%w2 : tensor<2x4xf32>) outs(%e2 : tensor<4x2xf32>) permutation = [1, 0]
  %o2 = tensor.empty() : tensor<1x2xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%o2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = channel, dim = 0, ratio = 0.5, operand = 1>} ins(%r, %t2 : tensor<1x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A residual branch removed by a 'layer' request on its add.
#map = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @layer
// CHECK-SAME: prune.removed = {branches = 1 : i64}
// CHECK-NOT: linalg.generic
// CHECK: return %arg0
func.func @layer(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w1 = arith.constant dense<1.0> : tensor<4x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %h1 = linalg.matmul ins(%x, %w1 : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y1 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel"]} ins(%x, %h1 : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) attrs = {prune.sparsity = #prune.sparsity<pattern = layer>} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  return %y1 : tensor<2x4xf32>
}

// -----

// 'layer' on an op that is not a residual add.
func.func @layer_not_residual(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w1 = arith.constant dense<1.0> : tensor<4x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  // expected-error @+1 {{'prune.sparsity' pattern 'layer' must be on a residual add y = x + f(x) whose branch f holds a weight}}
  %h1 = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = layer>} ins(%x, %w1 : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %h1 : tensor<2x4xf32>
}

// -----

// Head sparsity on a weight whose output is not split into heads.
func.func @head_not_attention(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %z = arith.constant 0.0 : f32
  // expected-error @+1 {{dim 0 of weight 'weight0' is not split into 2 attention heads}}
  %w1 = arith.constant {prune.sparsity = #prune.sparsity<pattern = head, heads = 2, dim = 0, ratio = 0.5>} dense<1.0> : tensor<4x3xf32>
  %e1 = tensor.empty() : tensor<3x4xf32>
  %t1 = linalg.transpose ins(%w1 : tensor<4x3xf32>) outs(%e1 : tensor<3x4xf32>) permutation = [1, 0]
  %o1 = tensor.empty() : tensor<1x4xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%o1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %h = linalg.matmul ins(%x, %t1 : tensor<1x3xf32>, tensor<3x4xf32>) outs(%f1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %w2 = arith.constant dense<1.0> : tensor<2x4xf32>
  %e2 = tensor.empty() : tensor<4x2xf32>
  %t2 = linalg.transpose ins(%w2 : tensor<2x4xf32>) outs(%e2 : tensor<4x2xf32>) permutation = [1, 0]
  %o2 = tensor.empty() : tensor<1x2xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%o2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul ins(%h, %t2 : tensor<1x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A head count that does not divide the dim is rejected by the verifier.
func.func @head_count(%x: tensor<1x3xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{3 heads do not divide dim 0}}
  %w1 = arith.constant {prune.sparsity = #prune.sparsity<pattern = head, heads = 3, dim = 0, ratio = 0.5>} dense<1.0> : tensor<4x3xf32>
  return %x : tensor<1x3xf32>
}

// -----

// A channel request on a layer whose output is concatenated with itself:
// units 0 and 2 stay (largest l2 norms with what reads them), so the weight
// that reads the concatenation keeps rows 0, 2, 4 and 6.
// CHECK-LABEL: func.func @concat_twice
// CHECK: tensor.concat dim(1) %[[H:.*]], %[[H]] : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
// CHECK: arith.constant {{.*}}prune.kept = [array<i64: 0, 2, 4, 6>, array<i64>]{{.*}} dense<{{\[\[}}1.000000e-01, 1.000000e-01], [3.000000e-01, 3.000000e-01], [5.000000e-01, 5.000000e-01], [0.699999988, 0.699999988]]> : tensor<4x2xf32>
func.func @concat_twice(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %z = arith.constant 0.0 : f32
  %w1 = arith.constant {prune.sparsity = #prune.sparsity<pattern = channel, dim = 1, ratio = 0.5>} dense<[[3.0, 0.1, 3.0, 0.2], [3.0, 0.1, 3.0, 0.2], [3.0, 0.1, 3.0, 0.2]]> : tensor<3x4xf32>
  %o1 = tensor.empty() : tensor<1x4xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%o1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %h1 = linalg.matmul ins(%x, %w1 : tensor<1x3xf32>, tensor<3x4xf32>) outs(%f1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %c = tensor.concat dim(1) %h1, %h1 : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x8xf32>
  %w2 = arith.constant dense<[[0.1, 0.1], [0.2, 0.2], [0.3, 0.3], [0.4, 0.4], [0.5, 0.5], [0.6, 0.6], [0.7, 0.7], [0.8, 0.8]]> : tensor<8x2xf32>
  %o2 = tensor.empty() : tensor<1x2xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%o2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul ins(%c, %w2 : tensor<1x8xf32>, tensor<8x2xf32>) outs(%f2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
