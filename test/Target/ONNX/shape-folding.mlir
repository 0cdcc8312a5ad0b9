// Pinned dynamic dims, and the Shape/Gather/Unsqueeze/Concat/Cast shape
// arithmetic exporters leave, folded away: the Reshape becomes one
// collapse_shape.
// REQUIRES: onnx, prune-translate
// RUN: %python %S/Inputs/onnxgen.py dynamic %t.onnx
// RUN: prune-translate --import-onnx %t.onnx --input-shape=x:2,3,4,4 | FileCheck %s

// CHECK-LABEL: func.func @forward(
// CHECK-SAME: tensor<2x3x4x4xf32> {onnx.name = "x"}) -> (tensor<2x5xf32> {onnx.name = "y"})
// CHECK-NOT: tensor.reshape
// CHECK: %[[C:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<2x3x4x4xf32> into tensor<2x48xf32>
// CHECK: linalg.matmul ins(%[[C]], %{{.*}} : tensor<2x48xf32>, tensor<48x5xf32>)
