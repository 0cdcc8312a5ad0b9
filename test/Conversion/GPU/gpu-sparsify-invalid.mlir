// RUN: prune-opt %s --prune-gpu-sparsify --verify-diagnostics

// Recorded as 2:4 but the data is dense: an error at the weight, never a
// wrong kernel.
func.func @not_24(%x: tensor<8x16xf16>, %c: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{prune-gpu-sparsify: weight 'weight0' is recorded as 2:4 but column 0 has 4 non-zeros in reduction elements [0, 4)}}
  %w = arith.constant dense<1.0> : tensor<16x16xf16>
  // expected-note @+1 {{consumed here}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>}
         ins(%x, %w : tensor<8x16xf16>, tensor<16x16xf16>) outs(%c : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}
