// RUN: prune-opt %s -split-input-file --prune-relu-skip | FileCheck %s
// RUN: prune-opt %s -split-input-file --prune-relu-skip="granularity=batch" | FileCheck %s --check-prefix=BATCH

#map = affine_map<(d0, d1) -> (d0, d1)>

// matmul(relu(h), W): per row, a loop over the 8 hidden units that adds
// a * W[k, :] to the output row only when a = h[i, k] is non-zero.

// CHECK-LABEL: func.func @maximumf
// CHECK-SAME:    (%[[H:.*]]: tensor<4x8xf32>, %[[W:.*]]: tensor<8x3xf32>, %[[ACC:.*]]: tensor<4x3xf32>)
// CHECK:         %[[R:.*]] = linalg.generic
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG:     %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG:     %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[Y:.*]] = scf.for %[[I:.*]] = %[[C0]] to %[[C4]] step %[[C1]] iter_args(%[[O:.*]] = %[[ACC]]) -> (tensor<4x3xf32>)
// CHECK:           scf.for %[[K:.*]] = %[[C0]] to %[[C8]] step %[[C1]] iter_args(%[[O2:.*]] = %[[O]]) -> (tensor<4x3xf32>)
// CHECK:             %[[A:.*]] = tensor.extract %[[R]][%[[I]], %[[K]]] : tensor<4x8xf32>
// CHECK:             %[[LIVE:.*]] = arith.cmpf une, %[[A]], %[[Z]] : f32
// CHECK:             scf.if %[[LIVE]] -> (tensor<4x3xf32>)
// CHECK:               %[[OROW:.*]] = tensor.extract_slice %[[O2]][%[[I]], 0] [1, 3] [1, 1] : tensor<4x3xf32> to tensor<3xf32>
// CHECK:               %[[WROW:.*]] = tensor.extract_slice %[[W]][%[[K]], 0] [1, 3] [1, 1] : tensor<8x3xf32> to tensor<3xf32>
// CHECK:               %[[AXPY:.*]] = linalg.generic {{.*}} ins(%[[A]], %[[WROW]] : f32, tensor<3xf32>) outs(%[[OROW]] : tensor<3xf32>)
// CHECK:                 arith.mulf
// CHECK:                 arith.addf
// CHECK:               %[[UPD:.*]] = tensor.insert_slice %[[AXPY]] into %[[O2]][%[[I]], 0] [1, 3] [1, 1]
// CHECK:               scf.yield %[[UPD]]
// CHECK:             } else {
// CHECK:               scf.yield %[[O2]]
// CHECK-NOT:     linalg.matmul
// CHECK:         return %[[Y]]

// BATCH-LABEL: func.func @maximumf
// BATCH:         scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[O:.*]] = %{{.*}}) -> (tensor<4x3xf32>)
// BATCH:           %[[ANY:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %false) -> (i1)
// BATCH:             arith.cmpf une
// BATCH:             arith.ori
// BATCH:           scf.if %[[ANY]] -> (tensor<4x3xf32>)
// BATCH:             %[[COL:.*]] = tensor.extract_slice %{{.*}}[0, %[[K]]] [4, 1] [1, 1] : tensor<4x8xf32> to tensor<4xf32>
// BATCH:             %[[WROW:.*]] = tensor.extract_slice %{{.*}}[%[[K]], 0] [1, 3] [1, 1] : tensor<8x3xf32> to tensor<3xf32>
// BATCH:             linalg.generic {{.*}} ins(%[[COL]], %[[WROW]] : tensor<4xf32>, tensor<3xf32>) outs(%[[O]] : tensor<4x3xf32>)
// BATCH-NOT:     linalg.matmul
func.func @maximumf(%h: tensor<4x8xf32>, %w: tensor<8x3xf32>, %acc: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%h : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  %y = linalg.matmul ins(%r, %w : tensor<4x8xf32>, tensor<8x3xf32>) outs(%acc : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

#map = affine_map<(d0, d1) -> (d0, d1)>

// The ReLU torch-mlir sometimes emits: select(x > 0, x, 0), zero inside.
// CHECK-LABEL: func.func @select
// CHECK:         scf.for
// CHECK:           scf.if
// CHECK-NOT:     linalg.matmul
func.func @select(%h: tensor<2x4xf32>, %w: tensor<4x2xf32>, %acc: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %e = tensor.empty() : tensor<2x4xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%h : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %zero = arith.constant 0.0 : f32
    %c = arith.cmpf ugt, %in, %zero : f32
    %s = arith.select %c, %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  %y = linalg.matmul ins(%r, %w : tensor<2x4xf32>, tensor<4x2xf32>) outs(%acc : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

#map = affine_map<(d0, d1) -> (d0, d1)>

// maxnumf with the zero first.
// CHECK-LABEL: func.func @maxnumf
// CHECK:         scf.if
// CHECK-NOT:     linalg.matmul
func.func @maxnumf(%h: tensor<2x4xf32>, %w: tensor<4x2xf32>, %acc: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %zero = arith.constant -0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%h : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maxnumf %zero, %in : f32
    linalg.yield %m : f32
  } -> tensor<2x4xf32>
  %y = linalg.matmul ins(%r, %w : tensor<2x4xf32>, tensor<4x2xf32>) outs(%acc : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
