// RUN: prune-opt %s --prune-sme-block-sparse --split-input-file --verify-diagnostics
// RUN: not prune-opt %s --prune-sme-block-sparse="svl=384" 2>&1 | FileCheck %s --check-prefix=SVL

// SVL: error: prune-sme-block-sparse: svl must be a power of two in [128, 2048], got 384

func.func @bf16(%x: tensor<16x32xbf16>, %w: tensor<32x16xbf16>, %c: tensor<16x16xf32>) -> tensor<16x16xf32> {
  // expected-remark @+1 {{prune-sme-block-sparse: kept: the SME kernel takes f32 operands}}
  %y = linalg.matmul ins(%x, %w : tensor<16x32xbf16>, tensor<32x16xbf16>) outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %y : tensor<16x16xf32>
}

// -----

func.func @shape(%x: tensor<16x24xf32>, %c: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %w = arith.constant dense<1.0> : tensor<24x16xf32>
  // expected-remark @+1 {{kept: the shape is not a multiple of the 16 x 16 ZA tile}}
  %y = linalg.matmul ins(%x, %w : tensor<16x24xf32>, tensor<24x16xf32>) outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %y : tensor<16x16xf32>
}

// -----

func.func @arg(%x: tensor<16x16xf32>, %w: tensor<16x16xf32>, %c: tensor<16x16xf32>) -> tensor<16x16xf32> {
  // expected-remark @+1 {{kept: the right-hand side is not a constant weight}}
  %y = linalg.matmul ins(%x, %w : tensor<16x16xf32>, tensor<16x16xf32>) outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %y : tensor<16x16xf32>
}

// -----

// All-zero weight: no SME code (and no vscale check), Y = C.
func.func @zero(%x: tensor<16x16xf32>, %c: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %w = arith.constant dense<0.0> : tensor<16x16xf32>
  // expected-remark @+1 {{prune-sme-block-sparse: 0 of 1 weight blocks (16x16 f32) issued per 16 rows of X}}
  %y = linalg.matmul ins(%x, %w : tensor<16x16xf32>, tensor<16x16xf32>) outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %y : tensor<16x16xf32>
}

// -----

// The built-in description parses (no further fields).
func.func @target() attributes {test.t = #prune.target<name = "arm-sme">} {
  return
}
