// RUN: prune-opt %s --prune-sparsify --prune-report="output=%t.json" 2>&1 | FileCheck %s
// RUN: FileCheck %s --check-prefix=JSON < %t.json

// prune-sparsify records its decision on the IR (`prune.lowering`) and
// prune-report lists it: the 2:4 weight got the N:M kernel; the 70%
// unstructured one stays dense because of the cost model (CSR needs more
// than 70% zeros on x86-avx512), with the reason. Weight names are those of
// prune-report's own discovery (the kernel line names the weight as
// prune-sparsify saw it before erasing it).

// CHECK:      === prune-report ===
// CHECK:      lowering (prune-sparsify):
// CHECK-NEXT:   sparse: 2:4 kernel for x86-avx512, weight 64 B -> 40 B (weight 'weight0')
// CHECK-NEXT:   weight0: kept dense: cost model: 50% zero weights is below the 70% where sparse code beats dense on 'x86-avx512'

// JSON:      "lowering": [
// JSON-NEXT:   "sparse: 2:4 kernel for x86-avx512, weight 64 B -> 40 B (weight 'weight0')",
// JSON-NEXT:   "weight0: kept dense: cost model: 50% zero weights
func.func @forward(%x: tensor<4x8xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %w = arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>} dense<[[0.0, 0.0, 3.0, -4.0, 0.0, 0.0, 7.0, -8.0], [0.0, 0.0, -0.75, 8.0, -1.0, 1.0, 0.0, 0.0]]> : tensor<2x8xf32>
  %e = tensor.empty() : tensor<8x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x8xf32>) outs(%e : tensor<8x2xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<4x2xf32>
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>} ins(%x, %t : tensor<4x8xf32>, tensor<8x2xf32>) outs(%o : tensor<4x2xf32>) -> tensor<4x2xf32>
  %w2 = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<[[0.0, 1.0], [2.0, 0.0], [0.0, 3.0], [4.0, 0.0], [0.0, 5.0], [6.0, 0.0], [0.0, 7.0], [8.0, 0.0]]> : tensor<8x2xf32>
  %y2 = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5, operand = 1>} ins(%x, %w2 : tensor<4x8xf32>, tensor<8x2xf32>) outs(%o : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y, %y2 : tensor<4x2xf32>, tensor<4x2xf32>
}
