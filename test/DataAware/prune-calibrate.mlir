// prune-calibrate records per-input-channel statistics and Wanda scores on
// each weight; prune-unstructured{metric=wanda} then ranks by them. The
// numbers are checked against numpy in test/Integration/data-calibrate-mlp.py;
// here: structure, and a Wanda mask that differs from the L1 mask.
//
// REQUIRES: numpy
// RUN: %python -c "import numpy as np; np.save('%t-x.npy', np.array([[1, 0, 2], [0, -1, 1], [2, 1, 0], [1, 1, 1]], np.float32))"
// RUN: prune-opt %s -split-input-file --pass-pipeline='builtin.module(prune-calibrate{inputs=%t-x.npy})' | FileCheck %s
// RUN: prune-opt %s -split-input-file --pass-pipeline='builtin.module(prune-calibrate{inputs=%t-x.npy}, prune-unstructured{metric=wanda ratio=0.5})' | FileCheck %s --check-prefix=WANDA
// RUN: prune-opt %s -split-input-file --pass-pipeline='builtin.module(prune-unstructured{metric=l1 ratio=0.5})' | FileCheck %s --check-prefix=L1
// RUN: prune-opt %s -split-input-file --pass-pipeline='builtin.module(prune-calibrate{inputs=%t-x.npy metric=activation gram=false})' | FileCheck %s --check-prefix=ACT
// batch= groups calls: one batch of 4 rows (two calls of 2) is all the data;
// without it one batch is one call.
// RUN: prune-opt %s --pass-pipeline='builtin.module(prune-calibrate{inputs=%t-x.npy batch=4 batches=1 progress=always})' 2>%t-bar | FileCheck %s --check-prefix=BATCH4
// RUN: FileCheck %s --check-prefix=BAR < %t-bar
// RUN: prune-opt %s --pass-pipeline='builtin.module(prune-calibrate{inputs=%t-x.npy batches=1})' | FileCheck %s --check-prefix=BATCH2
// BATCH4: samples = 4 : i64
// BATCH2: samples = 2 : i64
// BAR: prune-calibrate [##############################] 1/1 batches

// Two batches of 2 rows; channel norms^2 are [6, 3, 6], so the Wanda scores
// |W| * sqrt([6, 3, 6]) are [[2.45, 3.46, 1.22], [0.61, 1.73, 2.45]].
// CHECK-LABEL: func.func @forward
// CHECK: arith.constant {prune.calibration = {dense = dense_resource<fc.weight_dense> : tensor<2x3xf32>, dim = 1 : i64, fire_rate = dense_resource<fc.weight_fire_rate> : tensor<3xf32>, gram = dense_resource<fc.weight_gram> : tensor<3x3xf64>, mean = dense_resource<fc.weight_mean> : tensor<3xf32>, samples = 4 : i64, sq_norm = dense_resource<fc.weight_sq_norm> : tensor<3xf32>},
// CHECK-SAME: prune.importance = #prune.importance<metric = wanda, granularity = weight, scores = dense_resource<fc.weight_wanda> : tensor<2x3xf32>>}
// CHECK-SAME: dense<{{\[}}[1.000000e+00, -2.000000e+00, 5.000000e-01], [2.500000e-01, 1.000000e+00, -1.000000e+00]]>
// Blobs: a 4-byte alignment (8), then little-endian data.
// fire_rate = [0.75, 0.5, 0.75]
// CHECK: fc.weight_fire_rate: "0x080000000000403F0000003F0000403F"
// gram = X^T X = [[6, 3, 3], [3, 3, 0], [3, 0, 6]] (f64)
// CHECK: fc.weight_gram: "0x08000000000000000000184000000000000008400000000000000840000000000000084000000000000008400000000000000000000000000000084000000000000000000000000000001840"
// mean = [1, 0.25, 1]
// CHECK: fc.weight_mean: "0x080000000000803F0000803E0000803F"
// sq_norm = [6, 3, 6]
// CHECK: fc.weight_sq_norm: "0x080000000000C040000040400000C040"

// The three lowest Wanda scores go: 0.25 (0.61), 0.5 (1.22), 1.0 at [1, 1] (1.73).
// WANDA-LABEL: func.func @forward
// WANDA: dense<{{\[}}[1.000000e+00, -2.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, -1.000000e+00]]>
// L1 instead keeps the 1.0 at [1, 1] and prunes the -1.0 at [1, 2] (tie, higher index).
// L1-LABEL: func.func @forward
// L1: dense<{{\[}}[1.000000e+00, -2.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00, 0.000000e+00]]>

// ACT-LABEL: func.func @forward
// ACT: prune.importance = #prune.importance<metric = activation, granularity = channel, dim = 1, scores = dense_resource<fc.weight_fire_rate> : tensor<3xf32>>
// ACT-NOT: gram
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[1.0, -2.0, 0.5], [0.25, 1.0, -1.0]]> : tensor<2x3xf32> loc("fc.weight")
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x2xf32>
  %wt = linalg.transpose ins(%w : tensor<2x3xf32>) outs(%e : tensor<3x2xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<2x2xf32>) -> tensor<2x2xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<2x3xf32>, tensor<3x2xf32>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
