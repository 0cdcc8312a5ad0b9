// RUN: prune-opt %s --prune-amx-block-sparse --split-input-file --verify-diagnostics

func.func @f16(%x: tensor<16x32xf16>, %w: tensor<32x16xf16>, %c: tensor<16x16xf32>) -> tensor<16x16xf32> {
  // expected-remark @+1 {{prune-amx-block-sparse: kept: AMX tiles take bf16 inputs with an f32 result}}
  %y = linalg.matmul ins(%x, %w : tensor<16x32xf16>, tensor<32x16xf16>) outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %y : tensor<16x16xf32>
}

// -----

func.func @shape(%x: tensor<16x48xbf16>, %c: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %w = arith.constant dense<1.0> : tensor<48x16xbf16>
  // expected-remark @+1 {{kept: the shape is not a multiple of the 16 x 16 x 32 AMX tile (M % 16, N % 16, K % 32)}}
  %y = linalg.matmul ins(%x, %w : tensor<16x48xbf16>, tensor<48x16xbf16>) outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %y : tensor<16x16xf32>
}

// -----

func.func @arg(%x: tensor<16x32xbf16>, %w: tensor<32x16xbf16>, %c: tensor<16x16xf32>) -> tensor<16x16xf32> {
  // expected-remark @+1 {{kept: the right-hand side is not a constant weight}}
  %y = linalg.matmul ins(%x, %w : tensor<16x32xbf16>, tensor<32x16xbf16>) outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %y : tensor<16x16xf32>
}

// -----

// A splat weight: every block non-zero.
func.func @splat(%x: tensor<16x64xbf16>, %c: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %w = arith.constant dense<1.0> : tensor<64x32xbf16>
  // expected-remark @+1 {{prune-amx-block-sparse: 4 of 4 weight tiles (32x16 bf16) issued per 16 rows of X}}
  %y = linalg.matmul ins(%x, %w : tensor<16x64xbf16>, tensor<64x32xbf16>) outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// -----

// An all-zero weight: no tile code at all, Y = C.
func.func @zero(%x: tensor<16x32xbf16>, %c: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %w = arith.constant dense<0.0> : tensor<32x16xbf16>
  // expected-remark @+1 {{prune-amx-block-sparse: 0 of 1 weight tiles (32x16 bf16) issued per 16 rows of X}}
  %y = linalg.matmul ins(%x, %w : tensor<16x32xbf16>, tensor<32x16xbf16>) outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %y : tensor<16x16xf32>
}

// -----

// The built-in tile-accelerator description parses (no further fields).
func.func @target() attributes {test.t = #prune.target<name = "intel-amx">} {
  return
}
