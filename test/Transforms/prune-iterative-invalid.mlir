// Bad options and failing steps: a located error, a non-zero exit, and the
// module as it was (the IR printed after the failure is the input).

// RUN: not prune-opt %s --prune-iterative="target=1.0" 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: prune-iterative-invalid.mlir:{{[0-9]+}}:1: error: prune-iterative: target must be in [0, 1), got 1{{$}}

// RUN: not prune-opt %s --prune-iterative="target=-0.25" 2>&1 | FileCheck %s --check-prefix=TARGETNEG
// TARGETNEG: error: prune-iterative: target must be in [0, 1), got -0.25

// RUN: not prune-opt %s --prune-iterative="steps=0" 2>&1 | FileCheck %s --check-prefix=STEPS
// STEPS: error: prune-iterative: steps must be at least 1, got 0

// RUN: not prune-opt %s --prune-iterative="schedule=exponential" 2>&1 | FileCheck %s --check-prefix=SCHED
// SCHED: error: prune-iterative: unknown schedule 'exponential'; expected 'linear' or 'cubic'

// RUN: not prune-opt %s --pass-pipeline='builtin.module(prune-iterative{pipeline="prune-unstructured{ratio=0.5}"})' 2>&1 | FileCheck %s --check-prefix=NOPH
// NOPH: error: prune-iterative: the pipeline 'prune-unstructured{ratio=0.5}' has no @ratio@ or @increment@ placeholder: every step would prune to the same ratio

// RUN: not prune-opt %s --pass-pipeline='builtin.module(prune-iterative{pipeline="prune-nothing{ratio=@ratio@}"})' 2>&1 | FileCheck %s --check-prefix=PARSE
// PARSE: prune-iterative-invalid.mlir:{{[0-9]+}}:1: error: prune-iterative: cannot parse the pipeline of step 1 'prune-nothing{ratio=0.125}': {{.*}}prune-nothing

// RUN: not prune-opt %s --pass-pipeline='builtin.module(prune-iterative{pipeline="prune-unstructured{ratio=@ratio@ sope=whole}"})' 2>&1 | FileCheck %s --check-prefix=OPT
// OPT: error: prune-iterative: cannot parse the pipeline of step 1 {{.*}}sope

// Step 2 fails (2:2 is not a valid N:M pattern) after step 1 changed both
// weights: everything is rolled back, dense_resource blobs included.
// RUN: not prune-opt %s --mlir-print-ir-after-failure --pass-pipeline='builtin.module(prune-iterative{target=0.5 steps=2 pipeline="prune-unstructured{ratio=@ratio@},prune-nm{n=@step@ m=2}"})' 2>&1 | FileCheck %s --check-prefix=ROLLBACK
// ROLLBACK:      error: N:M with N == M (2:2) removes nothing; use N < M
// ROLLBACK:      error: prune-iterative: step 2 of 2 (ratio 0.5) failed; the module is left as it was
// ROLLBACK:      IR Dump After PruneIterative Failed
// ROLLBACK-NOT:  prune.sparsity
// ROLLBACK:      arith.constant dense<{{\[}}[1.000000e+00, -2.000000e+00, 3.000000e+00, -4.000000e+00], [5.000000e+00, -6.000000e+00, 7.000000e+00, -8.000000e+00]]> : tensor<2x4xf32>
// ROLLBACK:      arith.constant dense_resource<fc2> : tensor<4x2xf32>
// ROLLBACK:      fc2: "0x040000000000803F000000400000404000008040000080400000A0400000C0400000E040"

module {
func.func @two(%x: tensor<4x4xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, -2.0, 3.0, -4.0], [5.0, -6.0, 7.0, -8.0]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<4x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%o : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %t : tensor<4x4xf32>, tensor<4x2xf32>) outs(%acc : tensor<4x2xf32>) -> tensor<4x2xf32>
  %w2 = arith.constant dense_resource<fc2> : tensor<4x2xf32>
  %o2 = tensor.empty() : tensor<4x2xf32>
  %acc2 = linalg.fill ins(%zero : f32) outs(%o2 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y2 = linalg.matmul ins(%x, %w2 : tensor<4x4xf32>, tensor<4x2xf32>) outs(%acc2 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %s = arith.addf %y, %y2 : tensor<4x2xf32>
  return %s : tensor<4x2xf32>
}
}

{-#
  dialect_resources: {
    builtin: {
      fc2: "0x040000000000803F000000400000404000008040000080400000A0400000C0400000E040"
    }
  }
#-}
