// RUN: prune-opt %s -split-input-file --prune-tosa-concat | FileCheck %s

// CHECK-LABEL: func.func @channels
// CHECK-SAME:    (%[[A:.*]]: tensor<1x4x4x6xf32>, %[[B:.*]]: tensor<1x4x4x4xf32>)
// CHECK-NOT:     tosa.concat
// CHECK:         %[[C:.*]] = tensor.concat dim(3) %[[A]], %[[B]], %[[A]] : (tensor<1x4x4x6xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x6xf32>) -> tensor<1x4x4x16xf32>
// CHECK:         return %[[C]]
func.func @channels(%a: tensor<1x4x4x6xf32>, %b: tensor<1x4x4x4xf32>) -> tensor<1x4x4x16xf32> {
  %c = tosa.concat %a, %b, %a {axis = 3 : i32} : (tensor<1x4x4x6xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x6xf32>) -> tensor<1x4x4x16xf32>
  return %c : tensor<1x4x4x16xf32>
}

// -----

// CHECK-LABEL: func.func @rows
// CHECK:         tensor.concat dim(0) %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<3x3xf32>
func.func @rows(%a: tensor<2x3xf32>, %b: tensor<1x3xf32>) -> tensor<3x3xf32> {
  %c = tosa.concat %a, %b {axis = 0 : i32} : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<3x3xf32>
  return %c : tensor<3x3xf32>
}

// -----

// Dynamic shapes are left to upstream's lowering.
// CHECK-LABEL: func.func @dynamic
// CHECK:         tosa.concat
// CHECK-NOT:     tensor.concat
func.func @dynamic(%a: tensor<?x3xf32>, %b: tensor<1x3xf32>) -> tensor<?x3xf32> {
  %c = tosa.concat %a, %b {axis = 0 : i32} : (tensor<?x3xf32>, tensor<1x3xf32>) -> tensor<?x3xf32>
  return %c : tensor<?x3xf32>
}
