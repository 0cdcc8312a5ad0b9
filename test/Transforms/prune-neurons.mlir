// RUN: prune-opt %s -split-input-file --prune-neurons="ratio=0.5" -verify-diagnostics | FileCheck %s
// RUN: prune-opt %s -split-input-file --prune-neurons="ratio=0.5 mode=zero" -verify-diagnostics | FileCheck %s --check-prefix=ZERO

#map = affine_map<(d0, d1) -> (d0, d1)>
#mapb = affine_map<(d0, d1) -> (d1)>
// Hidden unit scores (l2 over W1 row + W2 column): 5.2, 6.3, 7.9, 8.9, so
// units 2 and 3 stay: W1 rows, bias entries and W2 columns 2 and 3.
// CHECK-LABEL: func.func @mlp
// CHECK-DAG: %[[W1:.*]] = arith.constant {{.*}}dense<{{\[\[}}0.000000e+00, 2.000000e+00, 0.000000e+00], [2.000000e-01, 0.000000e+00, 1.000000e-01]]> : tensor<2x3xf32>
// CHECK-DAG: %[[B1:.*]] = arith.constant {{.*}}dense<[2.500000e-01, 1.000000e+00]> : tensor<2xf32>
// CHECK: %[[T1:.*]] = linalg.transpose ins(%[[W1]] : tensor<2x3xf32>) outs(%{{.*}} : tensor<3x2xf32>)
// CHECK: %[[H:.*]] = linalg.matmul ins(%{{.*}}, %[[T1]] : tensor<1x3xf32>, tensor<3x2xf32>) outs(%{{.*}} : tensor<1x2xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[H]], %[[B1]] : tensor<1x2xf32>, tensor<2xf32>)
// CHECK: arith.constant {{.*}}dense<{{\[\[}}3.000000e+00, 4.000000e+00], [7.000000e+00, 8.000000e+00]]> : tensor<2x2xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x2xf32>, tensor<2x2xf32>) outs(%{{.*}} : tensor<1x2xf32>) -> tensor<1x2xf32>
// CHECK: return %{{.*}} : tensor<1x2xf32>
// ZERO-LABEL: func.func @mlp
// ZERO: arith.constant {{.*}}dense<{{\[\[}}0.000000e+00, 0.000000e+00, 3.000000e+00, 4.000000e+00], [0.000000e+00, 0.000000e+00, 7.000000e+00, 8.000000e+00]]> : tensor<2x4xf32>
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
  // expected-remark @+1 {{neurons of weight 'weight1' left alone: reaches the function result}}
  %w2 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  %e2 = tensor.empty() : tensor<4x2xf32>
  %t2 = linalg.transpose ins(%w2 : tensor<2x4xf32>) outs(%e2 : tensor<4x2xf32>) permutation = [1, 0]
  %o2 = tensor.empty() : tensor<1x2xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%o2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul ins(%r, %t2 : tensor<1x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A reduction over the hidden units (a LayerNorm-style mean) mixes them:
// removing one would change the others, so the group is refused.
#map = affine_map<(d0, d1) -> (d0, d1)>
#red = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @mixed
// CHECK: arith.constant {{.*}} : tensor<4x3xf32>
func.func @mixed(%x: tensor<1x3xf32>) -> tensor<1xf32> {
  // expected-remark @+1 {{neurons of weight 'weight0' left alone: reduced over by linalg.generic}}
  %w1 = arith.constant dense<[[1.0, 0.0, 0.0], [0.1, 0.1, 0.1], [0.0, 2.0, 0.0], [0.2, 0.0, 0.1]]> : tensor<4x3xf32>
  %e1 = tensor.empty() : tensor<3x4xf32>
  %t1 = linalg.transpose ins(%w1 : tensor<4x3xf32>) outs(%e1 : tensor<3x4xf32>) permutation = [1, 0]
  %z = arith.constant 0.0 : f32
  %o1 = tensor.empty() : tensor<1x4xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%o1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %h = linalg.matmul ins(%x, %t1 : tensor<1x3xf32>, tensor<3x4xf32>) outs(%f1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %o = tensor.empty() : tensor<1xf32>
  %fo = linalg.fill ins(%z : f32) outs(%o : tensor<1xf32>) -> tensor<1xf32>
  %s = linalg.generic {indexing_maps = [#map, #red], iterator_types = ["parallel", "reduction"]} ins(%h : tensor<1x4xf32>) outs(%fo : tensor<1xf32>) {
  ^bb0(%a: f32, %c: f32):
    %m = arith.addf %a, %c : f32
    linalg.yield %m : f32
  } -> tensor<1xf32>
  return %s : tensor<1xf32>
}

// -----

// expected-error @+1 {{found no neurons to prune}}
module {
  func.func @none(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
    return %x : tensor<2x2xf32>
  }
}

// -----

// tensor.concat along another dim couples the concatenated tensors' hidden
// dims with the result's: the hidden units go through it.
// CHECK-LABEL: func.func @concat
// CHECK: tensor.concat dim(0) %{{.*}}, %{{.*}} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<2x2xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x2xf32>, tensor<2x2xf32>)
func.func @concat(%x: tensor<1x3xf32>) -> tensor<2x2xf32> {
  %z = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[1.0, 0.0, 0.0], [0.0, 0.1, 0.0], [0.0, 0.0, 2.0], [0.2, 0.0, 0.0]]> : tensor<4x3xf32>
  %e1 = tensor.empty() : tensor<3x4xf32>
  %t1 = linalg.transpose ins(%w1 : tensor<4x3xf32>) outs(%e1 : tensor<3x4xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<1x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%o : tensor<1x4xf32>) -> tensor<1x4xf32>
  %h = linalg.matmul ins(%x, %t1 : tensor<1x3xf32>, tensor<3x4xf32>) outs(%f : tensor<1x4xf32>) -> tensor<1x4xf32>
  %c = tensor.concat dim(0) %h, %h : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
  // expected-remark @+1 {{neurons of weight 'weight1' left alone: reaches the function result}}
  %w2 = arith.constant dense<1.0> : tensor<4x2xf32>
  %o2 = tensor.empty() : tensor<2x2xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%o2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  %y = linalg.matmul ins(%c, %w2 : tensor<2x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// Slices that cover the hidden dim whole (here: rows of the batch) couple
// it through; the hidden units go through insert_slice and extract_slice.
// CHECK-LABEL: func.func @slices
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0] [1, 2] [1, 1] : tensor<1x2xf32> into tensor<2x2xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[1, 0] [1, 2] [1, 1] : tensor<1x2xf32> into tensor<2x2xf32>
// CHECK: tensor.extract_slice %{{.*}}[1, 0] [1, 2] [1, 1] : tensor<2x2xf32> to tensor<1x2xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x2xf32>, tensor<2x2xf32>)
func.func @slices(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %z = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[1.0, 0.0, 0.0], [0.0, 0.1, 0.0], [0.0, 0.0, 2.0], [0.2, 0.0, 0.0]]> : tensor<4x3xf32>
  %e1 = tensor.empty() : tensor<3x4xf32>
  %t1 = linalg.transpose ins(%w1 : tensor<4x3xf32>) outs(%e1 : tensor<3x4xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<1x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%o : tensor<1x4xf32>) -> tensor<1x4xf32>
  %h = linalg.matmul ins(%x, %t1 : tensor<1x3xf32>, tensor<3x4xf32>) outs(%f : tensor<1x4xf32>) -> tensor<1x4xf32>
  %buf = tensor.empty() : tensor<2x4xf32>
  %a = tensor.insert_slice %h into %buf[0, 0] [1, 4] [1, 1] : tensor<1x4xf32> into tensor<2x4xf32>
  %b = tensor.insert_slice %h into %a[1, 0] [1, 4] [1, 1] : tensor<1x4xf32> into tensor<2x4xf32>
  %r = tensor.extract_slice %b[1, 0] [1, 4] [1, 1] : tensor<2x4xf32> to tensor<1x4xf32>
  // expected-remark @+1 {{neurons of weight 'weight1' left alone: reaches the function result}}
  %w2s = arith.constant dense<[[1.0, 2.0], [5.0, 6.0], [1.0, 1.0], [2.0, 2.0]]> : tensor<4x2xf32>
  %o2 = tensor.empty() : tensor<1x2xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%o2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul ins(%r, %w2s : tensor<1x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// tensor.concat along the hidden dim: each input's hidden units are a
// segment of the concatenated dim, at its offset. Removing units of the
// first layer (4 -> 2) and of the second (2 -> 1) removes the rows 1, 3
// and 4 (= 4 + 0) of the weight that reads the concatenation.
// CHECK-LABEL: func.func @concat_hidden
// CHECK-DAG: arith.constant {{.*}}dense<{{\[\[}}1.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 2.000000e+00]]> : tensor<2x3xf32>
// CHECK-DAG: arith.constant {{.*}}dense<3.000000e+00> : tensor<1x3xf32>
// CHECK: %[[C:.*]] = tensor.concat dim(1) %{{.*}}, %{{.*}} : (tensor<1x2xf32>, tensor<1x1xf32>) -> tensor<1x3xf32>
// CHECK: %[[W3:.*]] = arith.constant {{.*}}dense<{{\[\[}}0.00999999977, 0.00999999977], [3.000000e-02, 3.000000e-02], [6.000000e-02, 6.000000e-02]]> : tensor<3x2xf32>
// CHECK: linalg.matmul ins(%[[C]], %[[W3]] : tensor<1x3xf32>, tensor<3x2xf32>)
// ZERO-LABEL: func.func @concat_hidden
// ZERO: arith.constant {{.*}}dense<{{\[\[}}0.00999999977, 0.00999999977], [0.000000e+00, 0.000000e+00], [3.000000e-02, 3.000000e-02], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [6.000000e-02, 6.000000e-02]]> : tensor<6x2xf32>
func.func @concat_hidden(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %z = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[1.0, 0.0, 0.0], [0.0, 0.1, 0.0], [0.0, 0.0, 2.0], [0.2, 0.0, 0.0]]> : tensor<4x3xf32>
  %e1 = tensor.empty() : tensor<3x4xf32>
  %t1 = linalg.transpose ins(%w1 : tensor<4x3xf32>) outs(%e1 : tensor<3x4xf32>) permutation = [1, 0]
  %o1 = tensor.empty() : tensor<1x4xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%o1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %h1 = linalg.matmul ins(%x, %t1 : tensor<1x3xf32>, tensor<3x4xf32>) outs(%f1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %w2 = arith.constant dense<[[0.05, 0.0, 0.0], [3.0, 3.0, 3.0]]> : tensor<2x3xf32>
  %e2 = tensor.empty() : tensor<3x2xf32>
  %t2 = linalg.transpose ins(%w2 : tensor<2x3xf32>) outs(%e2 : tensor<3x2xf32>) permutation = [1, 0]
  %o2 = tensor.empty() : tensor<1x2xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%o2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %h2 = linalg.matmul ins(%x, %t2 : tensor<1x3xf32>, tensor<3x2xf32>) outs(%f2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %c = tensor.concat dim(1) %h1, %h2 : (tensor<1x4xf32>, tensor<1x2xf32>) -> tensor<1x6xf32>
  // expected-remark @+1 {{neurons of weight 'weight2' left alone: reaches the function result}}
  %w3 = arith.constant dense<[[0.01, 0.01], [0.02, 0.02], [0.03, 0.03], [0.04, 0.04], [0.05, 0.05], [0.06, 0.06]]> : tensor<6x2xf32>
  %f3 = linalg.fill ins(%z : f32) outs(%o2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul ins(%c, %w3 : tensor<1x6xf32>, tensor<6x2xf32>) outs(%f3 : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
