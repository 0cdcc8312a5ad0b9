// RUN: prune-opt %s | prune-opt | FileCheck %s
// RUN: prune-opt %s --mlir-print-op-generic | prune-opt | FileCheck %s

// Every form of #prune.importance, #prune.sparsity and #prune.target, as
// discardable attributes on ops (verified by the dialect) and as plain
// attribute values in a dictionary (verified by the attribute verifiers
// only). parse -> print -> parse must give the same text.

// CHECK-LABEL: func.func @importance_forms
func.func @importance_forms() {
  // CHECK: arith.constant {prune.importance = #prune.importance<metric = l1, granularity = weight, scores = dense<{{\[}}[1.000000e+00, 2.000000e+00], [5.000000e-01, 0.000000e+00]]> : tensor<2x2xf32>>} dense<{{\[}}[1.000000e+00, -2.000000e+00], [5.000000e-01, 0.000000e+00]]> : tensor<2x2xf32>
  %0 = arith.constant {prune.importance = #prune.importance<metric = l1, granularity = weight, scores = dense<[[1.0, 2.0], [0.5, 0.0]]> : tensor<2x2xf32>>} dense<[[1.0, -2.0], [0.5, 0.0]]> : tensor<2x2xf32>
  // CHECK: arith.constant {prune.importance = #prune.importance<metric = l2, granularity = channel, dim = 0, scores = dense<[1.500000e+00, 2.500000e-01]> : tensor<2xf32>>}
  %1 = arith.constant {prune.importance = #prune.importance<metric = l2, granularity = channel, dim = 0, scores = dense<[1.5, 0.25]> : tensor<2xf32>>} dense<[[1.0, -0.5], [0.25, 0.0]]> : tensor<2x2xf32>
  // CHECK: arith.constant {prune.importance = #prune.importance<metric = taylor, granularity = block, block = [2, 2], scores = dense<{{\[}}[1.000000e+00, 2.000000e+00]]> : tensor<1x2xf32>>}
  %2 = arith.constant {prune.importance = #prune.importance<metric = taylor, granularity = block, block = [2, 2], scores = dense<[[1.0, 2.0]]> : tensor<1x2xf32>>} dense<1.0> : tensor<2x4xf32>
  // CHECK: arith.constant {prune.importance = #prune.importance<metric = fisher, granularity = head, dim = 1, heads = 2, scores = dense<[3.000000e+00, 4.000000e+00]> : tensor<2xf32>>}
  %3 = arith.constant {prune.importance = #prune.importance<metric = fisher, granularity = head, dim = 1, heads = 2, scores = dense<[3.0, 4.0]> : tensor<2xf32>>} dense<1.0> : tensor<2x4xf32>
  // CHECK: arith.constant {prune.importance = #prune.importance<metric = wanda, granularity = layer, scores = dense<7.000000e+00> : tensor<1xf32>>}
  %4 = arith.constant {prune.importance = #prune.importance<metric = wanda, granularity = layer, scores = dense<7.0> : tensor<1xf32>>} dense<1.0> : tensor<2x4xf32>
  // CHECK: arith.constant {prune.importance = #prune.importance<metric = activation, granularity = layer, scores = dense<7.000000e+00> : tensor<f32>>}
  %5 = arith.constant {prune.importance = #prune.importance<metric = activation, granularity = layer, scores = dense<7.0> : tensor<f32>>} dense<1.0> : tensor<2x4xf32>
  // CHECK: arith.constant {prune.importance = #prune.importance<metric = external, granularity = weight, scores = dense_resource<scores0> : tensor<2x2xf32>>}
  %6 = arith.constant {prune.importance = #prune.importance<metric = external, granularity = weight, scores = dense_resource<scores0> : tensor<2x2xf32>>} dense<1.0> : tensor<2x2xf32>
  return
}

// CHECK-LABEL: func.func @sparsity_forms
func.func @sparsity_forms(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  // CHECK: arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.9>}
  %0 = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.9>} dense<1.0> : tensor<4x2xf32>
  // CHECK: arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0>}
  %1 = arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0>} dense<1.0> : tensor<4x2xf32>
  // CHECK: arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 1, m = 4>}
  %2 = arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 1, m = 4>} dense<1.0> : tensor<4x2xf32>
  // CHECK: arith.constant {prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5>}
  %3 = arith.constant {prune.sparsity = #prune.sparsity<pattern = block, block = [2, 2], ratio = 0.5>} dense<1.0> : tensor<4x2xf32>
  // CHECK: arith.constant {prune.sparsity = #prune.sparsity<pattern = channel, dim = 1, ratio = 0.25>}
  %4 = arith.constant {prune.sparsity = #prune.sparsity<pattern = channel, dim = 1, ratio = 0.25>} dense<1.0> : tensor<4x2xf32>
  // CHECK: arith.constant {prune.sparsity = #prune.sparsity<pattern = head, dim = 1, heads = 2, ratio = 0.5>}
  %5 = arith.constant {prune.sparsity = #prune.sparsity<pattern = head, dim = 1, heads = 2, ratio = 0.5>} dense<1.0> : tensor<4x2xf32>
  // CHECK: arith.constant {prune.sparsity = #prune.sparsity<pattern = layer>}
  %6 = arith.constant {prune.sparsity = #prune.sparsity<pattern = layer>} dense<1.0> : tensor<4x2xf32>
  // Ratios print in their shortest exact form and stay floats.
  // CHECK: arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.0>}
  %7 = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.0>} dense<1.0> : tensor<4x2xf32>
  // CHECK: arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.3333333333333333>}
  %8 = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.3333333333333333>} dense<1.0> : tensor<4x2xf32>
  // Exponent forms keep a '.' so that they parse back as floats.
  // CHECK: arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 1.0e-07>}
  %9 = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 1.0e-7>} dense<1.0> : tensor<4x2xf32>
  // CHECK: arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 1.25e-05>}
  %10 = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.0000125>} dense<1.0> : tensor<4x2xf32>
  // CHECK: arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.9999999999999999>}
  %11 = arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.99999999999999989>} dense<1.0> : tensor<4x2xf32>
  // CHECK: %[[E:.*]] = tensor.empty
  %e = tensor.empty() : tensor<2x2xf32>
  // CHECK: linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>} ins(%{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<4x2xf32>) outs(%[[E]] : tensor<2x2xf32>)
  %r = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>} ins(%x, %1 : tensor<2x4xf32>, tensor<4x2xf32>) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}

// CHECK-LABEL: func.func @target_forms
// CHECK-SAME: prune.target = #prune.target<name = "x86-avx2">
func.func @target_forms() attributes {prune.target = #prune.target<name = "x86-avx2">} {
  return
}

// CHECK-LABEL: func.func @target_attr_values
// CHECK-SAME: test.a = #prune.target<name = "x86-avx512">
// CHECK-SAME: test.b = #prune.target<name = "aarch64-neon">
// CHECK-SAME: test.c = #prune.target<name = "nvidia-sm80">
// CHECK-SAME: test.d = #prune.target<name = "nvidia-sm90", nm = [2:4]>
// CHECK-SAME: test.e = #prune.target<name = "my-npu", nm = [1:4, 2:4], block = [16, 16], vector_width = 512>
// CHECK-SAME: test.f = #prune.target<name = "my-dsp", vector_width = 128, min_sparsity = 0.75>
// CHECK-SAME: test.g = #prune.target<name = "x86-avx2", block = [8, 8], min_sparsity = 0.5>
func.func @target_attr_values() attributes {
    test.a = #prune.target<name = "x86-avx512">,
    test.b = #prune.target<name = "aarch64-neon">,
    test.c = #prune.target<name = "nvidia-sm80">,
    test.d = #prune.target<name = "nvidia-sm90", nm = [2:4]>,
    test.e = #prune.target<name = "my-npu", nm = [1:4, 2:4], block = [16, 16], vector_width = 512>,
    test.f = #prune.target<name = "my-dsp", vector_width = 128, min_sparsity = 0.75>,
    test.g = #prune.target<name = "x86-avx2", block = [8, 8], min_sparsity = 0.5>} {
  return
}

{-#
  dialect_resources: {
    builtin: {
      scores0: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
