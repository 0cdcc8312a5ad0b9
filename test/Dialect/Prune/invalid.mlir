// RUN: prune-opt %s -split-input-file -verify-diagnostics

// Attribute verifiers: every malformed #prune.* attribute is rejected where
// it is written, whatever op it sits on.

// expected-error @+1 {{N (3) must not exceed M (2)}}
func.func @nm_n_gt_m() attributes {test.s = #prune.sparsity<pattern = nm, n = 3, m = 2>}

// -----

// expected-error @+1 {{N:M with N == M (4:4) removes nothing; use N < M}}
func.func @nm_n_eq_m() attributes {test.s = #prune.sparsity<pattern = nm, n = 4, m = 4>}

// -----

// expected-error @+1 {{N and M must be positive, got 0:4}}
func.func @nm_n_zero() attributes {test.s = #prune.sparsity<pattern = nm, n = 0, m = 4>}

// -----

// expected-error @+1 {{N and M must be positive, got -1:4}}
func.func @nm_n_negative() attributes {test.s = #prune.sparsity<pattern = nm, n = -1, m = 4>}

// -----

// expected-error @+1 {{pattern 'nm' needs 'n' and 'm'}}
func.func @nm_missing_m() attributes {test.s = #prune.sparsity<pattern = nm, n = 2>}

// -----

// expected-error @+1 {{'n' is not valid with pattern 'unstructured'}}
func.func @unstructured_with_n() attributes {test.s = #prune.sparsity<pattern = unstructured, n = 2, ratio = 0.5>}

// -----

// expected-error @+1 {{'dim' is not valid with pattern 'unstructured'}}
func.func @unstructured_with_dim() attributes {test.s = #prune.sparsity<pattern = unstructured, dim = 0, ratio = 0.5>}

// -----

// expected-error @+1 {{'block' is not valid with pattern 'nm'}}
func.func @nm_with_block() attributes {test.s = #prune.sparsity<pattern = nm, n = 2, m = 4, block = [2, 2]>}

// -----

// expected-error @+1 {{'heads' is not valid with pattern 'channel'}}
func.func @channel_with_heads() attributes {test.s = #prune.sparsity<pattern = channel, dim = 0, heads = 2>}

// -----

// expected-error @+1 {{'dim' is not valid with pattern 'block'}}
func.func @block_with_dim() attributes {test.s = #prune.sparsity<pattern = block, dim = 0, block = [2, 2], ratio = 0.5>}

// -----

// expected-error @+1 {{pattern 'block' needs 'block = [R, C]'}}
func.func @block_missing_shape() attributes {test.s = #prune.sparsity<pattern = block, ratio = 0.5>}

// -----

// expected-error @+1 {{block sizes must be positive, got [0, 4]}}
func.func @block_zero() attributes {test.s = #prune.sparsity<pattern = block, block = [0, 4], ratio = 0.5>}

// -----

// expected-error @+1 {{block sizes must be positive, got [4, -2]}}
func.func @block_negative() attributes {test.s = #prune.sparsity<pattern = block, block = [4, -2], ratio = 0.5>}

// -----

// expected-error @+1 {{block must have two sizes [R, C], got 3}}
func.func @block_rank3() attributes {test.s = #prune.sparsity<pattern = block, block = [2, 2, 2], ratio = 0.5>}

// -----

// expected-error @+1 {{pattern 'channel' needs 'dim'}}
func.func @channel_missing_dim() attributes {test.s = #prune.sparsity<pattern = channel, ratio = 0.5>}

// -----

// expected-error @+1 {{pattern 'head' needs 'heads'}}
func.func @head_missing_heads() attributes {test.s = #prune.sparsity<pattern = head, dim = 0, ratio = 0.5>}

// -----

// expected-error @+1 {{heads must be positive, got 0}}
func.func @head_zero_heads() attributes {test.s = #prune.sparsity<pattern = head, dim = 0, heads = 0>}

// -----

// expected-error @+1 {{dim must be non-negative, got -1}}
func.func @negative_dim() attributes {test.s = #prune.sparsity<pattern = channel, dim = -1>}

// -----

// expected-error @+1 {{operand must be non-negative, got -1}}
func.func @negative_operand() attributes {test.s = #prune.sparsity<pattern = unstructured, ratio = 0.5, operand = -1>}

// -----

// expected-error @+1 {{ratio must be in [0, 1), got 1}}
func.func @ratio_one() attributes {test.s = #prune.sparsity<pattern = unstructured, ratio = 1.0>}

// -----

// expected-error @+1 {{ratio must be in [0, 1), got 1.5}}
func.func @ratio_above_one() attributes {test.s = #prune.sparsity<pattern = unstructured, ratio = 1.5>}

// -----

// expected-error @+1 {{ratio must be in [0, 1), got -0.25}}
func.func @ratio_negative() attributes {test.s = #prune.sparsity<pattern = unstructured, ratio = -0.25>}

// -----

// expected-error @+3 {{unexpected decimal integer literal for a floating point value}}
// expected-note @+2 {{add a trailing dot to make the literal a float}}
// expected-error @+1 {{failed to parse Prune_SparsityAttr parameter 'ratio'}}
func.func @ratio_integer() attributes {test.s = #prune.sparsity<pattern = unstructured, ratio = 1>}

// -----

// expected-error @+2 {{expected ::mlir::prune::SparsityKind to be one of: unstructured, nm, block, channel, head, layer}}
// expected-error @+1 {{failed to parse Prune_SparsityAttr parameter 'pattern'}}
func.func @unknown_pattern() attributes {test.s = #prune.sparsity<pattern = diagonal>}

// -----

//===----------------------------------------------------------------------===//
// #prune.importance
//===----------------------------------------------------------------------===//

// expected-error @+1 {{channel scores must be 1-D, got 'tensor<2x2xf32>'}}
func.func @channel_scores_2d() attributes {test.i = #prune.importance<metric = l1, granularity = channel, dim = 0, scores = dense<1.0> : tensor<2x2xf32>>}

// -----

// expected-error @+1 {{head scores must be 1-D with 2 elements, got 'tensor<3xf32>'}}
func.func @head_scores_count() attributes {test.i = #prune.importance<metric = l1, granularity = head, dim = 0, heads = 2, scores = dense<1.0> : tensor<3xf32>>}

// -----

// expected-error @+1 {{layer scores must have one element, got 'tensor<2xf32>'}}
func.func @layer_scores_two() attributes {test.i = #prune.importance<metric = l1, granularity = layer, scores = dense<1.0> : tensor<2xf32>>}

// -----

// expected-error @+1 {{block scores must be at least 2-D, got 'tensor<4xf32>'}}
func.func @block_scores_1d() attributes {test.i = #prune.importance<metric = l1, granularity = block, block = [2, 2], scores = dense<1.0> : tensor<4xf32>>}

// -----

// expected-error @+1 {{granularity 'block' needs 'block = [R, C]'}}
func.func @block_granularity_no_shape() attributes {test.i = #prune.importance<metric = l1, granularity = block, scores = dense<1.0> : tensor<2x2xf32>>}

// -----

// expected-error @+1 {{block sizes must be positive, got [2, 0]}}
func.func @block_granularity_zero() attributes {test.i = #prune.importance<metric = l1, granularity = block, block = [2, 0], scores = dense<1.0> : tensor<2x2xf32>>}

// -----

// expected-error @+1 {{'block' is only valid with block granularity}}
func.func @weight_with_block() attributes {test.i = #prune.importance<metric = l1, granularity = weight, block = [2, 2], scores = dense<1.0> : tensor<2x2xf32>>}

// -----

// expected-error @+1 {{granularity 'channel' needs 'dim'}}
func.func @channel_no_dim() attributes {test.i = #prune.importance<metric = l1, granularity = channel, scores = dense<1.0> : tensor<2xf32>>}

// -----

// expected-error @+1 {{'dim' is only valid with channel or head granularity}}
func.func @weight_with_dim() attributes {test.i = #prune.importance<metric = l1, granularity = weight, dim = 0, scores = dense<1.0> : tensor<2xf32>>}

// -----

// expected-error @+1 {{granularity 'head' needs 'heads'}}
func.func @head_no_heads() attributes {test.i = #prune.importance<metric = l1, granularity = head, dim = 0, scores = dense<1.0> : tensor<2xf32>>}

// -----

// expected-error @+1 {{heads must be positive, got -2}}
func.func @head_negative_heads() attributes {test.i = #prune.importance<metric = l1, granularity = head, dim = 0, heads = -2, scores = dense<1.0> : tensor<2xf32>>}

// -----

// expected-error @+1 {{'heads' is only valid with head granularity}}
func.func @layer_with_heads() attributes {test.i = #prune.importance<metric = l1, granularity = layer, heads = 2, scores = dense<1.0> : tensor<1xf32>>}

// -----

// expected-error @+1 {{dim must be non-negative, got -1}}
func.func @importance_negative_dim() attributes {test.i = #prune.importance<metric = l1, granularity = channel, dim = -1, scores = dense<1.0> : tensor<2xf32>>}

// -----

// expected-error @+1 {{scores must have f32 elements, got 'f16'}}
func.func @scores_f16() attributes {test.i = #prune.importance<metric = l1, granularity = layer, scores = dense<1.0> : tensor<1xf16>>}

// -----

// expected-error @+1 {{scores must be a statically shaped tensor}}
func.func @scores_vector() attributes {test.i = #prune.importance<metric = l1, granularity = layer, scores = dense<1.0> : vector<1xf32>>}

// -----

// expected-error @+2 {{expected ::mlir::prune::Metric to be one of: l1, l2, taylor, fisher, wanda, activation, external}}
// expected-error @+1 {{failed to parse Prune_ImportanceAttr parameter 'metric'}}
func.func @unknown_metric() attributes {test.i = #prune.importance<metric = l3, granularity = layer, scores = dense<1.0> : tensor<1xf32>>}

// -----

// expected-error @+2 {{expected ::mlir::prune::Granularity to be one of: weight, channel, block, head, layer}}
// expected-error @+1 {{failed to parse Prune_ImportanceAttr parameter 'granularity'}}
func.func @unknown_granularity() attributes {test.i = #prune.importance<metric = l1, granularity = row, scores = dense<1.0> : tensor<1xf32>>}

// -----

//===----------------------------------------------------------------------===//
// #prune.target
//===----------------------------------------------------------------------===//

// expected-error @+1 {{unknown target 'foo'; built-in targets are 'x86-avx2', 'x86-avx512', 'aarch64-neon', 'nvidia-sm80', 'nvidia-sm90', 'intel-amx', 'arm-sme'; a custom target must give 'nm', 'block' or 'vector_width'}}
func.func @unknown_target() attributes {test.t = #prune.target<name = "foo">}

// -----

// expected-error @+1 {{target name must not be empty}}
func.func @empty_target() attributes {test.t = #prune.target<name = "">}

// -----

// expected-error @+1 {{N (5) must not exceed M (4)}}
func.func @target_nm_n_gt_m() attributes {test.t = #prune.target<name = "npu", nm = [2:4, 5:4]>}

// -----

// expected-error @+1 {{N:M with N == M (2:2) removes nothing; use N < M}}
func.func @target_nm_equal() attributes {test.t = #prune.target<name = "x86-avx2", nm = [2:2]>}

// -----

// expected-error @+1 {{block sizes must be positive, got [0, 16]}}
func.func @target_block_zero() attributes {test.t = #prune.target<name = "npu", block = [0, 16]>}

// -----

// expected-error @+1 {{vector_width must be positive, got 0}}
func.func @target_vector_width_zero() attributes {test.t = #prune.target<name = "npu", vector_width = 0>}

// -----

// expected-error @+1 {{min_sparsity must be in [0, 1), got 1.5}}
func.func @target_min_sparsity() attributes {test.t = #prune.target<name = "x86-avx2", min_sparsity = 1.5>}

// -----

// expected-error @+2 {{expected ':'}}
// expected-error @+1 {{failed to parse Prune_TargetAttr parameter 'nm'}}
func.func @target_nm_syntax() attributes {test.t = #prune.target<name = "npu", nm = [2, 4]>}
