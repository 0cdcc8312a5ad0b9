// RUN: prune-opt %s -split-input-file --prune-unstructured | FileCheck %s
// RUN: prune-opt %s -split-input-file --prune-unstructured="metric=l2" | FileCheck %s --check-prefix=L2
// RUN: prune-opt %s -split-input-file --prune-unstructured="scope=global" | FileCheck %s --check-prefix=GLOBAL
// RUN: prune-opt %s -split-input-file --prune-unstructured="exclude=fc1*,*enc.w*" | FileCheck %s --check-prefix=EXCL
// RUN: prune-opt %s -split-input-file --prune-unstructured="ratio=0.25" | FileCheck %s --check-prefix=R25
// Attached metrics only run on the nested module of the last case: the other
// weights have no scores.
// RUN: prune-opt %s -split-input-file --pass-pipeline="builtin.module(builtin.module(prune-unstructured{metric=taylor}))" | FileCheck %s --check-prefix=ATT
// RUN: prune-opt %s -split-input-file --pass-pipeline="builtin.module(builtin.module(prune-unstructured{metric=attached}))" | FileCheck %s --check-prefix=ATT

// A PyTorch Linear (weight [out, in] transposed into the matmul). Half of
// the 16 elements go; among the three |w| = 2 (indices 1, 13, 14) the one
// with the lowest index is kept.

// CHECK-LABEL: func.func @linear
// CHECK:       %[[W:.*]] = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<{{\[}}[0.000000e+00, -2.000000e+00, 3.000000e+00, -4.000000e+00, 5.000000e+00, -6.000000e+00, 7.000000e+00, -8.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 8.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x8xf32>
// CHECK:       %[[T:.*]] = linalg.transpose ins(%[[W]] : tensor<2x8xf32>)
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5, operand = 1>} ins(%{{.*}}, %[[T]] : tensor<4x8xf32>, tensor<8x2xf32>)

// The l2 ranking of single elements is the l1 ranking.
// L2-LABEL: func.func @linear
// L2:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<{{\[}}[0.000000e+00, -2.000000e+00, 3.000000e+00, -4.000000e+00, 5.000000e+00, -6.000000e+00, 7.000000e+00, -8.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 8.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x8xf32>

// round(0.25 * 16) = 4: the four smallest (0.125, 0.25, 0.5, 0.75).
// R25-LABEL: func.func @linear
// R25:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.25>} dense<{{\[}}[1.000000e+00, -2.000000e+00, 3.000000e+00, -4.000000e+00, 5.000000e+00, -6.000000e+00, 7.000000e+00, -8.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 8.000000e+00, -1.000000e+00, 2.000000e+00, -2.000000e+00, 0.000000e+00]]> : tensor<2x8xf32>
func.func @linear(%x: tensor<4x8xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, -2.0, 3.0, -4.0, 5.0, -6.0, 7.0, -8.0], [0.5, 0.25, -0.75, 8.0, -1.0, 2.0, -2.0, 0.125]]> : tensor<2x8xf32>
  %e = tensor.empty() : tensor<8x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x8xf32>) outs(%e : tensor<8x2xf32>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<4x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%o : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %t : tensor<4x8xf32>, tensor<8x2xf32>) outs(%acc : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// round(ratio * numel) is round-half-to-even: 0.5 * 5 = 2.5 -> 2,
// 0.5 * 3 = 1.5 -> 2, 0.5 * 7 = 3.5 -> 4. The weight is the matmul's
// right-hand side directly.

// CHECK-LABEL: func.func @rounding
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.4>} dense<{{\[}}[2.500000e+00], [2.000000e+00], [1.500000e+00], [0.000000e+00], [0.000000e+00]]> : tensor<5x1xf32>
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.6666666666666666>} dense<{{\[}}[1.500000e+00], [0.000000e+00], [0.000000e+00]]> : tensor<3x1xf32>
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5714285714285714>} dense<{{\[}}[3.500000e+00], [3.000000e+00], [2.500000e+00], [0.000000e+00], [0.000000e+00], [0.000000e+00], [0.000000e+00]]> : tensor<7x1xf32>
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.4, operand = 1>}
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.6666666666666666, operand = 1>}
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5714285714285714, operand = 1>}
func.func @rounding(%x5: tensor<2x5xf32>, %x3: tensor<2x3xf32>, %x7: tensor<2x7xf32>, %o: tensor<2x1xf32>) -> (tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>) {
  %w5 = arith.constant dense<[[2.5], [2.0], [1.5], [1.0], [0.5]]> : tensor<5x1xf32>
  %w3 = arith.constant dense<[[1.5], [1.0], [0.5]]> : tensor<3x1xf32>
  %w7 = arith.constant dense<[[3.5], [3.0], [2.5], [2.0], [1.5], [1.0], [0.5]]> : tensor<7x1xf32>
  %0 = linalg.matmul ins(%x5, %w5 : tensor<2x5xf32>, tensor<5x1xf32>) outs(%o : tensor<2x1xf32>) -> tensor<2x1xf32>
  %1 = linalg.matmul ins(%x3, %w3 : tensor<2x3xf32>, tensor<3x1xf32>) outs(%o : tensor<2x1xf32>) -> tensor<2x1xf32>
  %2 = linalg.matmul ins(%x7, %w7 : tensor<2x7xf32>, tensor<7x1xf32>) outs(%o : tensor<2x1xf32>) -> tensor<2x1xf32>
  return %0, %1, %2 : tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>
}

// -----

// All scores equal: the lower row-major indices are kept.

// CHECK-LABEL: func.func @ties
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<{{\[}}[1.000000e+00, -1.000000e+00, 1.000000e+00, -1.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x4xf32>
func.func @ties(%x: tensor<3x4xf32>, %o: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = arith.constant dense<[[1.0, -1.0, 1.0, -1.0], [1.0, 1.0, -1.0, -1.0]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<3x4xf32>, tensor<4x2xf32>) outs(%o : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// scope=global ranks fc1 and fc2 together (as if flattened and
// concatenated in discovery order): 8 of 16 go, mostly from fc1. Of the
// four |w| = 1 (fc1[0][3], fc2[0][0], fc2[0][1], fc2[1][2]) the last one is
// pruned. With scope=layer each loses 4 (fc2: 0.5 and all three 1s); with
// exclude= fc1 (a NameLoc) is left alone and unmarked.

// GLOBAL-LABEL: func.func @two_layers
// GLOBAL:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.75>} dense<{{\[}}[0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00], [0.000000e+00, -2.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x4xf32>
// GLOBAL:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.25>} dense<{{\[}}[1.000000e+00, -1.000000e+00, 2.000000e+00, 0.000000e+00], [3.000000e+00, -4.000000e+00, 0.000000e+00, 5.000000e+00]]> : tensor<2x4xf32>
// GLOBAL:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.75, operand = 1>}
// GLOBAL:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.25, operand = 1>}

// CHECK-LABEL: func.func @two_layers
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<{{\[}}[0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00], [0.000000e+00, -2.000000e+00, 4.000000e-01, 6.000000e-01]]> : tensor<2x4xf32>
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<{{\[}}[0.000000e+00, 0.000000e+00, 2.000000e+00, 0.000000e+00], [3.000000e+00, -4.000000e+00, 0.000000e+00, 5.000000e+00]]> : tensor<2x4xf32>

// EXCL-LABEL: func.func @two_layers
// EXCL:       arith.constant dense<{{\[}}[1.000000e-01, -2.000000e-01, 3.000000e-01, 1.000000e+00], [5.000000e-02, -2.000000e+00, 4.000000e-01, 6.000000e-01]]> : tensor<2x4xf32>
// EXCL:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<{{\[}}[0.000000e+00, 0.000000e+00, 2.000000e+00, 0.000000e+00], [3.000000e+00, -4.000000e+00, 0.000000e+00, 5.000000e+00]]> : tensor<2x4xf32>
// EXCL:       linalg.matmul ins
// EXCL:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5, operand = 1>}
func.func @two_layers(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w1 = arith.constant dense<[[0.1, -0.2, 0.3, 1.0], [0.05, -2.0, 0.4, 0.6]]> : tensor<2x4xf32> loc("fc1.weight")
  %w2 = arith.constant dense<[[1.0, -1.0, 2.0, 0.5], [3.0, -4.0, 1.0, 5.0]]> : tensor<2x4xf32> loc("fc2.weight")
  %e = tensor.empty() : tensor<4x2xf32>
  %t1 = linalg.transpose ins(%w1 : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %t2 = linalg.transpose ins(%w2 : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<1x2xf32>
  %h = linalg.matmul ins(%x, %t1 : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul ins(%x, %t2 : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A dense_resource weight keeps its key and gets the pruned data. Its name
// for exclude= is the key.

// CHECK-LABEL: func.func @resource
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense_resource<enc.weight> : tensor<2x3xf32>
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5, operand = 1>}
// CHECK:       enc.weight: "0x0400000000000000000000C000004040000080C00000000000000000"

// EXCL-LABEL: func.func @resource
// EXCL:       arith.constant dense_resource<enc.weight> : tensor<2x3xf32>
// EXCL:       linalg.matmul ins
// EXCL:       enc.weight: "0x040000000000803F000000C000004040000080C00000003F0000803E"
func.func @resource(%x: tensor<1x3xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense_resource<enc.weight> : tensor<2x3xf32>
  %e = tensor.empty() : tensor<3x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x3xf32>) outs(%e : tensor<3x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x3xf32>, tensor<3x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      enc.weight: "0x040000000000803F000000C000004040000080C00000003F0000803E"
    }
  }
#-}

// -----

// f16 and bf16 weights are ranked by their value and stay f16 / bf16.

// CHECK-LABEL: func.func @half
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<{{\[}}[0.000000e+00, -2.000000e+00, 3.000000e+00, -4.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 8.000000e+00]]> : tensor<2x4xf16>
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<{{\[}}[0.000000e+00, -2.000000e+00, 3.000000e+00, -4.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 8.000000e+00]]> : tensor<2x4xbf16>
func.func @half(%x: tensor<1x4xf16>, %xb: tensor<1x4xbf16>) -> (tensor<1x2xf16>, tensor<1x2xbf16>) {
  %w = arith.constant dense<[[1.0, -2.0, 3.0, -4.0], [0.5, 0.25, -0.125, 8.0]]> : tensor<2x4xf16>
  %wb = arith.constant dense<[[1.0, -2.0, 3.0, -4.0], [0.5, 0.25, -0.125, 8.0]]> : tensor<2x4xbf16>
  %e = tensor.empty() : tensor<4x2xf16>
  %t = linalg.transpose ins(%w : tensor<2x4xf16>) outs(%e : tensor<4x2xf16>) permutation = [1, 0]
  %o = tensor.empty() : tensor<1x2xf16>
  %y = linalg.matmul ins(%x, %t : tensor<1x4xf16>, tensor<4x2xf16>) outs(%o : tensor<1x2xf16>) -> tensor<1x2xf16>
  %eb = tensor.empty() : tensor<4x2xbf16>
  %tb = linalg.transpose ins(%wb : tensor<2x4xbf16>) outs(%eb : tensor<4x2xbf16>) permutation = [1, 0]
  %ob = tensor.empty() : tensor<1x2xbf16>
  %yb = linalg.matmul ins(%xb, %tb : tensor<1x4xbf16>, tensor<4x2xbf16>) outs(%ob : tensor<1x2xbf16>) -> tensor<1x2xbf16>
  return %y, %yb : tensor<1x2xf16>, tensor<1x2xbf16>
}

// -----

// Elements that are already zero rank lowest (the last ones first); the
// recorded ratio is the achieved one: 3 zeros of 8.

// R25-LABEL: func.func @already_zero
// R25:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.375>} dense<{{\[}}[0.000000e+00, 0.000000e+00, 1.000000e+00, 2.000000e+00], [3.000000e+00, 0.000000e+00, 4.000000e+00, 5.000000e+00]]> : tensor<2x4xf32>
// R25:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.375, operand = 1>}
func.func @already_zero(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[0.0, 0.0, 1.0, 2.0], [3.0, 0.0, 4.0, 5.0]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A weight broadcast into a batch_matmul, and a convolution filter.

// CHECK-LABEL: func.func @batch_and_conv
// CHECK:       %[[B:.*]] = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<{{\[}}[0.000000e+00, -2.000000e+00], [3.000000e+00, 0.000000e+00], [0.000000e+00, 4.000000e+00], [0.000000e+00, -1.500000e+00]]> : tensor<4x2xf32>
// CHECK:       %[[F:.*]] = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<{{\[}}[{{\[}}[1.000000e+00, 0.000000e+00], [2.000000e+00, 0.000000e+00]]], [{{\[}}[-3.000000e+00, 0.000000e+00], [0.000000e+00, 4.000000e+00]]]]> : tensor<2x1x2x2xf32>
// CHECK:       %[[BB:.*]] = linalg.broadcast ins(%[[B]] : tensor<4x2xf32>)
// CHECK:       linalg.batch_matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5, operand = 1>} ins(%{{.*}}, %[[BB]] :
// CHECK:       linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5, operand = 1>, strides = dense<1> : tensor<2xi64>} ins(%{{.*}}, %[[F]] :
func.func @batch_and_conv(%x: tensor<2x3x4xf32>, %o: tensor<2x3x2xf32>, %img: tensor<1x1x3x3xf32>, %oi: tensor<1x2x2x2xf32>) -> (tensor<2x3x2xf32>, tensor<1x2x2x2xf32>) {
  %w = arith.constant dense<[[1.0, -2.0], [3.0, 0.5], [-0.25, 4.0], [0.75, -1.5]]> : tensor<4x2xf32>
  %f = arith.constant dense<[[[[1.0, -0.5], [2.0, 0.25]]], [[[-3.0, 0.125], [0.75, 4.0]]]]> : tensor<2x1x2x2xf32>
  %e = tensor.empty() : tensor<2x4x2xf32>
  %b = linalg.broadcast ins(%w : tensor<4x2xf32>) outs(%e : tensor<2x4x2xf32>) dimensions = [0]
  %y = linalg.batch_matmul ins(%x, %b : tensor<2x3x4xf32>, tensor<2x4x2xf32>) outs(%o : tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%img, %f : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%oi : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %y, %c : tensor<2x3x2xf32>, tensor<1x2x2x2xf32>
}

// -----

// metric=taylor (or attached) ranks by the attached weight-granularity
// scores, not by magnitude: here they rank the small first row highest.
// The default metric (l1) ignores them and prunes the first row.

// CHECK-LABEL: func.func @attached
// CHECK:       arith.constant {prune.importance = #prune.importance<{{.*}}>, prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<{{\[}}[0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [6.250000e-01, 7.500000e-01, 8.750000e-01, 1.000000e+00]]> : tensor<2x4xf32>

// ATT-LABEL: func.func @attached
// ATT:       arith.constant {prune.importance = #prune.importance<metric = taylor, granularity = weight, scores = dense<{{\[}}[8.000000e+00, 7.000000e+00, 6.000000e+00, 5.000000e+00], [4.000000e+00, 3.000000e+00, 2.000000e+00, 1.000000e+00]]> : tensor<2x4xf32>>, prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5>} dense<{{\[}}[1.250000e-01, 2.500000e-01, 3.750000e-01, 5.000000e-01], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x4xf32>
// ATT:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5, operand = 1>}
// (A lone top-level module would become the top module itself: wrap it.)
module {
module @attached {
func.func @attached(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {prune.importance = #prune.importance<metric = taylor, granularity = weight, scores = dense<[[8.0, 7.0, 6.0, 5.0], [4.0, 3.0, 2.0, 1.0]]> : tensor<2x4xf32>>} dense<[[0.125, 0.25, 0.375, 0.5], [0.625, 0.75, 0.875, 1.0]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
}
}
