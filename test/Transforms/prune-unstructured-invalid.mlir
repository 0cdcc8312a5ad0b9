// RUN: prune-opt %s -split-input-file --prune-unstructured="metric=taylor" -verify-diagnostics
// RUN: prune-opt %s -split-input-file --prune-unstructured="metric=taylor scope=global" -verify-diagnostics

// Attached metrics need fitting attached scores on every weight.

func.func @missing(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{weight 'weight0' has no attached #prune.importance for metric 'taylor'}}
  %w = arith.constant dense<1.0> : tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @other_metric(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{weight 'weight0' has importance of metric 'fisher', not 'taylor'}}
  %w = arith.constant {prune.importance = #prune.importance<metric = fisher, granularity = weight, scores = dense<1.0> : tensor<4x2xf32>>} dense<1.0> : tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @channel_scores(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{weight 'weight0' has importance of granularity 'channel'; this pass needs granularity 'weight'}}
  %w = arith.constant {prune.importance = #prune.importance<metric = taylor, granularity = channel, dim = 1, scores = dense<1.0> : tensor<2xf32>>} dense<1.0> : tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @resource_scores_wrong_size(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{importance scores 'short.scores' are missing or of the wrong size}}
  %w = arith.constant {prune.importance = #prune.importance<metric = taylor, granularity = weight, scores = dense_resource<short.scores> : tensor<4x2xf32>>} dense<1.0> : tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      short.scores: "0x040000000000803F00000040"
    }
  }
#-}

// -----

func.func @nan_scores(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{importance scores of 'weight0' contain NaN}}
  %w = arith.constant {prune.importance = #prune.importance<metric = taylor, granularity = weight, scores = dense<[[1.0, 2.0], [0x7FC00000, 1.0], [1.0, 1.0], [1.0, 1.0]]> : tensor<4x2xf32>>} dense<1.0> : tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
