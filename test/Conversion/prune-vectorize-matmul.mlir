// RUN: prune-opt %s -split-input-file --prune-vectorize-matmul="target=x86-avx512" | FileCheck %s

// A Linear's [out, in] weight is read in place (no transpose of the weight
// at run time); the activation is packed into panels of 32 batch columns
// (16x16 tiles transposed in registers); chunks of output rows run in
// parallel; 8 output columns x 2 vectors of 16 batch rows in registers; the
// accumulators are transposed back and stored as rows of the result.

// CHECK-LABEL: func.func @linear
// CHECK:       %[[W:.*]] = arith.constant {{.*}} : tensor<8x64xf32>
// CHECK:       %[[WB:.*]] = bufferization.to_buffer %[[W]] read_only : tensor<8x64xf32> to memref<8x64xf32>
// CHECK:       %[[XP:.*]] = memref.alloc() {{.*}} : memref<1x64x32xf32>
// CHECK:       vector.transpose {{.*}} : vector<16x16xf32> to vector<16x16xf32>
// CHECK:       %[[Y:.*]] = memref.alloc() {{.*}} : memref<32x8xf32>
// CHECK:       scf.parallel ({{.*}}) = ({{.*}}) to ({{.*}}) step (%c8{{.*}})
// CHECK:         memref.subview %[[XP]]
// CHECK:         scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK:           memref.load %[[WB]]
// CHECK:           vector.fma
// CHECK:         vector.transpose {{.*}} : vector<8x16xf32> to vector<16x8xf32>
// CHECK:         vector.transfer_write {{.*}}, %[[Y]][{{.*}}] {in_bounds = [true]} : vector<8xf32>, memref<32x8xf32>
// CHECK:       bufferization.to_tensor %[[Y]]
// CHECK-NOT:   linalg.matmul
func.func @linear(%x: tensor<32x64xf32>) -> tensor<32x8xf32> {
  %w = arith.constant dense<1.0> : tensor<8x64xf32>
  %e = tensor.empty() : tensor<64x8xf32>
  %t = linalg.transpose ins(%w : tensor<8x64xf32>) outs(%e : tensor<64x8xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<32x8xf32>
  %y = linalg.matmul ins(%x, %t : tensor<32x64xf32>, tensor<64x8xf32>) outs(%o : tensor<32x8xf32>) -> tensor<32x8xf32>
  return %y : tensor<32x8xf32>
}

// -----

// Matmuls with user-defined maps or dynamic shapes are left alone.

// CHECK-LABEL: func.func @dynamic
// CHECK:       linalg.matmul
func.func @dynamic(%x: tensor<?x4xf32>, %w: tensor<4x4xf32>, %o: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %y = linalg.matmul ins(%x, %w : tensor<?x4xf32>, tensor<4x4xf32>) outs(%o : tensor<?x4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
