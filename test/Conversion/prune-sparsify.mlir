// RUN: prune-opt %s -split-input-file --prune-sparsify -verify-diagnostics | FileCheck %s

// A PyTorch Linear pruned 2:4: values [out, K/2] f32 and in-group positions
// [out, K/2] i8 replace the [2, 8] weight; the matmul becomes the N:M kernel.

// CHECK-LABEL: func.func @nm_linear
// CHECK-DAG:   %[[V:.*]] = arith.constant dense<{{\[\[}}3.000000e+00, -4.000000e+00, 7.000000e+00, -8.000000e+00], [-7.500000e-01, 8.000000e+00, -1.000000e+00, 1.000000e+00]]> : tensor<2x4xf32>
// CHECK-DAG:   %[[P:.*]] = arith.constant dense<{{\[\[}}2, 3, 2, 3], [2, 3, 0, 1]]> : tensor<2x4xi8>
// CHECK-NOT:   tensor<2x8xf32>
// CHECK:       memref.alloc() {{.*}} : memref<1x8x4xf32>
// CHECK:       vector.transpose {{.*}} : vector<4x4xf32> to vector<4x4xf32>
// CHECK:       scf.parallel
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               scf.for {{.*}} iter_args
// CHECK:                 memref.load
// CHECK:                 arith.index_castui {{.*}} : i8 to index
// CHECK:                 vector.transfer_read
// CHECK:                 vector.broadcast {{.*}} : f32 to vector<4xf32>
// CHECK:                 vector.fma {{.*}} : vector<4xf32>
// CHECK:       bufferization.to_tensor
// CHECK-NOT:   linalg.matmul
func.func @nm_linear(%x: tensor<4x8xf32>) -> tensor<4x2xf32> {
  %w = arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>} dense<[[0.0, 0.0, 3.0, -4.0, 0.0, 0.0, 7.0, -8.0], [0.0, 0.0, -0.75, 8.0, -1.0, 1.0, 0.0, 0.0]]> : tensor<2x8xf32>
  %e = tensor.empty() : tensor<8x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x8xf32>) outs(%e : tensor<8x2xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<4x2xf32>
  // expected-remark @below {{prune-sparsify: 2:4 kernel for x86-avx512, weight 64 B -> 40 B}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>} ins(%x, %t : tensor<4x8xf32>, tensor<8x2xf32>) outs(%o : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}


// -----

// Batch 1 on AVX-512: the dot-product N:M kernel. Values [out, K/2] f32 and,
// per vector of 16 kept weights, one i16 mask per position bit (bit l of
// mask t = bit t of the position of kept weight l): row 0 keeps positions
// 0, 1 of every group (bit 0 on odd lanes: 0xAAAA), row 1 keeps 2, 3
// (bit 1 everywhere). Activations are repacked per position and selected
// with the masks; dot products are reduced across lanes.

// CHECK-LABEL: func.func @nm_dot_batch1
// CHECK-DAG:   arith.constant dense<{{\[\[}}-21846, 0], [-21846, -1]]> : tensor<2x2xi16>
// CHECK-DAG:   arith.constant {{.*}} : tensor<2x16xf32>
// CHECK-NOT:   tensor<2x32xf32>
// CHECK:       memref.alloc() {{.*}} : memref<1x4x16xf32>
// CHECK:       scf.parallel
// CHECK:         scf.for
// CHECK:           scf.for {{.*}} iter_args
// CHECK-COUNT-4:     vector.load {{.*}} : memref<1x4x16xf32>, vector<16xf32>
// CHECK:             vector.load {{.*}} : memref<2x16xf32>, vector<16xf32>
// CHECK:             memref.load {{.*}} : memref<2x2xi16>
// CHECK:             vector.bitcast {{.*}} : vector<1xi16> to vector<16xi1>
// CHECK-COUNT-3:     arith.select {{.*}} : vector<16xi1>, vector<16xf32>
// CHECK:             vector.fma {{.*}} : vector<16xf32>
// CHECK:         vector.shuffle
// CHECK:         memref.store
// CHECK-NOT:   linalg.matmul
func.func @nm_dot_batch1(%x: tensor<1x32xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>} dense<[[1.0, -1.0, 0.0, 0.0, 2.0, -2.0, 0.0, 0.0, 3.0, -3.0, 0.0, 0.0, 4.0, -4.0, 0.0, 0.0, 5.0, -5.0, 0.0, 0.0, 6.0, -6.0, 0.0, 0.0, 7.0, -7.0, 0.0, 0.0, 8.0, -8.0, 0.0, 0.0], [0.0, 0.0, 0.5, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.5, 2.0, 0.0, 0.0, 2.0, 2.0, 0.0, 0.0, 2.5, 2.0, 0.0, 0.0, 3.0, 2.0, 0.0, 0.0, 3.5, 2.0, 0.0, 0.0, 4.0, 2.0]]> : tensor<2x32xf32>
  %e = tensor.empty() : tensor<32x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x32xf32>) outs(%e : tensor<32x2xf32>) permutation = [1, 0]
  %c0 = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @below {{prune-sparsify: 2:4 kernel (dot, position masks) for x86-avx512, weight 256 B -> 136 B}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>} ins(%x, %t : tensor<1x32xf32>, tensor<32x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
// -----

// 1:4 on a [K, N] weight; a group with no non-zero is padded with a zero
// value (position 0).

// CHECK-LABEL: func.func @nm_14_kn
// CHECK-DAG:   arith.constant dense<{{\[\[}}5.000000e+00, 0.000000e+00], [2.000000e+00, 3.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG:   arith.constant dense<{{\[\[}}1, 0], [3, 2]]> : tensor<2x2xi8>
// CHECK:       vector.fma
func.func @nm_14_kn(%x: tensor<16x8xf32>) -> tensor<16x2xf32> {
  %w = arith.constant dense<[[0.0, 0.0], [5.0, 0.0], [0.0, 0.0], [0.0, 2.0], [0.0, 0.0], [0.0, 0.0], [0.0, 3.0], [0.0, 0.0]]> : tensor<8x2xf32>
  %o = tensor.empty() : tensor<16x2xf32>
  // expected-remark @below {{prune-sparsify: 1:4 kernel}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 1, m = 4, dim = 0, ratio = 0.75, operand = 1>} ins(%x, %w : tensor<16x8xf32>, tensor<8x2xf32>) outs(%o : tensor<16x2xf32>) -> tensor<16x2xf32>
  return %y : tensor<16x2xf32>
}

// -----

// Blocks [2, 4] of the (output x reduction) view: BSR with one block per
// block row (block columns 1 and 0).

// CHECK-LABEL: func.func @bsr
// CHECK-DAG:   arith.constant dense<[0, 1, 2]> : tensor<3xi32>
// CHECK-DAG:   arith.constant dense<[1, 0]> : tensor<2xi32>
// CHECK-DAG:   arith.constant {{.*}} : tensor<2x2x4xf32>
// CHECK:       scf.parallel
// CHECK:       arith.divui
// CHECK:       vector.fma
func.func @bsr(%x: tensor<8x8xf32>) -> tensor<8x4xf32> {
  %w = arith.constant dense<[[0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0, 5.0, 6.0, 7.0, 8.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [2.0, 2.0, 2.0, 2.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<4x8xf32>
  %e = tensor.empty() : tensor<8x4xf32>
  %t = linalg.transpose ins(%w : tensor<4x8xf32>) outs(%e : tensor<8x4xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<8x4xf32>
  // expected-remark @below {{prune-sparsify: BSR 2x4 kernel (2 blocks) for x86-avx512, weight 128 B -> 84 B}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = block, block = [2, 4], ratio = 0.5, operand = 1>} ins(%x, %t : tensor<8x8xf32>, tensor<8x4xf32>) outs(%o : tensor<8x4xf32>) -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

// -----

// Unstructured, 7 of 8 zero: CSR (1x1 blocks). A row tile takes 2 CSR
// rows (one loop over the non-zeros of each, so the epilogue stores vectors
// of 2 outputs); with 1 accumulator per row, the non-zeros of a row run 4 at
// a time into independent accumulators, then one at a time.

// CHECK-LABEL: func.func @csr
// CHECK-DAG:   arith.constant dense<[0, 1, 1]> : tensor<3xi32>
// CHECK-DAG:   arith.constant dense<2> : tensor<1xi32>
// CHECK-DAG:   arith.constant dense<1.500000e+00> : tensor<1x1x1xf32>
// CHECK:       scf.parallel
// CHECK:         memref.load {{.*}} : memref<3xi32>
// CHECK:         memref.load {{.*}} : memref<3xi32>
// CHECK:         scf.for {{.*}} step %c4{{.*}} iter_args({{.*}}) -> (vector<2xf32>, vector<2xf32>, vector<2xf32>, vector<2xf32>)
// CHECK-COUNT-4:   vector.fma {{.*}} : vector<2xf32>
// CHECK:         scf.for {{.*}} iter_args({{.*}}) -> (vector<2xf32>)
// CHECK:         memref.load {{.*}} : memref<3xi32>
// CHECK:         memref.load {{.*}} : memref<3xi32>
// CHECK:         scf.for {{.*}} step %c4{{.*}} iter_args
// CHECK:         vector.transpose {{.*}} : vector<2x2xf32> to vector<2x2xf32>
func.func @csr(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[0.0, 0.0, 1.5, 0.0], [0.0, 0.0, 0.0, 0.0]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<2x2xf32>
  // expected-remark @below {{prune-sparsify: CSR kernel (1 non-zeros)}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.875, operand = 1>} ins(%x, %t : tensor<2x4xf32>, tensor<4x2xf32>) outs(%o : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// The data contradicts the recorded 2:4 (three non-zeros in a group): dense.

// CHECK-LABEL: func.func @nm_mismatch
// CHECK:       linalg.matmul
func.func @nm_mismatch(%x: tensor<1x4xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<[[1.0], [2.0], [3.0], [0.0]]> : tensor<4x1xf32>
  %o = tensor.empty() : tensor<1x1xf32>
  // expected-remark @below {{prune-sparsify: kept dense: weight data does not match the recorded 2:4 pattern (output 0, group 0 has more than 2 non-zeros)}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>} ins(%x, %w : tensor<1x4xf32>, tensor<4x1xf32>) outs(%o : tensor<1x1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

// A custom target that runs only 2:4 keeps 1:4 dense.

module attributes {prune.target = #prune.target<name = "my-cpu", nm = [2:4], vector_width = 256>} {
// CHECK-LABEL: func.func @unsupported_nm
// CHECK:       linalg.matmul
func.func @unsupported_nm(%x: tensor<1x4xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<[[1.0], [0.0], [0.0], [0.0]]> : tensor<4x1xf32>
  %o = tensor.empty() : tensor<1x1xf32>
  // expected-remark @below {{prune-sparsify: kept dense: target 'my-cpu' does not run 1:4}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 1, m = 4, dim = 0, ratio = 0.75, operand = 1>} ins(%x, %w : tensor<1x4xf32>, tensor<4x1xf32>) outs(%o : tensor<1x1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}
}

// -----

// Cost model: 50% unstructured zeros is below the target's min_sparsity.

// CHECK-LABEL: func.func @too_dense
// CHECK:       linalg.matmul
func.func @too_dense(%x: tensor<1x4xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<[[1.0], [0.0], [2.0], [0.0]]> : tensor<4x1xf32>
  %o = tensor.empty() : tensor<1x1xf32>
  // expected-remark @below {{prune-sparsify: kept dense: cost model: 50% zero weights is below the 70% where sparse code beats dense on 'x86-avx512'}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5, operand = 1>} ins(%x, %w : tensor<1x4xf32>, tensor<4x1xf32>) outs(%o : tensor<1x1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

// A block shape that does not tile the weight.

// CHECK-LABEL: func.func @block_no_tile
// CHECK:       linalg.matmul
func.func @block_no_tile(%x: tensor<1x6xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<0.0> : tensor<6x2xf32>
  %o = tensor.empty() : tensor<1x2xf32>
  // expected-remark @below {{prune-sparsify: kept dense: block 4x4 does not tile the 2x6 (output x reduction) weight}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = block, block = [4, 4], ratio = 0.5, operand = 1>} ins(%x, %w : tensor<1x6xf32>, tensor<6x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// The right-hand side is an activation, not a constant.

func.func @no_weight(%x: tensor<1x4xf32>, %w: tensor<4x1xf32>) -> tensor<1x1xf32> {
  %o = tensor.empty() : tensor<1x1xf32>
  // expected-remark @below {{prune-sparsify: kept dense: the right-hand side is not a constant weight}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.75, operand = 1>} ins(%x, %w : tensor<1x4xf32>, tensor<4x1xf32>) outs(%o : tensor<1x1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}
