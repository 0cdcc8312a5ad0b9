// RUN: prune-opt %s --prune-cpu-pipeline -verify-diagnostics | FileCheck %s
// RUN: prune-opt %s --prune-cpu-pipeline="target=x86-avx2 sparse=false" | FileCheck %s --check-prefix=DENSE
// RUN: prune-opt %s --prune-cpu-pipeline="threads=2" 2>/dev/null | FileCheck %s --check-prefix=THREADS

// The whole path to the LLVM dialect: the 2:4 kernel FMAs 16-lane vectors
// (AVX-512) for a batch of 32, and the function gets a C entry point. With
// sparse=false the same matmul takes the dense kernel, 8 lanes on AVX2.

// CHECK:     llvm.func @forward(
// CHECK:       llvm.intr.fmuladd({{.*}}) : (vector<16xf32>, vector<16xf32>, vector<16xf32>) -> vector<16xf32>
// CHECK:     llvm.func @_mlir_ciface_forward(
// CHECK-NOT: linalg.

// DENSE:     llvm.func @forward(
// DENSE:       llvm.intr.fmuladd({{.*}}) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
// DENSE:     llvm.func @_mlir_ciface_forward(
func.func @forward(%x: tensor<32x8xf32>) -> tensor<32x2xf32> {
  %w = arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>} dense<[[0.0, 0.0, 3.0, -4.0, 0.0, 0.0, 7.0, -8.0], [0.0, 0.0, -0.75, 8.0, -1.0, 1.0, 0.0, 0.0]]> : tensor<2x8xf32>
  %e = tensor.empty() : tensor<8x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x8xf32>) outs(%e : tensor<8x2xf32>) permutation = [1, 0]
  %c0 = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<32x2xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%o : tensor<32x2xf32>) -> tensor<32x2xf32>
  // expected-remark @below {{prune-sparsify: 2:4 kernel for x86-avx512}}
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>} ins(%x, %t : tensor<32x8xf32>, tensor<8x2xf32>) outs(%f : tensor<32x2xf32>) -> tensor<32x2xf32>
  return %y : tensor<32x2xf32>
}

// threads=2: the chunks of output rows (64 per chunk: 4 for N = 256) and the
// activation panels become OpenMP worksharing loops on two threads.

// THREADS:     llvm.func @wide(
// THREADS:       omp.parallel num_threads(
// THREADS:         omp.wsloop
// THREADS:           llvm.intr.fmuladd({{.*}}) : (vector<16xf32>, vector<16xf32>, vector<16xf32>) -> vector<16xf32>
func.func @wide(%x: tensor<32x64xf32>, %w: tensor<64x256xf32>) -> tensor<32x256xf32> {
  %c0 = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<32x256xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%o : tensor<32x256xf32>) -> tensor<32x256xf32>
  %y = linalg.matmul ins(%x, %w : tensor<32x64xf32>, tensor<64x256xf32>) outs(%f : tensor<32x256xf32>) -> tensor<32x256xf32>
  return %y : tensor<32x256xf32>
}
