// RUN: mlir-opt %s --load-pass-plugin=%prune_plugin --pass-pipeline="builtin.module(prune-unstructured{ratio=0.25})" | FileCheck %s
// RUN: mlir-opt %s --load-pass-plugin=%prune_plugin --pass-pipeline="builtin.module(prune-importance,prune-report{quiet=true output=-})" | FileCheck %s --check-prefix=REPORT

// Stock mlir-opt with the pass plugin runs the prune passes (the dialect
// is loaded as a dependent dialect of the passes).

// CHECK-LABEL: func.func @linear
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.25>} dense<{{\[\[}}0.000000e+00, 0.000000e+00, 3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00]]> : tensor<2x4xf32>
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.25, operand = 1>}

// REPORT:       "nonzeros": 8,
// REPORT:       "params": 8,
// REPORT-LABEL: func.func @linear
// REPORT:       arith.constant {prune.importance = #prune.importance<metric = l1, granularity = weight, scores = dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00]]> : tensor<2x4xf32>>}
func.func @linear(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
