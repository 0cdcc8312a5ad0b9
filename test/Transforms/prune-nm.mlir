// RUN: prune-opt %s -split-input-file --prune-nm -verify-diagnostics | FileCheck %s
// RUN: prune-opt %s -split-input-file --prune-nm="n=1 m=4" 2>/dev/null | FileCheck %s --check-prefix=N14
// RUN: prune-opt %s -split-input-file --prune-nm="n=4 m=8" 2>/dev/null | FileCheck %s --check-prefix=N48
// RUN: prune-opt %s -split-input-file --prune-nm="metric=l2 exclude=*fc2*" 2>/dev/null | FileCheck %s --check-prefix=EXCL

// A PyTorch Linear: the weight is [out, in] = 2x8 and reaches the matmul
// through a transpose, so the groups of 4 run along constant dim 1 (recorded
// on the constant) = operand dim 0 (recorded on the matmul). In the last
// group of row 1, |1| ties three ways: the lowest index wins.

// CHECK-LABEL: func.func @linear
// CHECK:       %[[W:.*]] = arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>} dense<{{\[\[}}0.000000e+00, 0.000000e+00, 3.000000e+00, -4.000000e+00, 0.000000e+00, 0.000000e+00, 7.000000e+00, -8.000000e+00], [0.000000e+00, 0.000000e+00, -7.500000e-01, 8.000000e+00, -1.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x8xf32>
// CHECK:       %[[T:.*]] = linalg.transpose ins(%[[W]] : tensor<2x8xf32>)
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>} ins(%{{.*}}, %[[T]] : tensor<4x8xf32>, tensor<8x2xf32>)

// N14-LABEL: func.func @linear
// N14:       arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 1, m = 4, dim = 1, ratio = 0.75>} dense<{{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, -4.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, -8.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 8.000000e+00, -1.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x8xf32>
// N14:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 1, m = 4, dim = 0, ratio = 0.75, operand = 1>}

// N48-LABEL: func.func @linear
// N48:       arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 4, m = 8, dim = 1, ratio = 0.5>} dense<{{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 5.000000e+00, -6.000000e+00, 7.000000e+00, -8.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 8.000000e+00, -1.000000e+00, 1.000000e+00, -1.000000e+00, 0.000000e+00]]> : tensor<2x8xf32>
// N48:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 4, m = 8, dim = 0, ratio = 0.5, operand = 1>}
func.func @linear(%x: tensor<4x8xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, -2.0, 3.0, -4.0, 5.0, -6.0, 7.0, -8.0], [0.5, 0.25, -0.75, 8.0, -1.0, 1.0, -1.0, 1.0]]> : tensor<2x8xf32>
  %e = tensor.empty() : tensor<8x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x8xf32>) outs(%e : tensor<8x2xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %t : tensor<4x8xf32>, tensor<8x2xf32>) outs(%o : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// The weight as the matmul's right-hand side (K x N = 8x2): groups run down
// the columns (dim 0 in both coordinates). The second group of each column
// is four equal magnitudes: rows 4 and 5 stay.

// CHECK-LABEL: func.func @matmul_rhs
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5>} dense<{{\[\[}}1.000000e+00, -2.000000e+00], [3.000000e+00, 0.000000e+00], [0.000000e+00, 4.000000e+00], [0.000000e+00, 0.000000e+00], [2.000000e+00, 2.000000e+00], [-2.000000e+00, 2.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]]> : tensor<8x2xf32>
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>}

// N14-LABEL: func.func @matmul_rhs
// N14:       arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 1, m = 4, dim = 0, ratio = 0.75>} dense<{{\[\[}}0.000000e+00, 0.000000e+00], [3.000000e+00, 0.000000e+00], [0.000000e+00, 4.000000e+00], [0.000000e+00, 0.000000e+00], [2.000000e+00, 2.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]]> : tensor<8x2xf32>
func.func @matmul_rhs(%x: tensor<3x8xf32>, %o: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = arith.constant dense<[[1.0, -2.0], [3.0, 0.5], [-0.25, 4.0], [0.75, -1.5], [2.0, 2.0], [-2.0, 2.0], [2.0, -2.0], [2.0, 2.0]]> : tensor<8x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<3x8xf32>, tensor<8x2xf32>) outs(%o : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// A reduction dim of 6 does not divide into groups of 4: remark, and the
// weight and its consumer stay as they are.

// CHECK-LABEL: func.func @not_divisible
// CHECK:       arith.constant dense<1.000000e+00> : tensor<2x6xf32>
// CHECK:       linalg.matmul ins
func.func @not_divisible(%x: tensor<1x6xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-remark @+1 {{weight 'weight0' left dense: dim 1 (size 6) does not divide into groups of 4}}
  %w = arith.constant dense<1.0> : tensor<2x6xf32>
  %e = tensor.empty() : tensor<6x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x6xf32>) outs(%e : tensor<6x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x6xf32>, tensor<6x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Convolution filters are pruned along the input-channel dim, as NVIDIA ASP
// does: dim 1 of an FxCxKHxKW filter, dim 2 of a KHxKWxCxF one.

// CHECK-LABEL: func.func @conv_nchw_fchw
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>} dense<{{\[\[\[\[}}3.500000e+00, 0.000000e+00], [2.875000e+00, 2.375000e+00]], {{\[\[}}-3.000000e+00, 2.250000e+00], [0.000000e+00, -3.625000e+00]], {{\[\[}}0.000000e+00, 0.000000e+00], [-3.125000e+00, 0.000000e+00]], {{\[\[}}0.000000e+00, 3.375000e+00], [0.000000e+00, 0.000000e+00]]], {{\[\[\[}}3.250000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00]], {{\[\[}}3.750000e+00, 0.000000e+00], [2.125000e+00, 0.000000e+00]], {{\[\[}}0.000000e+00, 4.000000e+00], [-3.875000e+00, -1.250000e+00]], {{\[\[}}0.000000e+00, 1.625000e+00], [0.000000e+00, 0.000000e+00]]]]> : tensor<2x4x2x2xf32>
// CHECK:       linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5, operand = 1>, strides = dense<1> : tensor<2xi64>}
func.func @conv_nchw_fchw(%img: tensor<1x4x3x3xf32>, %o: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %f = arith.constant dense<[[[[3.5, 0.5],  [2.875, 2.375]], [[-3.0, 2.25],  [2.75, -3.625]], [[-2.5, 1.875],  [-3.125, -1.375]], [[2.625, 3.375],  [0.625, -0.375]]], [[[3.25, -0.875],  [-1.75, 1.0]], [[3.75, -0.25],  [2.125, 0.125]], [[2.0, 4.0],  [-3.875, -1.25]], [[1.125, 1.625],  [-1.5, -0.75]]]]> : tensor<2x4x2x2xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%img, %f : tensor<1x4x3x3xf32>, tensor<2x4x2x2xf32>) outs(%o : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @conv_nhwc_hwcf
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 2, ratio = 0.5>} dense<{{\[\[\[\[}}1.625000e+00, 6.250000e-01], [0.000000e+00, 0.000000e+00], [-1.250000e+00, 0.000000e+00], [0.000000e+00, 1.375000e+00]], {{\[\[}}1.000000e+00, -1.875000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, -2.000000e+00], [1.750000e+00, 0.000000e+00]]]]> : tensor<1x2x4x2xf32>
// CHECK:       linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 2, ratio = 0.5, operand = 1>, strides = dense<1> : tensor<2xi64>}
func.func @conv_nhwc_hwcf(%img: tensor<1x3x3x4xf32>, %o: tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> {
  %f = arith.constant dense<[[[[1.625, 0.625],  [0.75, -0.125],  [-1.25, -0.5],  [0.25, 1.375]], [[1.0, -1.875],  [-0.375, 1.5],  [-0.875, -2.0],  [1.75, 1.125]]]]> : tensor<1x2x4x2xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%img, %f : tensor<1x3x3x4xf32>, tensor<1x2x4x2xf32>) outs(%o : tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32>
  return %y : tensor<1x3x2x2xf32>
}

// -----

// A depthwise filter has no reduction dim (its channel is shared with the
// input and the output): remark, stays dense.

// CHECK-LABEL: func.func @depthwise
// CHECK:       arith.constant dense<1.000000e+00> : tensor<2x2x4xf32>
// CHECK:       linalg.depthwise_conv_2d_nhwc_hwc {dilations
func.func @depthwise(%img: tensor<1x3x3x4xf32>, %o: tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32> {
  // expected-remark @+1 {{weight 'weight0' left dense: it has no single reduction dim to group along}}
  %f = arith.constant dense<1.0> : tensor<2x2x4xf32>
  %y = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%img, %f : tensor<1x3x3x4xf32>, tensor<2x2x4xf32>) outs(%o : tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
  return %y : tensor<1x2x2x4xf32>
}

// -----

// A weight stored per head (2 heads x 2 rows x 8 inputs) and collapsed to
// the 4x8 Linear weight: the reduction dim is constant dim 2. On the
// matmul the dim is recorded in the transposed operand's coordinates.

// CHECK-LABEL: func.func @collapse_shape
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 2, ratio = 0.5>} dense<{{\[\[\[}}-2.625000e+00, 2.250000e+00, 0.000000e+00, 0.000000e+00, -3.625000e+00, 3.500000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 2.375000e+00, 2.125000e+00, 0.000000e+00, 3.000000e+00, -3.375000e+00, 0.000000e+00, 0.000000e+00]], {{\[\[}}0.000000e+00, 3.750000e+00, 0.000000e+00, 2.875000e+00, 0.000000e+00, 0.000000e+00, -4.000000e+00, 2.500000e+00], [-2.750000e+00, 0.000000e+00, 0.000000e+00, 3.875000e+00, 0.000000e+00, -3.250000e+00, 3.125000e+00, 0.000000e+00]]]> : tensor<2x2x8xf32>
// CHECK:       tensor.collapse_shape
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>}
func.func @collapse_shape(%x: tensor<1x8xf32>, %o: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<[[[-2.625, 2.25, 0.75, -1.875, -3.625, 3.5, -0.625, 2.0], [-0.375, 2.375, 2.125, 0.25, 3.0, -3.375, 1.0, -1.75]], [[-1.625, 3.75, 0.875, 2.875, -1.25, -1.5, -4.0, 2.5], [-2.75, -0.125, -1.125, 3.875, -0.5, -3.25, 3.125, 1.375]]]> : tensor<2x2x8xf32>
  %c = tensor.collapse_shape %w [[0, 1], [2]] : tensor<2x2x8xf32> into tensor<4x8xf32>
  %e = tensor.empty() : tensor<8x4xf32>
  %t = linalg.transpose ins(%c : tensor<4x8xf32>) outs(%e : tensor<8x4xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x8xf32>, tensor<8x4xf32>) outs(%o : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// Unit dims a reshape adds or drops carry no data: a [K, N] weight expanded
// to [1, K, N] for a batch_matmul, and a [1, out, in] weight collapsed to
// [out, in], keep their single reduction dim.

// CHECK-LABEL: func.func @unit_dims
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5>} dense<{{\[\[}}1.625000e+00, 0.000000e+00], [0.000000e+00, -5.000000e-01], [0.000000e+00, -1.250000e+00], [-1.500000e+00, 0.000000e+00], [-2.000000e+00, -1.750000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [1.875000e+00, 1.375000e+00]]> : tensor<8x2xf32>
// CHECK:       linalg.batch_matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5, operand = 1>}
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 2, ratio = 0.5>} dense<{{\[\[\[}}-1.125000e+00, 0.000000e+00, -1.375000e+00, 0.000000e+00, -1.625000e+00, 0.000000e+00, 0.000000e+00, -1.875000e+00], [-1.750000e+00, 0.000000e+00, 1.500000e+00, 0.000000e+00, 0.000000e+00, 1.250000e+00, 0.000000e+00, -2.000000e+00]]]> : tensor<1x2x8xf32>
// CHECK:       linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>}
func.func @unit_dims(%x: tensor<1x3x8xf32>, %o: tensor<1x3x2xf32>, %x2: tensor<3x8xf32>, %o2: tensor<3x2xf32>) -> (tensor<1x3x2xf32>, tensor<3x2xf32>) {
  %w = arith.constant dense<[[1.625, 0.125], [0.875, -0.5], [-0.625, -1.25], [-1.5, -0.375], [-2.0, -1.75], [-1.125, 0.25], [-0.75, 1.0], [1.875, 1.375]]> : tensor<8x2xf32>
  %b = tensor.expand_shape %w [[0, 1], [2]] output_shape [1, 8, 2] : tensor<8x2xf32> into tensor<1x8x2xf32>
  %y = linalg.batch_matmul ins(%x, %b : tensor<1x3x8xf32>, tensor<1x8x2xf32>) outs(%o : tensor<1x3x2xf32>) -> tensor<1x3x2xf32>
  %u = arith.constant dense<[[[-1.125, 0.75, -1.375, -0.375, -1.625, 0.125, 0.25, -1.875], [-1.75, 1.0, 1.5, -0.5, -0.875, 1.25, -0.625, -2.0]]]> : tensor<1x2x8xf32>
  %c = tensor.collapse_shape %u [[0, 1], [2]] : tensor<1x2x8xf32> into tensor<2x8xf32>
  %e = tensor.empty() : tensor<8x2xf32>
  %t = linalg.transpose ins(%c : tensor<2x8xf32>) outs(%e : tensor<8x2xf32>) permutation = [1, 0]
  %y2 = linalg.matmul ins(%x2, %t : tensor<3x8xf32>, tensor<8x2xf32>) outs(%o2 : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y, %y2 : tensor<1x3x2xf32>, tensor<3x2xf32>
}

// -----

// One weight dim that is both K and N of the matmul (a 16-vector expanded
// to 8x2) has no single reduction dim.

// CHECK-LABEL: func.func @expand_mixed
// CHECK:       arith.constant dense<1.000000e+00> : tensor<16xf32>
// CHECK:       linalg.matmul ins
func.func @expand_mixed(%x: tensor<3x8xf32>, %o: tensor<3x2xf32>) -> tensor<3x2xf32> {
  // expected-remark @+1 {{weight 'weight0' left dense: it has no single reduction dim to group along}}
  %w = arith.constant dense<1.0> : tensor<16xf32>
  %b = tensor.expand_shape %w [[0, 1]] output_shape [8, 2] : tensor<16xf32> into tensor<8x2xf32>
  %y = linalg.matmul ins(%x, %b : tensor<3x8xf32>, tensor<8x2xf32>) outs(%o : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// A K x N weight broadcast over the batch of a batch_matmul: constant dim 0
// is operand dim 1.

// CHECK-LABEL: func.func @batch_matmul_broadcast
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5>} dense<{{\[\[}}1.625000e+00, 0.000000e+00], [0.000000e+00, -5.000000e-01], [0.000000e+00, -1.250000e+00], [-1.500000e+00, 0.000000e+00], [-2.000000e+00, -1.750000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [1.875000e+00, 1.375000e+00]]> : tensor<8x2xf32>
// CHECK:       linalg.broadcast
// CHECK:       linalg.batch_matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5, operand = 1>}
func.func @batch_matmul_broadcast(%x: tensor<2x3x8xf32>, %o: tensor<2x3x2xf32>) -> tensor<2x3x2xf32> {
  %w = arith.constant dense<[[1.625, 0.125], [0.875, -0.5], [-0.625, -1.25], [-1.5, -0.375], [-2.0, -1.75], [-1.125, 0.25], [-0.75, 1.0], [1.875, 1.375]]> : tensor<8x2xf32>
  %e = tensor.empty() : tensor<2x8x2xf32>
  %b = linalg.broadcast ins(%w : tensor<8x2xf32>) outs(%e : tensor<2x8x2xf32>) dimensions = [0]
  %y = linalg.batch_matmul ins(%x, %b : tensor<2x3x8xf32>, tensor<2x8x2xf32>) outs(%o : tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  return %y : tensor<2x3x2xf32>
}

// -----

// A matmul written as linalg.generic that reads the [out, in] weight
// directly (y[m, n] += x[m, k] * w[n, k]).

#mx = affine_map<(m, n, k) -> (m, k)>
#mw = affine_map<(m, n, k) -> (n, k)>
#my = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @generic_matmul
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>} dense<{{\[\[}}-7.500000e-01, 0.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00, -2.000000e+00, 1.500000e+00, 0.000000e+00], [0.000000e+00, 1.250000e+00, 0.000000e+00, 1.625000e+00, 0.000000e+00, -1.750000e+00, -1.875000e+00, 0.000000e+00]]> : tensor<2x8xf32>
// CHECK:       linalg.generic {{{.*}}prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5, operand = 1>
func.func @generic_matmul(%x: tensor<3x8xf32>, %o: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = arith.constant dense<[[-0.75, 0.25, 1.0, 0.375, 1.375, -2.0, 1.5, -0.625], [1.125, 1.25, 0.125, 1.625, -0.875, -1.75, -1.875, 0.5]]> : tensor<2x8xf32>
  %y = linalg.generic {indexing_maps = [#mx, #mw, #my], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<3x8xf32>, tensor<2x8xf32>) outs(%o : tensor<3x2xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// dense_resource and f16 weights; exclude= matches the resource key.

// CHECK-LABEL: func.func @resource_and_half
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>} dense_resource<fc2.weight> : tensor<2x4xf32>
// CHECK:       arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>} dense<{{\[\[}}0.000000e+00, 0.000000e+00, 3.000000e+00, -4.000000e+00], [5.000000e-01, 0.000000e+00, 0.000000e+00, 8.000000e+00]]> : tensor<2x4xf16>
// CHECK:       fc2.weight: "0x040000000000000000000000000060BF0000803F0000203F0000003F0000000000000000"

// EXCL-LABEL: func.func @resource_and_half
// EXCL:       arith.constant dense_resource<fc2.weight> : tensor<2x4xf32>
// EXCL:       arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>} dense<{{\[\[}}0.000000e+00, 0.000000e+00, 3.000000e+00, -4.000000e+00], [5.000000e-01, 0.000000e+00, 0.000000e+00, 8.000000e+00]]> : tensor<2x4xf16>
// EXCL:       fc2.weight: "0x04000000000000BE000040BF000060BF0000803F0000203F0000003F0000803E0000C03E"
func.func @resource_and_half(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>, %xh: tensor<1x4xf16>, %oh: tensor<1x2xf16>) -> (tensor<1x2xf32>, tensor<1x2xf16>) {
  %w = arith.constant dense_resource<fc2.weight> : tensor<2x4xf32>
  %wh = arith.constant dense<[[1.0, -2.0, 3.0, -4.0], [0.5, 0.25, -0.125, 8.0]]> : tensor<2x4xf16>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  %eh = tensor.empty() : tensor<4x2xf16>
  %th = linalg.transpose ins(%wh : tensor<2x4xf16>) outs(%eh : tensor<4x2xf16>) permutation = [1, 0]
  %yh = linalg.matmul ins(%xh, %th : tensor<1x4xf16>, tensor<4x2xf16>) outs(%oh : tensor<1x2xf16>) -> tensor<1x2xf16>
  return %y, %yh : tensor<1x2xf32>, tensor<1x2xf16>
}

{-#
  dialect_resources: {
    builtin: {
      fc2.weight: "0x04000000000000BE000040BF000060BF0000803F0000203F0000003F0000803E0000C03E"
    }
  }
#-}
