// Structural steps shrink the model, so their ratio applies to what is
// left: @increment@ = (r_s - r_{s-1}) / (1 - r_{s-1}) keeps the total
// cumulative. 8 hidden units, 2 linear steps to 0.5: 8 -> 6 -> 4 with
// @increment@ (0.25, then 1/3), 8 -> 6 -> 3 with @ratio@ (0.25, then 0.5).
// RUN: prune-opt %s --pass-pipeline='builtin.module(prune-iterative{target=0.5 steps=2 pipeline="prune-neurons{ratio=@increment@}"})' 2>/dev/null | FileCheck %s --check-prefix=INC
// RUN: prune-opt %s --pass-pipeline='builtin.module(prune-iterative{target=0.5 steps=2 pipeline="prune-neurons{ratio=@ratio@}"})' 2>/dev/null | FileCheck %s --check-prefix=RAT
// INC-LABEL: func.func @hidden8
// INC:         arith.constant {{.*}} : tensor<4x3xf32>
// INC:         arith.constant {{.*}} : tensor<2x4xf32>
// RAT-LABEL: func.func @hidden8
// RAT:         arith.constant {{.*}} : tensor<3x3xf32>
// RAT:         arith.constant {{.*}} : tensor<2x3xf32>
#map = affine_map<(d0, d1) -> (d0, d1)>
func.func @hidden8(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w1 = arith.constant dense<[[1.0, 0.0, 0.0], [0.1, 0.1, 0.1], [0.0, 2.0, 0.0], [0.2, 0.0, 0.1], [3.0, 0.5, 0.0], [0.0, 0.0, 0.4], [1.5, 1.5, 0.0], [0.0, 0.3, 0.3]]> : tensor<8x3xf32>
  %e1 = tensor.empty() : tensor<3x8xf32>
  %t1 = linalg.transpose ins(%w1 : tensor<8x3xf32>) outs(%e1 : tensor<3x8xf32>) permutation = [1, 0]
  %z = arith.constant 0.0 : f32
  %o1 = tensor.empty() : tensor<1x8xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%o1 : tensor<1x8xf32>) -> tensor<1x8xf32>
  %h = linalg.matmul ins(%x, %t1 : tensor<1x3xf32>, tensor<3x8xf32>) outs(%f1 : tensor<1x8xf32>) -> tensor<1x8xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%h : tensor<1x8xf32>) outs(%o1 : tensor<1x8xf32>) {
  ^bb0(%a: f32, %c: f32):
    %m = arith.maximumf %a, %z : f32
    linalg.yield %m : f32
  } -> tensor<1x8xf32>
  %w2 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]]> : tensor<2x8xf32>
  %e2 = tensor.empty() : tensor<8x2xf32>
  %t2 = linalg.transpose ins(%w2 : tensor<2x8xf32>) outs(%e2 : tensor<8x2xf32>) permutation = [1, 0]
  %o2 = tensor.empty() : tensor<1x2xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%o2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul ins(%r, %t2 : tensor<1x8xf32>, tensor<8x2xf32>) outs(%f2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
