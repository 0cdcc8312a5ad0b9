// RUN: prune-opt %s -split-input-file --prune-blocks="block=2,2" -verify-diagnostics | FileCheck %s
// RUN: prune-opt %s -split-input-file --prune-blocks="block=1,4" 2>/dev/null | FileCheck %s --check-prefix=B14
// RUN: prune-opt %s -split-input-file --prune-blocks="block=2,2 metric=l1" 2>/dev/null | FileCheck %s --check-prefix=L1
// RUN: prune-opt %s -split-input-file --prune-blocks="block=2,2 ratio=0.0" 2>/dev/null | FileCheck %s --check-prefix=R0
// Attached block scores: only the nested module of the last case has them.
// RUN: prune-opt %s -split-input-file --pass-pipeline="builtin.module(builtin.module(prune-blocks{block=2,2 metric=external}))" | FileCheck %s --check-prefix=ATT

// A PyTorch Linear [out = 4, in = 8]: rows of the view are the output dim
// (constant dim 0), columns the reduction dim. 2x2 blocks: 8 blocks, the 4
// with the lowest Frobenius norm go. 1x4 blocks: 8 row segments.

// CHECK-LABEL: func.func @linear
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5>} dense<{{\[\[}}-1.125000e+00, -8.750000e-01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 5.000000e-01, 2.875000e+00], [-2.625000e+00, 3.750000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, -3.625000e+00, 3.750000e-01], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, -3.875000e+00, -3.375000e+00, -2.375000e+00, 1.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 2.250000e+00, -3.500000e+00, 2.125000e+00, 3.250000e+00]]> : tensor<4x8xf32>
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5, operand = 1>}

// B14-LABEL: func.func @linear
// B14:       arith.constant {prune.sparsity = #prune.sparsity<pattern = block, block = [1, 4], ratio = 0.5>} dense<{{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.375000e+00, 3.125000e+00, -3.625000e+00, 3.750000e-01], [-6.250000e-01, 4.000000e+00, 2.750000e+00, 1.250000e-01, -3.875000e+00, -3.375000e+00, -2.375000e+00, 1.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 2.250000e+00, -3.500000e+00, 2.125000e+00, 3.250000e+00]]> : tensor<4x8xf32>

// ratio=0 zeroes nothing but still records the pattern.
// R0-LABEL: func.func @linear
// R0:       arith.constant {prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.0>} dense<{{\[\[}}-1.125000e+00, -8.750000e-01, -2.000000e+00, 1.250000e+00, 1.875000e+00, -2.500000e+00, 5.000000e-01, 2.875000e+00], [-2.625000e+00, 3.750000e+00, 1.500000e+00, -7.500000e-01, 1.375000e+00, 3.125000e+00, -3.625000e+00, 3.750000e-01], [-6.250000e-01, 4.000000e+00, 2.750000e+00, 1.250000e-01, -3.875000e+00, -3.375000e+00, -2.375000e+00, 1.000000e+00], [-2.500000e-01, 1.625000e+00, 1.750000e+00, 3.000000e+00, 2.250000e+00, -3.500000e+00, 2.125000e+00, 3.250000e+00]]> : tensor<4x8xf32>
func.func @linear(%x: tensor<3x8xf32>, %o: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %w = arith.constant dense<[[-1.125, -0.875, -2.0, 1.25, 1.875, -2.5, 0.5, 2.875], [-2.625, 3.75, 1.5, -0.75, 1.375, 3.125, -3.625, 0.375], [-0.625, 4.0, 2.75, 0.125, -3.875, -3.375, -2.375, 1.0], [-0.25, 1.625, 1.75, 3.0, 2.25, -3.5, 2.125, 3.25]]> : tensor<4x8xf32>
  %e = tensor.empty() : tensor<8x4xf32>
  %t = linalg.transpose ins(%w : tensor<4x8xf32>) outs(%e : tensor<8x4xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<3x8xf32>, tensor<8x4xf32>) outs(%o : tensor<3x4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// The weight as the matmul's right-hand side [K = 8, N = 4]: block rows run
// along N (constant dim 1) and block columns along K (constant dim 0), so a
// 1x4 block is a run of 4 down one column of the constant.

// CHECK-LABEL: func.func @matmul_rhs
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5>} dense<{{\[\[}}-1.000000e+00, -3.125000e+00, 0.000000e+00, 0.000000e+00], [-2.500000e-01, 3.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, -2.750000e+00, -1.125000e+00], [0.000000e+00, 0.000000e+00, 1.375000e+00, 3.750000e+00], [4.000000e+00, -3.875000e+00, 0.000000e+00, 0.000000e+00], [-2.625000e+00, 3.625000e+00, 0.000000e+00, 0.000000e+00], [-1.625000e+00, -3.375000e+00, 0.000000e+00, 0.000000e+00], [-2.250000e+00, 8.750000e-01, 0.000000e+00, 0.000000e+00]]> : tensor<8x4xf32>

// B14-LABEL: func.func @matmul_rhs
// B14:       arith.constant {prune.sparsity = #prune.sparsity<pattern = block, block = [1, 4], ratio = 0.5>} dense<{{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, -1.875000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 2.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, -1.125000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 3.750000e+00], [4.000000e+00, -3.875000e+00, 1.750000e+00, 0.000000e+00], [-2.625000e+00, 3.625000e+00, -2.875000e+00, 0.000000e+00], [-1.625000e+00, -3.375000e+00, 5.000000e-01, 0.000000e+00], [-2.250000e+00, 8.750000e-01, 3.500000e+00, 0.000000e+00]]> : tensor<8x4xf32>
// B14:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = block, block = [1, 4], ratio = 0.5, operand = 1>}
func.func @matmul_rhs(%x: tensor<3x8xf32>, %o: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %w = arith.constant dense<[[-1.0, -3.125, -2.375, -1.875], [-0.25, 3.0, 0.625, 2.0], [3.25, -1.25, -2.75, -1.125], [-2.5, 0.125, 1.375, 3.75], [4.0, -3.875, 1.75, 0.75], [-2.625, 3.625, -2.875, -2.125], [-1.625, -3.375, 0.5, 0.375], [-2.25, 0.875, 3.5, 1.5]]> : tensor<8x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<3x8xf32>, tensor<8x4xf32>) outs(%o : tensor<3x4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// l2 and l1 disagree: block 0 is [3, 0; 0, 0] (l2 3, l1 3), block 1 is
// all ones (l2 2, l1 4).

// CHECK-LABEL: func.func @l1_vs_l2
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5>} dense<{{\[\[}}3.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x4xf32>

// L1-LABEL: func.func @l1_vs_l2
// L1:       arith.constant {prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5>} dense<{{\[\[}}0.000000e+00, 0.000000e+00, 1.000000e+00, 1.000000e+00], [0.000000e+00, 0.000000e+00, 1.000000e+00, 1.000000e+00]]> : tensor<2x4xf32>
func.func @l1_vs_l2(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[3.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Four blocks, three with the same norm 2: 2 go, and among the tied ones
// the lowest block index is kept.

// CHECK-LABEL: func.func @ties
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5>} dense<{{\[\[}}1.000000e+00, -1.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 2.000000e+00, 2.000000e+00], [1.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 2.000000e+00, 2.000000e+00]]> : tensor<2x8xf32>
func.func @ties(%x: tensor<1x8xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, -1.0, 1.0, -1.0, -1.0, 1.0, 2.0, 2.0], [1.0, 1.0, -1.0, -1.0, 1.0, -1.0, 2.0, 2.0]]> : tensor<2x8xf32>
  %e = tensor.empty() : tensor<8x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x8xf32>) outs(%e : tensor<8x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x8xf32>, tensor<8x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Five blocks with norms 1..5 (in reverse order): round(0.5 * 5) = 2 (half
// to even) go, the two last blocks.

// CHECK-LABEL: func.func @rounding
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.4>} dense<{{\[\[}}2.500000e+00, 2.500000e+00, 2.000000e+00, 2.000000e+00, 1.500000e+00, 1.500000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [2.500000e+00, -2.500000e+00, 2.000000e+00, -2.000000e+00, 1.500000e+00, -1.500000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x10xf32>
func.func @rounding(%x: tensor<1x10xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[2.5, 2.5, 2.0, 2.0, 1.5, 1.5, 1.0, 1.0, 0.5, 0.5], [2.5, -2.5, 2.0, -2.0, 1.5, -1.5, 1.0, -1.0, 0.5, -0.5]]> : tensor<2x10xf32>
  %e = tensor.empty() : tensor<10x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x10xf32>) outs(%e : tensor<10x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x10xf32>, tensor<10x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A convolution filter [F = 2, C = 4, 2, 2] is one F x C matrix per kernel
// position: 4 matrices of 2 blocks; the 4 weakest of the 8 blocks go,
// wherever they are.

// CHECK-LABEL: func.func @conv
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5>} dense<{{\[\[\[\[}}-2.875000e+00, -1.000000e+00], [-1.125000e+00, 0.000000e+00]], {{\[\[}}-4.000000e+00, -2.500000e-01], [3.625000e+00, 0.000000e+00]], {{\[\[}}3.500000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]], {{\[\[}}-1.250000e-01, 0.000000e+00], [0.000000e+00, 0.000000e+00]]], {{\[\[\[}}-1.250000e+00, 3.750000e+00], [1.750000e+00, 0.000000e+00]], {{\[\[}}1.875000e+00, 3.375000e+00], [3.250000e+00, 0.000000e+00]], {{\[\[}}1.625000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]], {{\[\[}}3.875000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]]]]> : tensor<2x4x2x2xf32>
// CHECK:       linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5, operand = 1>, strides = dense<1> : tensor<2xi64>}
func.func @conv(%img: tensor<1x4x3x3xf32>, %o: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %f = arith.constant dense<[[[[-2.875, -1.0],  [-1.125, -3.125]], [[-4.0, -0.25],  [3.625, 2.25]], [[3.5, 2.0],  [-2.5, 3.0]], [[-0.125, -2.75],  [0.625, 1.5]]], [[[-1.25, 3.75],  [1.75, 0.75]], [[1.875, 3.375],  [3.25, -0.5]], [[1.625, -2.625],  [-0.375, 0.875]], [[3.875, 1.375],  [2.125, -2.375]]]]> : tensor<2x4x2x2xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%img, %f : tensor<1x4x3x3xf32>, tensor<2x4x2x2xf32>) outs(%o : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// A view that does not tile, and a depthwise filter with no reduction dim:
// remarks, both stay dense.

// CHECK-LABEL: func.func @no_tiling
// CHECK:       arith.constant dense<1.000000e+00> : tensor<3x4xf32>
// CHECK:       arith.constant dense<1.000000e+00> : tensor<2x2x4xf32>
// CHECK:       linalg.matmul ins
// CHECK:       linalg.depthwise_conv_2d_nhwc_hwc {dilations
func.func @no_tiling(%x: tensor<1x4xf32>, %o: tensor<1x3xf32>, %img: tensor<1x3x3x4xf32>, %oi: tensor<1x2x2x4xf32>) -> (tensor<1x3xf32>, tensor<1x2x2x4xf32>) {
  // expected-remark @+1 {{weight 'weight0' left dense: its (output x reduction) view 3x4 does not tile into 2x2 blocks}}
  %w = arith.constant dense<1.0> : tensor<3x4xf32>
  // expected-remark @+1 {{weight 'weight1' left dense: it has no single output and reduction dim}}
  %f = arith.constant dense<1.0> : tensor<2x2x4xf32>
  %e = tensor.empty() : tensor<4x3xf32>
  %t = linalg.transpose ins(%w : tensor<3x4xf32>) outs(%e : tensor<4x3xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x4xf32>, tensor<4x3xf32>) outs(%o : tensor<1x3xf32>) -> tensor<1x3xf32>
  %c = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%img, %f : tensor<1x3x3x4xf32>, tensor<2x2x4xf32>) outs(%oi : tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
  return %y, %c : tensor<1x3xf32>, tensor<1x2x2x4xf32>
}

// -----

// metric=external uses the attached block scores [5, 1]: block 1 goes,
// although it has the larger norm (which l2 keeps).

// CHECK-LABEL: func.func @attached
// CHECK:       arith.constant {prune.importance = #prune.importance<{{.*}}>, prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5>} dense<{{\[\[}}-7.500000e-01, -8.750000e-01, 0.000000e+00, 0.000000e+00], [2.500000e-01, -6.250000e-01, 0.000000e+00, 0.000000e+00]]> : tensor<2x4xf32>

// ATT-LABEL: func.func @attached
// ATT:       arith.constant {prune.importance = #prune.importance<{{.*}}>, prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5>} dense<{{\[\[}}-7.500000e-01, -8.750000e-01, 0.000000e+00, 0.000000e+00], [2.500000e-01, -6.250000e-01, 0.000000e+00, 0.000000e+00]]> : tensor<2x4xf32>
// ATT:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5, operand = 1>}
module {
module @scored {
func.func @attached(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {prune.importance = #prune.importance<metric = external, granularity = block, block = [2, 2], scores = dense<[[5.0, 1.0]]> : tensor<1x2xf32>>} dense<[[-0.75, -0.875, 1.0, -0.375], [0.25, -0.625, 0.125, 0.5]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
}
}
