// RUN: prune-opt %s -split-input-file --prune-heads="ratio=0.5" -verify-diagnostics | FileCheck %s

// Two heads of size 2 in the importer's 3-D form: q/k/v projections,
// expand_shape [S, H*D] -> [S, H, D], transpose to [H, S, D], batch_matmul
// for QK^T and PV, transpose back, collapse_shape, output projection. Head 1
// has the smaller weights, so head 0 stays: q/k/v keep rows 0-1 and the
// output projection keeps columns 0-1.
#map = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @attention
// CHECK: %[[WQ:.*]] = arith.constant {{.*}}dense<{{\[\[}}1.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x4xf32>
// CHECK: %[[WO:.*]] = arith.constant {{.*}}dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00], [7.000000e+00, 8.000000e+00]]> : tensor<4x2xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [4, 1, 2] : tensor<4x2xf32> into tensor<4x1x2xf32>
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<1x4x2xf32>, tensor<1x2x4xf32>) outs(%{{.*}} : tensor<1x4x4xf32>)
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<1x4x4xf32>, tensor<1x4x2xf32>) outs(%{{.*}} : tensor<1x4x2xf32>)
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2]] : tensor<4x1x2xf32> into tensor<4x2xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x2xf32>, tensor<2x4xf32>) outs(%{{.*}} : tensor<4x4xf32>)
func.func @attention(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %wq = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.1, 0.0], [0.0, 0.0, 0.0, 0.1]]> : tensor<4x4xf32>
  %wk = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.1, 0.0], [0.0, 0.0, 0.0, 0.1]]> : tensor<4x4xf32>
  %wv = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.1, 0.0], [0.0, 0.0, 0.0, 0.1]]> : tensor<4x4xf32>
  %wo = arith.constant dense<[[1.0, 2.0, 0.1, 0.1], [3.0, 4.0, 0.1, 0.1], [5.0, 6.0, 0.1, 0.1], [7.0, 8.0, 0.1, 0.1]]> : tensor<4x4xf32>
  %z = arith.constant 0.0 : f32
  %e44 = tensor.empty() : tensor<4x4xf32>
  %f44 = linalg.fill ins(%z : f32) outs(%e44 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %tq = linalg.transpose ins(%wq : tensor<4x4xf32>) outs(%e44 : tensor<4x4xf32>) permutation = [1, 0]
  %tk = linalg.transpose ins(%wk : tensor<4x4xf32>) outs(%e44 : tensor<4x4xf32>) permutation = [1, 0]
  %tv = linalg.transpose ins(%wv : tensor<4x4xf32>) outs(%e44 : tensor<4x4xf32>) permutation = [1, 0]
  %q = linalg.matmul ins(%x, %tq : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f44 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %k = linalg.matmul ins(%x, %tk : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f44 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %v = linalg.matmul ins(%x, %tv : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f44 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %q3 = tensor.expand_shape %q [[0], [1, 2]] output_shape [4, 2, 2] : tensor<4x4xf32> into tensor<4x2x2xf32>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [4, 2, 2] : tensor<4x4xf32> into tensor<4x2x2xf32>
  %v3 = tensor.expand_shape %v [[0], [1, 2]] output_shape [4, 2, 2] : tensor<4x4xf32> into tensor<4x2x2xf32>
  %e242 = tensor.empty() : tensor<2x4x2xf32>
  %e224 = tensor.empty() : tensor<2x2x4xf32>
  %qh = linalg.transpose ins(%q3 : tensor<4x2x2xf32>) outs(%e242 : tensor<2x4x2xf32>) permutation = [1, 0, 2]
  %kh = linalg.transpose ins(%k3 : tensor<4x2x2xf32>) outs(%e224 : tensor<2x2x4xf32>) permutation = [1, 2, 0]
  %vh = linalg.transpose ins(%v3 : tensor<4x2x2xf32>) outs(%e242 : tensor<2x4x2xf32>) permutation = [1, 0, 2]
  %e244 = tensor.empty() : tensor<2x4x4xf32>
  %f244 = linalg.fill ins(%z : f32) outs(%e244 : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%qh, %kh : tensor<2x4x2xf32>, tensor<2x2x4xf32>) outs(%f244 : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %f242 = linalg.fill ins(%z : f32) outs(%e242 : tensor<2x4x2xf32>) -> tensor<2x4x2xf32>
  %o = linalg.batch_matmul ins(%s, %vh : tensor<2x4x4xf32>, tensor<2x4x2xf32>) outs(%f242 : tensor<2x4x2xf32>) -> tensor<2x4x2xf32>
  %e422 = tensor.empty() : tensor<4x2x2xf32>
  %ot = linalg.transpose ins(%o : tensor<2x4x2xf32>) outs(%e422 : tensor<4x2x2xf32>) permutation = [1, 0, 2]
  %oc = tensor.collapse_shape %ot [[0], [1, 2]] : tensor<4x2x2xf32> into tensor<4x4xf32>
  %to = linalg.transpose ins(%wo : tensor<4x4xf32>) outs(%e44 : tensor<4x4xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%oc, %to : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f44 : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}

// -----

// Grouped-query attention: two key heads each serve two of the four query
// heads (broadcast, then collapsed into the query heads). Refused with a
// remark; nothing changes.
// CHECK-LABEL: func.func @gqa
// CHECK: arith.constant {{.*}} : tensor<8x4xf32>
// CHECK: arith.constant {{.*}} : tensor<4x4xf32>
func.func @gqa(%x: tensor<4x4xf32>) -> tensor<4x4x4xf32> {
  // expected-remark @+1 {{heads of weight 'weight0' left alone: its heads are themselves split from other heads (grouped-query attention}}
  %wq = arith.constant dense<1.0> : tensor<8x4xf32>
  // expected-remark @+1 {{heads of weight 'weight1' left alone: its heads are themselves split from other heads (grouped-query attention}}
  %wk = arith.constant dense<2.0> : tensor<4x4xf32>
  %z = arith.constant 0.0 : f32
  %e48 = tensor.empty() : tensor<4x8xf32>
  %f48 = linalg.fill ins(%z : f32) outs(%e48 : tensor<4x8xf32>) -> tensor<4x8xf32>
  %tq = linalg.transpose ins(%wq : tensor<8x4xf32>) outs(%e48 : tensor<4x8xf32>) permutation = [1, 0]
  %q = linalg.matmul ins(%x, %tq : tensor<4x4xf32>, tensor<4x8xf32>) outs(%f48 : tensor<4x8xf32>) -> tensor<4x8xf32>
  %e44 = tensor.empty() : tensor<4x4xf32>
  %f44 = linalg.fill ins(%z : f32) outs(%e44 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %tk = linalg.transpose ins(%wk : tensor<4x4xf32>) outs(%e44 : tensor<4x4xf32>) permutation = [1, 0]
  %k = linalg.matmul ins(%x, %tk : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f44 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [4, 2, 2] : tensor<4x4xf32> into tensor<4x2x2xf32>
  %eb = tensor.empty() : tensor<4x2x2x2xf32>
  %kb = linalg.broadcast ins(%k3 : tensor<4x2x2xf32>) outs(%eb : tensor<4x2x2x2xf32>) dimensions = [2]
  %kr = tensor.collapse_shape %kb [[0], [1, 2], [3]] : tensor<4x2x2x2xf32> into tensor<4x4x2xf32>
  %q3 = tensor.expand_shape %q [[0], [1, 2]] output_shape [4, 4, 2] : tensor<4x8xf32> into tensor<4x4x2xf32>
  %e442 = tensor.empty() : tensor<4x4x2xf32>
  %e424 = tensor.empty() : tensor<4x2x4xf32>
  %qh = linalg.transpose ins(%q3 : tensor<4x4x2xf32>) outs(%e442 : tensor<4x4x2xf32>) permutation = [1, 0, 2]
  %kh = linalg.transpose ins(%kr : tensor<4x4x2xf32>) outs(%e424 : tensor<4x2x4xf32>) permutation = [1, 2, 0]
  %e444 = tensor.empty() : tensor<4x4x4xf32>
  %f444 = linalg.fill ins(%z : f32) outs(%e444 : tensor<4x4x4xf32>) -> tensor<4x4x4xf32>
  %s = linalg.batch_matmul ins(%qh, %kh : tensor<4x4x2xf32>, tensor<4x2x4xf32>) outs(%f444 : tensor<4x4x4xf32>) -> tensor<4x4x4xf32>
  return %s : tensor<4x4x4xf32>
}

// -----

// The 4-D form: [B, S, H*D] -> [B, S, H, D] -> [B, H, S, D], attention as
// 4-D linalg.generic contractions, and back. Two heads of 2; head 0 stays.
#q = affine_map<(b, h, s, t, d) -> (b, h, s, d)>
#k = affine_map<(b, h, s, t, d) -> (b, h, t, d)>
#sc = affine_map<(b, h, s, t, d) -> (b, h, s, t)>
#p = affine_map<(b, h, s, d, t) -> (b, h, s, t)>
#v = affine_map<(b, h, s, d, t) -> (b, h, t, d)>
#o = affine_map<(b, h, s, d, t) -> (b, h, s, d)>
// CHECK-LABEL: func.func @attention_4d
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] output_shape [1, 4, 1, 2] : tensor<1x4x2xf32> into tensor<1x4x1x2xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x1x4x2xf32>, tensor<1x1x4x2xf32>) outs(%{{.*}} : tensor<1x1x4x4xf32>)
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : tensor<1x4x1x2xf32> into tensor<1x4x2xf32>
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<1x4x2xf32>, tensor<1x2x4xf32>)
func.func @attention_4d(%x: tensor<1x4x4xf32>) -> tensor<1x4x4xf32> {
  %wq = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.1, 0.0], [0.0, 0.0, 0.0, 0.1]]> : tensor<4x4xf32>
  %wk = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.1, 0.0], [0.0, 0.0, 0.0, 0.1]]> : tensor<4x4xf32>
  %wv = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.1, 0.0], [0.0, 0.0, 0.0, 0.1]]> : tensor<4x4xf32>
  %wo = arith.constant dense<[[1.0, 2.0, 0.1, 0.1], [3.0, 4.0, 0.1, 0.1], [5.0, 6.0, 0.1, 0.1], [7.0, 8.0, 0.1, 0.1]]> : tensor<4x4xf32>
  %z = arith.constant 0.0 : f32
  %e44 = tensor.empty() : tensor<4x4xf32>
  %e144 = tensor.empty() : tensor<1x4x4xf32>
  %f144 = linalg.fill ins(%z : f32) outs(%e144 : tensor<1x4x4xf32>) -> tensor<1x4x4xf32>
  %tq = linalg.transpose ins(%wq : tensor<4x4xf32>) outs(%e44 : tensor<4x4xf32>) permutation = [1, 0]
  %tk = linalg.transpose ins(%wk : tensor<4x4xf32>) outs(%e44 : tensor<4x4xf32>) permutation = [1, 0]
  %tv = linalg.transpose ins(%wv : tensor<4x4xf32>) outs(%e44 : tensor<4x4xf32>) permutation = [1, 0]
  %bq = linalg.broadcast ins(%tq : tensor<4x4xf32>) outs(%e144 : tensor<1x4x4xf32>) dimensions = [0]
  %bk = linalg.broadcast ins(%tk : tensor<4x4xf32>) outs(%e144 : tensor<1x4x4xf32>) dimensions = [0]
  %bv = linalg.broadcast ins(%tv : tensor<4x4xf32>) outs(%e144 : tensor<1x4x4xf32>) dimensions = [0]
  %q = linalg.batch_matmul ins(%x, %bq : tensor<1x4x4xf32>, tensor<1x4x4xf32>) outs(%f144 : tensor<1x4x4xf32>) -> tensor<1x4x4xf32>
  %k = linalg.batch_matmul ins(%x, %bk : tensor<1x4x4xf32>, tensor<1x4x4xf32>) outs(%f144 : tensor<1x4x4xf32>) -> tensor<1x4x4xf32>
  %v = linalg.batch_matmul ins(%x, %bv : tensor<1x4x4xf32>, tensor<1x4x4xf32>) outs(%f144 : tensor<1x4x4xf32>) -> tensor<1x4x4xf32>
  %q4 = tensor.expand_shape %q [[0], [1], [2, 3]] output_shape [1, 4, 2, 2] : tensor<1x4x4xf32> into tensor<1x4x2x2xf32>
  %k4 = tensor.expand_shape %k [[0], [1], [2, 3]] output_shape [1, 4, 2, 2] : tensor<1x4x4xf32> into tensor<1x4x2x2xf32>
  %v4 = tensor.expand_shape %v [[0], [1], [2, 3]] output_shape [1, 4, 2, 2] : tensor<1x4x4xf32> into tensor<1x4x2x2xf32>
  %e1242 = tensor.empty() : tensor<1x2x4x2xf32>
  %qh = linalg.transpose ins(%q4 : tensor<1x4x2x2xf32>) outs(%e1242 : tensor<1x2x4x2xf32>) permutation = [0, 2, 1, 3]
  %kh = linalg.transpose ins(%k4 : tensor<1x4x2x2xf32>) outs(%e1242 : tensor<1x2x4x2xf32>) permutation = [0, 2, 1, 3]
  %vh = linalg.transpose ins(%v4 : tensor<1x4x2x2xf32>) outs(%e1242 : tensor<1x2x4x2xf32>) permutation = [0, 2, 1, 3]
  %e1244 = tensor.empty() : tensor<1x2x4x4xf32>
  %f1244 = linalg.fill ins(%z : f32) outs(%e1244 : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %s = linalg.generic {indexing_maps = [#q, #k, #sc], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%qh, %kh : tensor<1x2x4x2xf32>, tensor<1x2x4x2xf32>) outs(%f1244 : tensor<1x2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x2x4x4xf32>
  %f1242 = linalg.fill ins(%z : f32) outs(%e1242 : tensor<1x2x4x2xf32>) -> tensor<1x2x4x2xf32>
  %o = linalg.generic {indexing_maps = [#p, #v, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%s, %vh : tensor<1x2x4x4xf32>, tensor<1x2x4x2xf32>) outs(%f1242 : tensor<1x2x4x2xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x2x4x2xf32>
  %e1422 = tensor.empty() : tensor<1x4x2x2xf32>
  %ot = linalg.transpose ins(%o : tensor<1x2x4x2xf32>) outs(%e1422 : tensor<1x4x2x2xf32>) permutation = [0, 2, 1, 3]
  %oc = tensor.collapse_shape %ot [[0], [1], [2, 3]] : tensor<1x4x2x2xf32> into tensor<1x4x4xf32>
  %to = linalg.transpose ins(%wo : tensor<4x4xf32>) outs(%e44 : tensor<4x4xf32>) permutation = [1, 0]
  %bo = linalg.broadcast ins(%to : tensor<4x4xf32>) outs(%e144 : tensor<1x4x4xf32>) dimensions = [0]
  %y = linalg.batch_matmul ins(%oc, %bo : tensor<1x4x4xf32>, tensor<1x4x4xf32>) outs(%f144 : tensor<1x4x4xf32>) -> tensor<1x4x4xf32>
  return %y : tensor<1x4x4xf32>
}
