// RUN: prune-opt %s -split-input-file --prune-apply -verify-diagnostics
// RUN: not prune-opt %s -split-input-file --prune-apply --mlir-print-ir-after-failure 2> %t.err
// RUN: FileCheck %s < %t.err

// Every bad request is a located error, and a module with any bad request
// is not rewritten at all: the valid request in the first case stays a
// request and its weight stays dense.

// CHECK-LABEL: func.func @no_weight
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4>} ins(%{{.*}}, %{{.*}} : tensor<1x4xf32>, tensor<4x2xf32>)
func.func @no_weight(%x: tensor<1x4xf32>, %w: tensor<4x2xf32>, %o: tensor<1x2xf32>, %v: tensor<1x4xf32>, %o1: tensor<1xf32>) -> (tensor<1x2xf32>, tensor<1xf32>) {
  %c = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  // expected-error @+1 {{'prune.sparsity' on an op that consumes no constant weight}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4>} ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  %z = linalg.matvec ins(%v, %c : tensor<1x4xf32>, tensor<4xf32>) outs(%o1 : tensor<1xf32>) -> tensor<1xf32>
  return %y, %z : tensor<1x2xf32>, tensor<1xf32>
}

// -----

func.func @operand_not_weight(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<1.0> : tensor<4x2xf32>
  // expected-error @+1 {{'prune.sparsity' names operand 0, which is not a constant weight}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, operand = 0>} ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @two_weights(%o: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %a = arith.constant dense<1.0> : tensor<2x4xf32>
  %b = arith.constant dense<1.0> : tensor<4x2xf32>
  // expected-error @+1 {{op consumes 2 weights; say which one 'prune.sparsity' means with 'operand'}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4>} ins(%a, %b : tensor<2x4xf32>, tensor<4x2xf32>) outs(%o : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

func.func @structural(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<1.0> : tensor<4x2xf32>
  // expected-error @+1 {{cannot remove channels along dim 1 of weight 'weight0': reaches a function argument}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = channel, dim = 1, ratio = 0.5>} ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Channels of a concatenation go with its inputs' units, not on their own.
func.func @concat_result(%x: tensor<1x3xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %z = arith.constant 0.0 : f32
  %w1 = arith.constant dense<1.0> : tensor<3x4xf32>
  %o1 = tensor.empty() : tensor<1x4xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%o1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %h1 = linalg.matmul ins(%x, %w1 : tensor<1x3xf32>, tensor<3x4xf32>) outs(%f1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %c = tensor.concat dim(1) %h1, %h1 : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x8xf32>
  %w2 = arith.constant dense<1.0> : tensor<8x2xf32>
  // expected-error @+1 {{cannot remove channels along dim 0 of weight 'weight1': it is concatenated with other channels by tensor.concat (remove channels of its inputs)}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = channel, dim = 0, ratio = 0.5, operand = 1>} ins(%c, %w2 : tensor<1x8xf32>, tensor<8x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// The reduction dim (6) does not divide by M = 4. (With an explicit dim the
// attribute verifier already rejects it.)
func.func @nm_not_divisible(%x: tensor<1x6xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x6xf32>
  %e = tensor.empty() : tensor<6x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x6xf32>) outs(%e : tensor<6x2xf32>) permutation = [1, 0]
  // expected-error @+1 {{cannot carry out 'prune.sparsity' on weight 'weight0': dim 1 (size 6) does not divide into groups of 4}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4>} ins(%x, %t : tensor<1x6xf32>, tensor<6x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @block_not_tiling(%x: tensor<1x4xf32>, %o: tensor<1x3xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{cannot carry out 'prune.sparsity' on weight 'weight0': its (output x reduction) view 3x4 does not tile into 2x2 blocks}}
  %w = arith.constant {prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5>} dense<1.0> : tensor<4x3xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x3xf32>) outs(%o : tensor<1x3xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

func.func @constant_without_consumer() -> tensor<4x2xf32> {
  // expected-error @+1 {{'prune.sparsity' on a constant that feeds no contraction or convolution}}
  %w = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<1.0> : tensor<4x2xf32>
  return %w : tensor<4x2xf32>
}

// -----

func.func @unstructured_without_ratio(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{unstructured sparsity needs a 'ratio'}}
  %w = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured>} dense<1.0> : tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// The constant and its consumer ask for different things.
func.func @conflicting_kinds(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<1.0> : tensor<4x2xf32>
  // expected-error @+1 {{conflicting 'prune.sparsity' requests for weight 'weight0'}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4>} ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @conflicting_nm(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4>} dense<1.0> : tensor<4x2xf32>
  // expected-error @+1 {{conflicting 'prune.sparsity' requests for weight 'weight0'}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 1, m = 4>} ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Operand dim 1 of the transposed, collapsed weight is made of two constant
// dims.
func.func @dim_not_single(%x: tensor<1x8xf32>, %o: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<1.0> : tensor<2x2x8xf32>
  %c = tensor.collapse_shape %w [[0, 1], [2]] : tensor<2x2x8xf32> into tensor<4x8xf32>
  %e = tensor.empty() : tensor<8x4xf32>
  %t = linalg.transpose ins(%c : tensor<4x8xf32>) outs(%e : tensor<8x4xf32>) permutation = [1, 0]
  // expected-error @+1 {{dim 1 of the weight operand does not correspond to a single dim of the weight constant}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1>} ins(%x, %t : tensor<1x8xf32>, tensor<8x4xf32>) outs(%o : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
