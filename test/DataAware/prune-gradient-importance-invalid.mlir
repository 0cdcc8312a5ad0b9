// prune-gradient-importance: bad gradient archives are located errors and
// nothing is attached.
//
// REQUIRES: numpy
// RUN: split-file %s %t
// RUN: %python -c "import numpy as np; np.savez('%t/unknown.npz', **{'fc.bias': np.ones(2, np.float32)}); np.savez('%t/shape.npz', weight0=np.ones((2, 3), np.float32)); np.savez('%t/neg.npz', weight0=-np.ones((2, 2), np.float32)); np.savez_compressed('%t/zip.npz', **{'fc.weight': np.ones((2, 2), np.float32)}); g = np.ones((2, 2), np.float32); g[1, 0] = np.inf; np.savez('%t/inf.npz', weight0=g)"
// RUN: prune-opt %t/unknown.mlir --pass-pipeline='builtin.module(prune-gradient-importance{gradients=%t/unknown.npz})' -verify-diagnostics
// RUN: prune-opt %t/shape.mlir --pass-pipeline='builtin.module(prune-gradient-importance{gradients=%t/shape.npz})' -verify-diagnostics
// RUN: prune-opt %t/neg.mlir --pass-pipeline='builtin.module(prune-gradient-importance{gradients=%t/neg.npz metric=fisher})' -verify-diagnostics
// RUN: prune-opt %t/inf.mlir --pass-pipeline='builtin.module(prune-gradient-importance{gradients=%t/inf.npz})' -verify-diagnostics
// RUN: prune-opt %t/zip.mlir --pass-pipeline='builtin.module(prune-gradient-importance{gradients=%t/zip.npz})' -verify-diagnostics

//--- unknown.mlir
// expected-error @below {{has gradients for 'fc.bias', which names no weight (weights: 'fc.weight')}}
module {
  func.func @forward(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
    %w = arith.constant dense<[[1.0, -2.0], [3.0, 0.5]]> : tensor<2x2xf32> loc("fc.weight")
    %o = tensor.empty() : tensor<1x2xf32>
    %y = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
    return %y : tensor<1x2xf32>
  }
}

//--- shape.mlir
func.func @forward(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @below {{gradient 'weight0' is float32 [2, 3], but the weight is 'tensor<2x2xf32>'}}
  %w = arith.constant dense<[[1.0, -2.0], [3.0, 0.5]]> : tensor<2x2xf32>
  %o = tensor.empty() : tensor<1x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

//--- neg.mlir
func.func @forward(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @below {{Fisher diagonal 'weight0' has a negative entry at flat index 0}}
  %w = arith.constant dense<[[1.0, -2.0], [3.0, 0.5]]> : tensor<2x2xf32>
  %o = tensor.empty() : tensor<1x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

//--- inf.mlir
func.func @forward(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @below {{gradient 'weight0' holds Inf at index [1, 0]}}
  %w = arith.constant dense<[[1.0, -2.0], [3.0, 0.5]]> : tensor<2x2xf32>
  %o = tensor.empty() : tensor<1x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

//--- zip.mlir
// expected-error @below {{member 'fc.weight.npy' is compressed; write the archive with numpy.savez, not numpy.savez_compressed}}
module {
  func.func @forward(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
    %w = arith.constant dense<[[1.0, -2.0], [3.0, 0.5]]> : tensor<2x2xf32> loc("fc.weight")
    %o = tensor.empty() : tensor<1x2xf32>
    %y = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
    return %y : tensor<1x2xf32>
  }
}
