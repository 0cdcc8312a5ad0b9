// RUN: prune-opt %s -split-input-file --prune-insert-masks -verify-diagnostics

// A function that is called cannot take new arguments: an error, and the
// module is unchanged (as=global works).

// expected-error @+1 {{prune-insert-masks: function 'layer' is called in the module; its callers would need the new mask arguments (use as=global)}}
func.func @layer(%x: tensor<1x2xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

func.func @main(%x: tensor<1x2xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %y = func.call @layer(%x, %o) : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// expected-error @+1 {{prune-insert-masks: found no constant weights feeding a contraction or convolution; nothing to mask}}
module {
  func.func @none(%x: tensor<1x2xf32>, %w: tensor<2x2xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
    %y = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
    return %y : tensor<1x2xf32>
  }
}

// RUN: not prune-opt %s -split-input-file --prune-insert-masks="as=buffer" 2>&1 | FileCheck %s --check-prefix=AS
// AS: error: prune-insert-masks: unknown as='buffer'; expected 'argument' or 'global'
// RUN: not prune-opt %s -split-input-file --prune-insert-masks="init=zeros" 2>&1 | FileCheck %s --check-prefix=INIT
// INIT: error: prune-insert-masks: unknown init='zeros'; expected 'current' or 'ones'
