// prune-calibrate: bad calibration data is a located error and the module is
// left untouched.
//
// REQUIRES: numpy
// RUN: split-file %s %t
// RUN: %python -c "import numpy as np; np.save('%t/f64.npy', np.ones((4, 3))); np.save('%t/shape.npy', np.ones((3, 3), np.float32)); x = np.ones((4, 3), np.float32); x[2, 1] = np.nan; np.save('%t/nan.npy', x); np.save('%t/ok.npy', np.ones((4, 3), np.float32))"
// RUN: prune-opt %t/model.mlir --pass-pipeline='builtin.module(prune-calibrate{inputs=%t/f64.npy})' -verify-diagnostics -split-input-file
// RUN: prune-opt %t/shape.mlir --pass-pipeline='builtin.module(prune-calibrate{inputs=%t/shape.npy})' -verify-diagnostics
// RUN: prune-opt %t/nan.mlir --pass-pipeline='builtin.module(prune-calibrate{inputs=%t/nan.npy})' -verify-diagnostics
// RUN: prune-opt %t/entry.mlir --pass-pipeline='builtin.module(prune-calibrate{inputs=%t/ok.npy entry=main})' -verify-diagnostics
// RUN: prune-opt %t/metric.mlir --pass-pipeline='builtin.module(prune-calibrate{inputs=%t/ok.npy metric=magic})' -verify-diagnostics
// RUN: prune-opt %t/noinputs.mlir --pass-pipeline='builtin.module(prune-calibrate)' -verify-diagnostics
// RUN: prune-opt %t/batch.mlir --pass-pipeline='builtin.module(prune-calibrate{inputs=%t/ok.npy batch=3})' -verify-diagnostics

//--- model.mlir
// expected-error @below {{f64.npy is float64 [4, 3], but argument 0 is float32 [2, 3]; calibration data must stack whole batches of it along dim 0}}
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  return %x : tensor<2x3xf32>
}

//--- shape.mlir
// expected-error @below {{shape.npy is float32 [3, 3], but argument 0 is float32 [2, 3]}}
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  return %x : tensor<2x3xf32>
}

//--- nan.mlir
// expected-error @below {{nan.npy holds NaN at index [2, 1]}}
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  return %x : tensor<2x3xf32>
}

//--- entry.mlir
// expected-error @below {{prune-calibrate: no function 'main'}}
module {
  func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
    return %x : tensor<2x3xf32>
  }
}

//--- metric.mlir
// expected-error @below {{prune-calibrate: unknown metric 'magic' (wanda, activation or none)}}
module {
}

//--- noinputs.mlir
// expected-error @below {{prune-calibrate needs inputs=<file.npy>[,...]}}
module {
}

//--- batch.mlir
// expected-error @below {{prune-calibrate: batch=3 is not a multiple of the 2 rows each call of @forward takes}}
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<1.0> : tensor<3x3xf32>
  %o = tensor.empty() : tensor<2x3xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x3xf32>, tensor<3x3xf32>) outs(%o : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
