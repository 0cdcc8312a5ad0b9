// RUN: prune-opt %s --prune-relu-skip -verify-diagnostics | FileCheck %s
// RUN: not prune-opt %s --prune-relu-skip="granularity=column" 2>&1 | FileCheck %s --check-prefix=GRAN
// GRAN: error: prune-relu-skip: unknown granularity 'column'; expected 'row' or 'batch'

// CHECK-LABEL: func.func @refused
// CHECK-NOT:     scf.for
// CHECK-COUNT-4: linalg.matmul
// CHECK-NOT:     scf.for

#map = affine_map<(d0, d1) -> (d0, d1)>

// Not ReLU chains: left dense, with a remark saying why.
func.func @refused(%h: tensor<2x4xf32>, %w: tensor<4x2xf32>, %wt: tensor<2x4xf32>, %acc: tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>) {
  %one = arith.constant 1.0 : f32
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  // max(x, 1) is not a ReLU.
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%h : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %one : f32
    linalg.yield %m : f32
  } -> tensor<2x4xf32>
  // expected-remark @+1 {{prune-relu-skip: left dense: not a ReLU chain: its left operand is not a ReLU (it is produced by a linalg.generic that is not a ReLU)}}
  %y0 = linalg.matmul ins(%r, %w : tensor<2x4xf32>, tensor<4x2xf32>) outs(%acc : tensor<2x2xf32>) -> tensor<2x2xf32>
  // expected-remark @+1 {{prune-relu-skip: left dense: not a ReLU chain: its left operand is not a ReLU (it is a block argument)}}
  %y1 = linalg.matmul ins(%h, %w : tensor<2x4xf32>, tensor<4x2xf32>) outs(%acc : tensor<2x2xf32>) -> tensor<2x2xf32>
  %x = arith.addf %h, %h : tensor<2x4xf32>
  // expected-remark @+1 {{prune-relu-skip: left dense: not a ReLU chain: its left operand is not a ReLU (it is produced by 'arith.addf')}}
  %y2 = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x2xf32>) outs(%acc : tensor<2x2xf32>) -> tensor<2x2xf32>
  %relu = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%h : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<2x4xf32>
  // expected-remark @+1 {{prune-relu-skip: left dense: it has user-defined indexing maps}}
  %y3 = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%relu, %wt : tensor<2x4xf32>, tensor<2x4xf32>) outs(%acc : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y0, %y1, %y2, %y3 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>
}
