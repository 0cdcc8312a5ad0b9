// RUN: mlir-opt %s --load-dialect-plugin=%prune_plugin | FileCheck %s --check-prefix=PARSE
// RUN: mlir-opt %s --load-dialect-plugin=%prune_plugin --pass-pipeline="builtin.module(prune-nm)" | FileCheck %s
// RUN: mlir-opt %s --load-dialect-plugin=%prune_plugin --pass-pipeline="builtin.module(prune-nm{n=1 m=4})" | FileCheck %s --check-prefix=N14

// Stock mlir-opt with the dialect plugin parses and prints #prune.*
// attributes, verifies them, and runs the prune passes.

// PARSE-LABEL: func.func @linear
// PARSE-SAME:  prune.target = #prune.target<name = "x86-avx2">
// PARSE:       arith.constant {prune.importance = #prune.importance<metric = l1, granularity = channel, dim = 0, scores = dense<[1.000000e+01, 2.600000e+01]> : tensor<2xf32>>}

// CHECK-LABEL: func.func @linear
// CHECK:       arith.constant {prune.importance = #prune.importance<{{.*}}>, prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>} dense<{{\[\[}}0.000000e+00, 0.000000e+00, 3.000000e+00, 4.000000e+00], [0.000000e+00, 0.000000e+00, 7.000000e+00, 8.000000e+00]]> : tensor<2x4xf32>
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>}

// N14-LABEL: func.func @linear
// N14:       prune.sparsity = #prune.sparsity<pattern = nm, n = 1, m = 4, dim = 1, ratio = 0.75>} dense<{{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 4.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 8.000000e+00]]> : tensor<2x4xf32>
func.func @linear(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> attributes {prune.target = #prune.target<name = "x86-avx2">} {
  %w = arith.constant {prune.importance = #prune.importance<metric = l1, granularity = channel, dim = 0, scores = dense<[10.0, 26.0]> : tensor<2xf32>>} dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
