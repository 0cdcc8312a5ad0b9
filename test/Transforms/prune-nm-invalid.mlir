// RUN: prune-opt %s -split-input-file --prune-nm -verify-diagnostics
// RUN: not prune-opt %s -split-input-file --prune-nm --mlir-print-ir-after-failure 2> %t.err
// RUN: FileCheck %s < %t.err

// One bad weight fails the pass and leaves every weight untouched: the good
// one below stays dense (checked in the IR printed after the failure).

// CHECK-LABEL: func.func @one_bad_weight
// CHECK:       arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00]]> : tensor<2x4xf32>
// CHECK-NOT:   prune.sparsity
// CHECK:       bad.weight: "0x040000000000803F0000004000004040000080400000A0400000C0400000E040"
func.func @one_bad_weight(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %good = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  // expected-error @+1 {{dense_resource 'bad.weight' holds 28 bytes but 'tensor<2x4xf32>' needs 32}}
  %bad = arith.constant dense_resource<bad.weight> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t1 = linalg.transpose ins(%good : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %t2 = linalg.transpose ins(%bad : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %y1 = linalg.matmul ins(%x, %t1 : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y2 = linalg.matmul ins(%x, %t2 : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y1, %y2 : tensor<1x2xf32>, tensor<1x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      bad.weight: "0x040000000000803F0000004000004040000080400000A0400000C0400000E040"
    }
  }
#-}

// -----

func.func @nan(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{weight 'weight0' contains NaN; refusing to rank it}}
  %w = arith.constant dense<[[1.0, 0x7FC00000, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @unsupported_type(%x: tensor<1x4xi64>, %o: tensor<1x2xi64>) -> tensor<1x2xi64> {
  // expected-error @+1 {{unsupported weight element type 'i64'; expected f16, bf16, f32, f64, i8, i16 or i32}}
  %w = arith.constant dense<1> : tensor<4x2xi64>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xi64>, tensor<4x2xi64>) outs(%o : tensor<1x2xi64>) -> tensor<1x2xi64>
  return %y : tensor<1x2xi64>
}

// -----

// No constant weight at all: an error at the module.
// expected-error @+1 {{found no constant weights feeding a contraction or convolution; nothing to prune}}
module {
func.func @no_weights(%x: tensor<1x4xf32>, %w: tensor<4x2xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
}
