// RUN: prune-opt %s -split-input-file --prune-importance -verify-diagnostics

func.func @nan(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{weight 'weight0' contains NaN; refusing to score it}}
  %w = arith.constant dense<[[1.0, 2.0], [0x7FC00000, 1.0], [1.0, 1.0], [1.0, 1.0]]> : tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @short_blob(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{dense_resource 'fc.weight' holds 8 bytes but 'tensor<4x2xf32>' needs 32}}
  %w = arith.constant dense_resource<fc.weight> : tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      fc.weight: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// expected-error @+1 {{found no constant weights feeding a contraction or convolution; nothing to score}}
module {
func.func @no_weights(%x: tensor<1x4xf32>, %w: tensor<4x2xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
}
