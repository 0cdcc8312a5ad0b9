// RUN: prune-opt %s -split-input-file -verify-diagnostics

// PruneDialect::verifyOperationAttribute: discardable prune.importance,
// prune.sparsity and prune.target attributes must fit the op they sit on.

func.func @importance_wrong_kind() {
  // expected-error @+1 {{'arith.constant' op 'prune.importance' must be a #prune.importance attribute}}
  %0 = arith.constant {prune.importance = #prune.sparsity<pattern = layer>} dense<1.0> : tensor<2x2xf32>
  return
}

// -----

// expected-error @+1 {{'func.func' op 'prune.importance' must be on an op with one ranked tensor result (a weight)}}
func.func @importance_on_func() attributes {prune.importance = #prune.importance<metric = l1, granularity = layer, scores = dense<1.0> : tensor<1xf32>>} {
  return
}

// -----

func.func @importance_on_scalar() {
  // expected-error @+1 {{'arith.constant' op 'prune.importance' must be on an op with one ranked tensor result (a weight)}}
  %0 = arith.constant {prune.importance = #prune.importance<metric = l1, granularity = layer, scores = dense<1.0> : tensor<1xf32>>} 1.0 : f32
  return
}

// -----

func.func @weight_scores_shape() {
  // expected-error @+1 {{'arith.constant' op weight scores of type 'tensor<2x2xf32>' do not match the weight 'tensor<2x4xf32>'}}
  %0 = arith.constant {prune.importance = #prune.importance<metric = external, granularity = weight, scores = dense<1.0> : tensor<2x2xf32>>} dense<1.0> : tensor<2x4xf32>
  return
}

// -----

func.func @weight_scores_transposed() {
  // Same element count, wrong shape.
  // expected-error @+1 {{weight scores of type 'tensor<4x2xf32>' do not match the weight 'tensor<2x4xf32>'}}
  %0 = arith.constant {prune.importance = #prune.importance<metric = l1, granularity = weight, scores = dense<1.0> : tensor<4x2xf32>>} dense<1.0> : tensor<2x4xf32>
  return
}

// -----

func.func @channel_scores_count() {
  // expected-error @+1 {{channel scores have 4 elements but dim 0 of 'tensor<2x4xf32>' has 2}}
  %0 = arith.constant {prune.importance = #prune.importance<metric = l1, granularity = channel, dim = 0, scores = dense<1.0> : tensor<4xf32>>} dense<1.0> : tensor<2x4xf32>
  return
}

// -----

func.func @channel_dim_out_of_range() {
  // expected-error @+1 {{dim 2 is out of range for 'tensor<2x4xf32>'}}
  %0 = arith.constant {prune.importance = #prune.importance<metric = l1, granularity = channel, dim = 2, scores = dense<1.0> : tensor<4xf32>>} dense<1.0> : tensor<2x4xf32>
  return
}

// -----

func.func @block_scores_do_not_tile() {
  // expected-error @+1 {{block scores of type 'tensor<1x1xf32>' do not tile 'tensor<2x4xf32>' in [2, 2] blocks}}
  %0 = arith.constant {prune.importance = #prune.importance<metric = l1, granularity = block, block = [2, 2], scores = dense<1.0> : tensor<1x1xf32>>} dense<1.0> : tensor<2x4xf32>
  return
}

// -----

func.func @block_not_dividing() {
  // expected-error @+1 {{block scores of type 'tensor<1x1xf32>' do not tile 'tensor<2x3xf32>' in [2, 2] blocks}}
  %0 = arith.constant {prune.importance = #prune.importance<metric = l1, granularity = block, block = [2, 2], scores = dense<1.0> : tensor<1x1xf32>>} dense<1.0> : tensor<2x3xf32>
  return
}

// -----

func.func @heads_do_not_divide() {
  // expected-error @+1 {{3 heads do not divide dim 1 of 'tensor<2x4xf32>'}}
  %0 = arith.constant {prune.importance = #prune.importance<metric = l1, granularity = head, dim = 1, heads = 3, scores = dense<1.0> : tensor<3xf32>>} dense<1.0> : tensor<2x4xf32>
  return
}

// -----

func.func @sparsity_wrong_kind() {
  // expected-error @+1 {{'arith.constant' op 'prune.sparsity' must be a #prune.sparsity attribute}}
  %0 = arith.constant {prune.sparsity = 0.5 : f32} dense<1.0> : tensor<2x4xf32>
  return
}

// -----

func.func @operand_on_constant() {
  // expected-error @+1 {{'arith.constant' op 'operand' is meaningless on a constant weight}}
  %0 = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5, operand = 1>} dense<1.0> : tensor<2x4xf32>
  return
}

// -----

func.func @sparsity_on_scalar_constant() {
  // expected-error @+1 {{'arith.constant' op 'prune.sparsity' on a constant needs a ranked tensor}}
  %0 = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} 1.0 : f32
  return
}

// -----

func.func @nm_constant_not_divisible() {
  // expected-error @+1 {{'arith.constant' op dim 1 of 'tensor<2x6xf32>' (size 6) does not divide into groups of M = 4}}
  %0 = arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1>} dense<1.0> : tensor<2x6xf32>
  return
}

// -----

func.func @nm_dim_out_of_range() {
  // expected-error @+1 {{dim 2 is out of range for 'tensor<2x8xf32>'}}
  %0 = arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 2>} dense<1.0> : tensor<2x8xf32>
  return
}

// -----

func.func @block_on_vector_weight() {
  // expected-error @+1 {{block sparsity needs a tensor of rank >= 2, got 'tensor<8xf32>'}}
  %0 = arith.constant {prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5>} dense<1.0> : tensor<8xf32>
  return
}

// -----

func.func @head_constant_not_divisible() {
  // expected-error @+1 {{3 heads do not divide dim 0 of 'tensor<8x2xf32>'}}
  %0 = arith.constant {prune.sparsity = #prune.sparsity<pattern = head, dim = 0, heads = 3>} dense<1.0> : tensor<8x2xf32>
  return
}

// -----

func.func @consumer_operand_out_of_range(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>, %o: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'linalg.matmul' op 'prune.sparsity' names operand 3 but the op has 3}}
  %0 = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, operand = 3>} ins(%x, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%o : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @consumer_operand_not_tensor(%a: f32, %b: f32) -> f32 {
  // expected-error @+1 {{'arith.addf' op 'prune.sparsity' names operand 1, which is not a tensor}}
  %0 = arith.addf %a, %b {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5, operand = 1>} : f32
  return %0 : f32
}

// -----

// The consumer's dim is in operand coordinates: operand 1 is 6x4, so its
// dim 0 (size 6) does not divide by 4.
func.func @consumer_nm_not_divisible(%x: tensor<2x6xf32>, %w: tensor<6x4xf32>, %o: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'linalg.matmul' op dim 0 of 'tensor<6x4xf32>' (size 6) does not divide into groups of M = 4}}
  %0 = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, operand = 1>} ins(%x, %w : tensor<2x6xf32>, tensor<6x4xf32>) outs(%o : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @consumer_dim_out_of_range(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>, %o: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'linalg.matmul' op dim 2 is out of range for 'tensor<8x4xf32>'}}
  %0 = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 2, operand = 1>} ins(%x, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%o : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// expected-error @+1 {{'func.func' op 'prune.target' must be a #prune.target attribute}}
func.func @target_wrong_kind() attributes {prune.target = "x86-avx2"} {
  return
}

// -----

// expected-error @+1 {{'func.func' op unknown prune attribute 'prune.weights'}}
func.func @unknown_attr() attributes {prune.weights = 1 : i32} {
  return
}

// -----

// expected-error @+1 {{'memref.global' op 'prune.mask' must be a string naming the masked weight}}
memref.global @mask_not_string : memref<2xf32> = dense<1.0> {prune.mask = 3 : i32}

// -----

// expected-error @+1 {{'func.func' op argument 1: 'prune.mask' must be a string naming the masked weight}}
func.func @mask_arg_not_string(%x: tensor<2xf32>, %m: tensor<2xf32> {prune.mask = 1 : i32}) {
  return
}

// -----

// expected-error @+1 {{'func.func' op argument 0: unknown prune argument attribute 'prune.weight'}}
func.func @unknown_arg_attr(%x: tensor<2xf32> {prune.weight = "w"}) {
  return
}

// -----

func.func @lowering_not_string(%x: tensor<2x2xf32>, %w: tensor<2x2xf32>, %o: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{'linalg.matmul' op 'prune.lowering' must be a string}}
  %y = linalg.matmul {prune.lowering = 1 : i32} ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%o : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
