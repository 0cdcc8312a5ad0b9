// RUN: prune-opt %s --prune-neurons="ratio=0.5" --prune-report="output=%t.json" -o /dev/null 2>&1 | FileCheck %s
// RUN: FileCheck %s --check-prefix=JSON < %t.json
// RUN: prune-opt %s --prune-neurons="ratio=0.5" | FileCheck %s --check-prefix=IR

// After structural removal the report still knows the dense model: the
// function records its FLOPs and weight parameters from before, every
// resized weight its old shape.
// IR: func.func @mlp{{.*}}attributes {prune.dense_flops = 4.000000e+01 : f64, prune.dense_params = 20 : i64, prune.removed = {neurons = 2 : i64}}
// IR: arith.constant {prune.dense_shape = array<i64: 4, 3>, prune.kept = [array<i64: 2, 3>, array<i64>]} {{.*}} : tensor<2x3xf32>

// CHECK: weights: 2, parameters 10 -> 7 non-zero, bytes 40 -> 40, FLOPs 40 -> 14 (2.86x)
// CHECK-NEXT: structural: parameters 20 -> 10, removed: neurons 2
// CHECK-NEXT: weight0 4x3 -> 2x3, params 12 -> 6, FLOPs 24 -> 6 (25%)
// CHECK-NEXT: weight1 2x4 -> 2x2, params 8 -> 4, FLOPs 16 -> 8 (50%)

// JSON: "total":
// JSON: "flops_after": 14,
// JSON-NEXT: "flops_before": 40,
// JSON: "params": 10,
// JSON-NEXT: "params_before": 20,
// JSON-NEXT: "removed": {
// JSON-NEXT: "neurons": 2
// JSON: "shape_before": "4x3"
#map = affine_map<(d0, d1) -> (d0, d1)>
#mapb = affine_map<(d0, d1) -> (d1)>
func.func @mlp(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w1 = arith.constant dense<[[1.0, 0.0, 0.0], [0.1, 0.1, 0.1], [0.0, 2.0, 0.0], [0.2, 0.0, 0.1]]> : tensor<4x3xf32>
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
