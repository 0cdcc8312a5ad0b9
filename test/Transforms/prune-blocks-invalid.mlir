// RUN: prune-opt %s -split-input-file --prune-blocks="block=2,2 metric=external" -verify-diagnostics

func.func @missing(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{weight 'weight0' has no attached block-granularity #prune.importance for the requested metric}}
  %w = arith.constant {prune.importance = #prune.importance<metric = external, granularity = weight, scores = dense<1.0> : tensor<4x2xf32>>} dense<1.0> : tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Scores for 1x2 blocks do not fit the requested 2x2 blocks.
func.func @other_block_shape(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{attached block importance of 'weight0' does not match the requested 2x2 blocks}}
  %w = arith.constant {prune.importance = #prune.importance<metric = external, granularity = block, block = [1, 2], scores = dense<1.0> : tensor<2x2xf32>>} dense<1.0> : tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @resource_scores_wrong_size(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{importance scores 'block.scores' are missing or of the wrong size}}
  %w = arith.constant {prune.importance = #prune.importance<metric = external, granularity = block, block = [2, 2], scores = dense_resource<block.scores> : tensor<1x2xf32>>} dense<1.0> : tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      block.scores: "0x040000000000803F"
    }
  }
#-}

// -----

func.func @nan_scores(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{importance scores of 'weight0' contain NaN}}
  %w = arith.constant {prune.importance = #prune.importance<metric = external, granularity = block, block = [2, 2], scores = dense<[[0x7FC00000, 1.0]]> : tensor<1x2xf32>>} dense<1.0> : tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
