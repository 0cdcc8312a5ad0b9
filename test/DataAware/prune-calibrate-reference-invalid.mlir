// prune-calibrate{reference=true} runs the model a second time with every
// weight's recorded calibrated copy ('dense'): without any such record, or
// after structural removal (the reference model would not fit the pruned
// one's shapes), a located error and the module is left untouched.
//
// REQUIRES: numpy
// RUN: split-file %s %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.ones((4, 3), np.float32))"
// RUN: prune-opt %t/norecord.mlir --pass-pipeline='builtin.module(prune-calibrate{inputs=%t/x.npy reference=true})' -verify-diagnostics
// RUN: prune-opt %t/shrunk.mlir --pass-pipeline='builtin.module(prune-calibrate{inputs=%t/x.npy}, prune-neurons{ratio=0.5}, prune-calibrate{inputs=%t/x.npy reference=true})' -verify-diagnostics

//--- norecord.mlir
// expected-error @below {{prune-calibrate: reference=true, but no weight carries a calibrated copy ('dense') to run the reference model with (run prune-calibrate before pruning)}}
module {
  func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
    %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
    %z = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<3x2xf32>
    %t = linalg.transpose ins(%w : tensor<2x3xf32>) outs(%e : tensor<3x2xf32>) permutation = [1, 0]
    %o = tensor.empty() : tensor<2x2xf32>
    %f = linalg.fill ins(%z : f32) outs(%o : tensor<2x2xf32>) -> tensor<2x2xf32>
    %y = linalg.matmul ins(%x, %t : tensor<2x3xf32>, tensor<3x2xf32>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
    return %y : tensor<2x2xf32>
  }
}

//--- shrunk.mlir
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  // expected-error @below {{prune-calibrate: reference=true needs every weight in its calibrated shape, but 'weight0' was structurally shrunk (prune.kept)}}
  %w1 = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [0.1, 0.2, 0.3], [0.5, 0.5, 0.5]]> : tensor<4x3xf32>
  // expected-remark @below {{neurons of weight 'weight1' left alone: reaches the function result}}
  %w2 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [4.0, 5.0, 6.0, 7.0]]> : tensor<2x4xf32>
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<3x4xf32>
  %t1 = linalg.transpose ins(%w1 : tensor<4x3xf32>) outs(%e1 : tensor<3x4xf32>) permutation = [1, 0]
  %o1 = tensor.empty() : tensor<2x4xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%o1 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %h = linalg.matmul ins(%x, %t1 : tensor<2x3xf32>, tensor<3x4xf32>) outs(%f1 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %e2 = tensor.empty() : tensor<4x2xf32>
  %t2 = linalg.transpose ins(%w2 : tensor<2x4xf32>) outs(%e2 : tensor<4x2xf32>) permutation = [1, 0]
  %o2 = tensor.empty() : tensor<2x2xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%o2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  %y = linalg.matmul ins(%h, %t2 : tensor<2x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
