// prune-gradient-importance attaches nothing when any member is bad: here
// 'fc1.weight' is fine and 'fc2.weight' has the wrong shape; the IR after the
// failure has no prune.importance on either weight.
//
// REQUIRES: numpy
// RUN: %python -c "import numpy as np; np.savez('%t.npz', **{'fc1.weight': np.ones((2, 2), np.float32), 'fc2.weight': np.ones((3, 2), np.float32)})"
// RUN: not prune-opt %s --pass-pipeline='builtin.module(prune-gradient-importance{gradients=%t.npz})' --mlir-print-ir-after-failure 2>&1 | FileCheck %s

// CHECK: error: {{.*}}gradient 'fc2.weight' is float32 [3, 2], but the weight is 'tensor<2x2xf32>'
// CHECK: IR Dump After PruneGradientImportance Failed
// CHECK-NOT: prune.importance
// CHECK: return
func.func @forward(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, -2.0], [3.0, 0.5]]> : tensor<2x2xf32> loc("fc1.weight")
  %w2 = arith.constant dense<[[1.0, -2.0], [3.0, 0.5]]> : tensor<2x2xf32> loc("fc2.weight")
  %o = tensor.empty() : tensor<1x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y2 = linalg.matmul ins(%y, %w2 : tensor<1x2xf32>, tensor<2x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y2 : tensor<1x2xf32>
}
