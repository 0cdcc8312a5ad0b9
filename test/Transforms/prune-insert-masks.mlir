// RUN: prune-opt %s -split-input-file --prune-insert-masks | FileCheck %s
// RUN: prune-opt %s -split-input-file --prune-insert-masks="as=global" | FileCheck %s --check-prefix=GLOBAL
// RUN: prune-opt %s -split-input-file --prune-insert-masks="as=global init=ones" | FileCheck %s --check-prefix=ONES

// A Linear whose weight has two zeros, and a second weight named by its
// dense_resource key. Each becomes W * M; every use of W uses the product.

// CHECK-LABEL: func.func @mlp
// CHECK-SAME:    (%[[X:.*]]: tensor<3x4xf32>, %[[M0:.*]]: tensor<2x4xf32> {prune.mask = "weight0"}, %[[M1:.*]]: tensor<2x2xf32> {prune.mask = "fc2"}) -> tensor<3x2xf32>
// CHECK:         %[[W:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 0.000000e+00, 3.000000e+00, -4.000000e+00], [0.000000e+00, -6.000000e+00, 7.000000e+00, -8.000000e+00]]> : tensor<2x4xf32>
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<2x4xf32>
// CHECK:         %[[WM:.*]] = linalg.generic {indexing_maps = [#[[ID:.*]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[W]], %[[M0]] : tensor<2x4xf32>, tensor<2x4xf32>) outs(%[[E]] : tensor<2x4xf32>)
// CHECK:           arith.mulf
// CHECK:         linalg.transpose ins(%[[WM]] : tensor<2x4xf32>)
// CHECK:         %[[W2:.*]] = arith.constant dense_resource<fc2> : tensor<2x2xf32>
// CHECK:         %[[WM2:.*]] = linalg.generic {{.*}} ins(%[[W2]], %[[M1]] : tensor<2x2xf32>, tensor<2x2xf32>)
// CHECK:         linalg.matmul ins(%{{.*}}, %[[WM2]] : tensor<3x2xf32>, tensor<2x2xf32>)

// The globals start as the current non-zeros (or all ones).
// GLOBAL:        memref.global @prune_mask_0 : memref<2x4xf32> = dense<{{\[}}[1.000000e+00, 0.000000e+00, 1.000000e+00, 1.000000e+00], [0.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00]]> {prune.mask = "weight0"}
// GLOBAL:        memref.global @prune_mask_1 : memref<2x2xf32> = dense<{{\[}}[1.000000e+00, 0.000000e+00], [1.000000e+00, 1.000000e+00]]> {prune.mask = "fc2"}
// GLOBAL-LABEL:  func.func @mlp
// GLOBAL-SAME:     (%{{.*}}: tensor<3x4xf32>) -> tensor<3x2xf32>
// GLOBAL:          %[[W:.*]] = arith.constant dense
// GLOBAL:          %[[G:.*]] = memref.get_global @prune_mask_0 : memref<2x4xf32>
// GLOBAL:          %[[M:.*]] = bufferization.to_tensor %[[G]] restrict : memref<2x4xf32> to tensor<2x4xf32>
// GLOBAL:          linalg.generic {{.*}} ins(%[[W]], %[[M]] : tensor<2x4xf32>, tensor<2x4xf32>)
// GLOBAL:          memref.get_global @prune_mask_1

// ONES:          memref.global @prune_mask_0 : memref<2x4xf32> = dense<1.000000e+00> {prune.mask = "weight0"}
// ONES:          memref.global @prune_mask_1 : memref<2x2xf32> = dense<1.000000e+00> {prune.mask = "fc2"}
func.func @mlp(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[1.0, 0.0, 3.0, -4.0], [0.0, -6.0, 7.0, -8.0]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<3x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%o : tensor<3x2xf32>) -> tensor<3x2xf32>
  %h = linalg.matmul ins(%x, %t : tensor<3x4xf32>, tensor<4x2xf32>) outs(%acc : tensor<3x2xf32>) -> tensor<3x2xf32>
  %w2 = arith.constant dense_resource<fc2> : tensor<2x2xf32>
  %y = linalg.matmul ins(%h, %w2 : tensor<3x2xf32>, tensor<2x2xf32>) outs(%acc : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      fc2: "0x040000000000803F000000000000404000008040"
    }
  }
#-}

// -----

// Excluded weights and weights of an integer type keep their constant.
// RUN: prune-opt %s -split-input-file --prune-insert-masks="exclude=fc*" | FileCheck %s --check-prefix=EXCL
// EXCL-LABEL:  func.func @named
// EXCL-SAME:     (%{{.*}}: tensor<1x2xf32>, %{{.*}}: tensor<2x2xf32> {prune.mask = "other"})
func.func @named(%x: tensor<1x2xf32>, %o: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %w = arith.constant dense<1.0> : tensor<2x2xf32> loc("fc1")
  %y = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  %v = arith.constant dense<2.0> : tensor<2x2xf32> loc("other")
  %z = linalg.matmul ins(%x, %v : tensor<1x2xf32>, tensor<2x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y, %z : tensor<1x2xf32>, tensor<1x2xf32>
}
