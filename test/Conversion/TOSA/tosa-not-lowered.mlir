// RUN: prune-opt %s --prune-nm="n=2 m=4" -verify-diagnostics | FileCheck %s

// A TOSA contraction the pruning passes meet before prune-tosa-to-linalg
// is not silently skipped: it gets a warning that says what to run and is
// left as it is, while the linalg contraction beside it is pruned.

// CHECK-LABEL: func.func @not_lowered
// CHECK:         "tosa.const"() <{values = dense<1.000000e+00> : tensor<1x8x2xf32>}>
// CHECK:         tosa.matmul
// CHECK:         arith.constant {prune.sparsity = #prune.sparsity<pattern = nm
// CHECK:         linalg.matmul {prune.sparsity
func.func @not_lowered(%x: tensor<1x3x8xf32>, %x2: tensor<3x8xf32>) -> (tensor<1x3x2xf32>, tensor<3x2xf32>) {
  %w = "tosa.const"() {values = dense<1.0> : tensor<1x8x2xf32>} : () -> tensor<1x8x2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-warning @+1 {{TOSA op is not pruned: lower TOSA to linalg first (--prune-tosa-to-linalg)}}
  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<1x3x8xf32>, tensor<1x8x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2xf32>
  %w2 = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0], [1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<8x2xf32>
  %z = arith.constant dense<0.0> : tensor<3x2xf32>
  %y2 = linalg.matmul ins(%x2, %w2 : tensor<3x8xf32>, tensor<8x2xf32>) outs(%z : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y, %y2 : tensor<1x3x2xf32>, tensor<3x2xf32>
}
