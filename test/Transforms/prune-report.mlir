// RUN: prune-opt %s --prune-report="output=%t.json" 2>&1 | FileCheck %s
// RUN: FileCheck %s --check-prefix=JSON < %t.json
// RUN: prune-opt %s --prune-report="quiet=true output=-" | FileCheck %s --check-prefix=STDOUT

// Hand-computed: FLOPs = 2 * product of loop ranges; after = before *
// density. Packed bytes: N:M = kept values + ceil(log2 M)-bit positions
// (8 * 4 + 16 * 2 / 8 = 34); CSR = nnz * (4 + 4) + (rows + 1) * 4 with rows
// = the output dim (3 * 8 + 5 * 4 = 44); BSR = live blocks * (R * C * 4 + 4)
// + (block rows + 1) * 4 (2 * 20 + 3 * 4 = 52). The weightless matmul adds
// 16 FLOPs to both totals.

// CHECK:      === prune-report ===
// CHECK-NEXT: weight shape pattern params nonzeros sparse dense B packed B FLOPs FLOPs now
// CHECK-NEXT: fc1.weight 2x8 2:4 16 8 50.0% 64 34 128 64
// CHECK-NEXT: fc2.weight 2x4 unstructured 8 3 62.5% 32 44 64 24
// CHECK-NEXT: fc3.weight 4x4 dense 16 16 0.0% 32 32 128 128
// CHECK-NEXT: fc4.weight 4x4 block 2x2 16 8 50.0% 64 52 128 64
// CHECK-NEXT: total 56 35 37.5% 192 162 464 296
// CHECK-NEXT: weights: 4, parameters 56 -> 35 non-zero, bytes 192 -> 162, FLOPs 464 -> 296 (1.57x)
// The IR is not changed.
// CHECK:      func.func @model
// CHECK:      arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>} dense<{{\[\[}}0.000000e+00, 0.000000e+00, 3.000000e+00, -4.000000e+00, 0.000000e+00, 0.000000e+00, 7.000000e+00, -8.000000e+00], [0.000000e+00, 0.000000e+00, -7.500000e-01, 8.000000e+00, -1.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x8xf32>
// CHECK:      arith.constant dense<1.000000e+00> : tensor<4x4xf16>

// Keys are sorted; other keys may come in between.
// JSON:      "total": {
// JSON:        "compressed_bytes": 162,
// JSON:        "dense_bytes": 192,
// JSON:        "flops_after": 296,
// JSON:        "flops_before": 464,
// JSON:        "name": "total",
// JSON:        "nonzeros": 35,
// JSON:        "params": 56,
// JSON:        "sparsity": 0.375
// JSON:      "weights": [
// JSON:        {
// JSON:          "compressed_bytes": 34,
// JSON:          "dense_bytes": 64,
// JSON:          "dtype": "f32",
// JSON:          "flops_after": 64,
// JSON:          "flops_before": 128,
// JSON:          "name": "fc1.weight",
// JSON:          "nonzeros": 8,
// JSON:          "params": 16,
// JSON:          "pattern": "2:4",
// JSON:          "shape": "2x8",
// JSON:          "sparsity": 0.5
// JSON:          "compressed_bytes": 44,
// JSON:          "name": "fc2.weight",
// JSON:          "nonzeros": 3,
// JSON:          "pattern": "unstructured",
// JSON:          "sparsity": 0.625
// JSON:          "compressed_bytes": 32,
// JSON:          "dense_bytes": 32,
// JSON:          "dtype": "f16",
// JSON:          "name": "fc3.weight",
// JSON:          "pattern": "dense",
// JSON:          "compressed_bytes": 52,
// JSON:          "name": "fc4.weight",
// JSON:          "pattern": "block 2x2",

// quiet=true prints no table; output=- writes the JSON to stdout.
// STDOUT-NOT: prune-report
// STDOUT:     "total": {
// STDOUT:     func.func @model

func.func @model(%x: tensor<4x8xf32>, %xh: tensor<4x4xf16>, %a: tensor<2x2xf32>, %b: tensor<2x2xf32>) -> (tensor<4x4xf32>, tensor<4x4xf16>, tensor<2x2xf32>) {
  // 2:4 along the input dim: 8 of 16 non-zero.
  %w1 = arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>} dense<[[0.0, 0.0, 3.0, -4.0, 0.0, 0.0, 7.0, -8.0], [0.0, 0.0, -0.75, 8.0, -1.0, 1.0, 0.0, 0.0]]> : tensor<2x8xf32> loc("fc1.weight")
  // Unstructured, 3 of 8 non-zero; the matmul's right-hand side [K = 2, N = 4].
  %w2 = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.625>} dense<[[0.0, 1.0, 0.0, 0.0], [2.0, 0.0, 0.0, 3.0]]> : tensor<2x4xf32> loc("fc2.weight")
  // Dense f16.
  %w3 = arith.constant dense<1.0> : tensor<4x4xf16> loc("fc3.weight")
  // 2x2 blocks, 2 of 4 blocks zero.
  %w4 = arith.constant {prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5>} dense<[[1.0, 1.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0]]> : tensor<4x4xf32> loc("fc4.weight")

  %e1 = tensor.empty() : tensor<8x2xf32>
  %t1 = linalg.transpose ins(%w1 : tensor<2x8xf32>) outs(%e1 : tensor<8x2xf32>) permutation = [1, 0]
  %o1 = tensor.empty() : tensor<4x2xf32>
  %y1 = linalg.matmul ins(%x, %t1 : tensor<4x8xf32>, tensor<8x2xf32>) outs(%o1 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %o2 = tensor.empty() : tensor<4x4xf32>
  %y2 = linalg.matmul ins(%y1, %w2 : tensor<4x2xf32>, tensor<2x4xf32>) outs(%o2 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %e3 = tensor.empty() : tensor<4x4xf16>
  %t3 = linalg.transpose ins(%w3 : tensor<4x4xf16>) outs(%e3 : tensor<4x4xf16>) permutation = [1, 0]
  %y3 = linalg.matmul ins(%xh, %t3 : tensor<4x4xf16>, tensor<4x4xf16>) outs(%e3 : tensor<4x4xf16>) -> tensor<4x4xf16>
  %e4 = tensor.empty() : tensor<4x4xf32>
  %t4 = linalg.transpose ins(%w4 : tensor<4x4xf32>) outs(%e4 : tensor<4x4xf32>) permutation = [1, 0]
  %y4 = linalg.matmul ins(%y2, %t4 : tensor<4x4xf32>, tensor<4x4xf32>) outs(%o2 : tensor<4x4xf32>) -> tensor<4x4xf32>
  // No constant weight: counted in the total FLOPs only.
  %o5 = tensor.empty() : tensor<2x2xf32>
  %y5 = linalg.matmul ins(%a, %b : tensor<2x2xf32>, tensor<2x2xf32>) outs(%o5 : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y4, %y3, %y5 : tensor<4x4xf32>, tensor<4x4xf16>, tensor<2x2xf32>
}
