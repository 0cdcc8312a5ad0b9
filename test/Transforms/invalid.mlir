// Bad pass options: each is an error located at the module, and a non-zero
// exit.

// RUN: not prune-opt %s --prune-unstructured="ratio=1.5" 2> %t.1
// RUN: FileCheck %s --check-prefix=RATIO < %t.1
// RATIO: invalid.mlir:{{[0-9]+}}:1: error: 'ratio' must be in [0, 1), got 1.5

// RUN: not prune-opt %s --prune-unstructured="ratio=1.0" 2> %t.2
// RUN: FileCheck %s --check-prefix=RATIO1 < %t.2
// RATIO1: error: 'ratio' must be in [0, 1), got 1{{$}}

// RUN: not prune-opt %s --prune-unstructured="ratio=-0.1" 2> %t.3
// RUN: FileCheck %s --check-prefix=RATIONEG < %t.3
// RATIONEG: error: 'ratio' must be in [0, 1), got -0.1

// RUN: not prune-opt %s --prune-unstructured="scope=model" 2> %t.4
// RUN: FileCheck %s --check-prefix=SCOPE < %t.4
// SCOPE: error: unknown scope 'model'; expected 'layer' or 'global'

// RUN: not prune-opt %s --prune-unstructured="metric=l3" 2> %t.5
// RUN: FileCheck %s --check-prefix=METRIC < %t.5
// METRIC: error: unknown metric 'l3'; expected l1, l2, taylor, fisher, wanda, activation, external or attached

// RUN: not prune-opt %s --prune-nm="n=3 m=2" 2> %t.6
// RUN: FileCheck %s --check-prefix=NGTM < %t.6
// NGTM: error: N (3) must not exceed M (2)

// RUN: not prune-opt %s --prune-nm="n=0" 2> %t.7
// RUN: FileCheck %s --check-prefix=NZERO < %t.7
// NZERO: error: N and M must be positive, got 0:4

// RUN: not prune-opt %s --prune-nm="n=4 m=4" 2> %t.8
// RUN: FileCheck %s --check-prefix=NEQM < %t.8
// NEQM: error: N:M with N == M (4:4) removes nothing; use N < M

// RUN: not prune-opt %s --prune-nm="metric=magnitude" 2> %t.9
// RUN: FileCheck %s --check-prefix=NMMETRIC < %t.9
// NMMETRIC: error: unknown metric 'magnitude'

// RUN: not prune-opt %s --prune-blocks="ratio=1.5" 2> %t.10
// RUN: FileCheck %s --check-prefix=BRATIO < %t.10
// BRATIO: error: 'ratio' must be in [0, 1), got 1.5

// RUN: not prune-opt %s --prune-blocks="block=0,4" 2> %t.11
// RUN: FileCheck %s --check-prefix=BZERO < %t.11
// BZERO: error: block sizes must be positive, got [0, 4]

// RUN: not prune-opt %s --prune-blocks="block=4" 2> %t.12
// RUN: FileCheck %s --check-prefix=BONE < %t.12
// BONE: error: block must have two sizes [R, C], got 1

// RUN: not prune-opt %s --prune-blocks="metric=frobenius" 2> %t.13
// RUN: FileCheck %s --check-prefix=BMETRIC < %t.13
// BMETRIC: error: unknown metric 'frobenius'

// RUN: not prune-opt %s --prune-importance="metric=taylor" 2> %t.14
// RUN: FileCheck %s --check-prefix=IMETRIC < %t.14
// IMETRIC: error: prune-importance computes the data-free metrics 'l1' and 'l2', not 'taylor'

// RUN: not prune-opt %s --prune-importance="granularity=row" 2> %t.15
// RUN: FileCheck %s --check-prefix=IGRAN < %t.15
// IGRAN: error: unknown granularity 'row'; expected weight, channel, block, head or layer

// RUN: not prune-opt %s --prune-importance="granularity=block block=2,-1" 2> %t.16
// RUN: FileCheck %s --check-prefix=IBLOCK < %t.16
// IBLOCK: error: block must be two positive sizes R,C

// RUN: not prune-opt %s --prune-importance="granularity=head" 2> %t.17
// RUN: FileCheck %s --check-prefix=IHEADS < %t.17
// IHEADS: error: granularity=head needs heads > 0

// Nothing is rewritten when an option is bad.
// RUN: not prune-opt %s --prune-nm="n=3 m=2" --mlir-print-ir-after-failure 2> %t.18
// RUN: FileCheck %s --check-prefix=UNCHANGED < %t.18
// UNCHANGED: arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00]]> : tensor<2x4xf32>
// UNCHANGED-NOT: prune.sparsity

module {
func.func @linear(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %t : tensor<1x4xf32>, tensor<4x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
}
