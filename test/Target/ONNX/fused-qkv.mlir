// A fused [C, 3C] q/k/v projection, reshaped [N, S, 3, H, D] and moved to
// [3, N, H, S, D] (SVTR in PaddleOCR's recognizer), is imported as three
// projections with their own weight and bias column blocks, each split
// [.., H*D] -> [.., H, D] as torch-mlir emits attention, so the coupling
// analysis finds a prunable head structure (prune-heads can remove heads).
// REQUIRES: onnx, prune-translate
// RUN: %python %S/Inputs/onnxgen.py fused_qkv %t.onnx
// RUN: prune-translate --import-onnx %t.onnx | FileCheck %s
// RUN: prune-translate --import-onnx %t.onnx | prune-opt --prune-print-coupling -o /dev/null 2>&1 | FileCheck %s --check-prefix=COUPLING
// RUN: prune-translate --import-onnx %t.onnx | prune-opt --prune-heads="ratio=0.5" | FileCheck %s --check-prefix=HEADS

// CHECK-LABEL: func.func @forward(
// CHECK-DAG: %[[Q:.*]] = arith.constant dense_resource<qkv.weight.q> : tensor<8x8xf32>
// CHECK-DAG: %[[K:.*]] = arith.constant dense_resource<qkv.weight.k> : tensor<8x8xf32>
// CHECK-DAG: %[[V:.*]] = arith.constant dense_resource<qkv.weight.v> : tensor<8x8xf32>
// CHECK-DAG: arith.constant dense_resource<qkv.bias.q> : tensor<8xf32>
// CHECK-NOT: tensor<8x24xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %[[Q]] :
// CHECK: tensor.expand_shape {{.*}} : tensor<1x6x8xf32> into tensor<1x6x2x4xf32>
// CHECK: linalg.transpose {{.*}} permutation = [0, 2, 1, 3]
// CHECK: linalg.matmul ins(%{{.*}}, %[[K]] :
// CHECK: linalg.matmul ins(%{{.*}}, %[[V]] :
// CHECK-NOT: tensor<1x6x3x2x4xf32>
// CHECK: return

// COUPLING: heads: group {{[0-9]+}}, 2 x 4, flat groups {{[0-9]+ [0-9]+ [0-9]+ [0-9]+}}, prunable

// One of the two heads removed: q, k, v weights keep 4 of 8 columns, the
// output projection 4 of 8 rows.
// HEADS-DAG: arith.constant {{.*}}dense_resource<qkv.weight.q{{.*}}> : tensor<8x4xf32>
// HEADS-DAG: tensor.expand_shape {{.*}} into tensor<1x6x1x4xf32>
// HEADS-DAG: arith.constant {{.*}}dense_resource<proj.weight{{.*}}> : tensor<4x8xf32>
