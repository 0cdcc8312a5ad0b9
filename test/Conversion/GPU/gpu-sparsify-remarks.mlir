// RUN: prune-opt %s --prune-gpu-sparsify --split-input-file --verify-diagnostics

// f32 stays on the host.
func.func @f32(%x: tensor<8x16xf32>, %w: tensor<16x16xf32>, %c: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-remark @+1 {{prune-gpu-sparsify: kept on the host: only f16 or bf16 inputs (both the same) with a result of that type or f32 run on the tensor-core kernels}}
  %y = linalg.matmul ins(%x, %w : tensor<8x16xf32>, tensor<16x16xf32>) outs(%c : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// f16 activations with a bf16 weight: no MMA takes mixed 16-bit inputs.
func.func @mixed(%x: tensor<8x16xf16>, %w: tensor<16x16xbf16>, %c: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-remark @+1 {{kept on the host: only f16 or bf16 inputs (both the same)}}
  %y = linalg.matmul ins(%x, %w : tensor<8x16xf16>, tensor<16x16xbf16>) outs(%c : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// Shapes that are not multiples of the 8 x 16 x 16 tile.
func.func @shape(%x: tensor<8x20xf16>, %w: tensor<20x16xf16>, %c: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-remark @+1 {{kept on the host: the shape is not a multiple of the 8 x 16 x 16 tile}}
  %y = linalg.matmul ins(%x, %w : tensor<8x20xf16>, tensor<20x16xf16>) outs(%c : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// 2:4 recorded on a non-constant weight: the dense MMA.
func.func @arg(%x: tensor<8x16xf16>, %w: tensor<16x16xf16>, %c: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-remark @+2 {{prune-gpu-sparsify: dense MMA: the right-hand side is not a constant weight}}
  // expected-remark @+1 {{prune-gpu-sparsify: dense kernel on nvgpu.mma.sync}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>}
         ins(%x, %w : tensor<8x16xf16>, tensor<16x16xf16>) outs(%c : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// 1:4 is not what the sparse tensor cores run.
func.func @one_four(%x: tensor<8x16xf16>, %c: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %w = arith.constant dense<0.0> : tensor<16x16xf16>
  // expected-remark @+2 {{dense MMA: the recorded pattern is not 2:4}}
  // expected-remark @+1 {{dense kernel on nvgpu.mma.sync}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 1, m = 4, dim = 0, ratio = 0.75, operand = 1>}
         ins(%x, %w : tensor<8x16xf16>, tensor<16x16xf16>) outs(%c : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// 2:4 along the output dim (dim = 1) is not the reduction dim.
func.func @wrong_dim(%x: tensor<8x16xf16>, %c: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %w = arith.constant dense<0.0> : tensor<16x16xf16>
  // expected-remark @+2 {{dense MMA: 2:4 is not along the reduction dim of the right-hand side (operand = 1, dim = 0)}}
  // expected-remark @+1 {{dense kernel on nvgpu.mma.sync}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5, operand = 1>}
         ins(%x, %w : tensor<8x16xf16>, tensor<16x16xf16>) outs(%c : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// bf16: the same choices, on inline PTX.
func.func @bf16(%x: tensor<8x16xbf16>, %w: tensor<16x16xbf16>, %c: tensor<8x16xbf16>) -> tensor<8x16xbf16> {
  // expected-remark @+2 {{prune-gpu-sparsify: dense MMA: the right-hand side is not a constant weight}}
  // expected-remark @+1 {{prune-gpu-sparsify: bf16 dense kernel on mma (inline PTX)}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>}
         ins(%x, %w : tensor<8x16xbf16>, tensor<16x16xbf16>) outs(%c : tensor<8x16xbf16>) -> tensor<8x16xbf16>
  return %y : tensor<8x16xbf16>
}
