// RUN: prune-opt %s --prune-gpu-sparsify --split-input-file | FileCheck %s
// RUN: prune-opt %s --prune-gpu-sparsify="sparse=false" --split-input-file | FileCheck %s --check-prefix=DENSE

// A 2:4 weight (W^T rows 0..15: positions {0,1} in every group) on mma.sp.

// CHECK-LABEL: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @sparse
//  CHECK-SAME: (%[[X:.*]]: tensor<8x16xf16>, %[[C:.*]]: tensor<8x16xf32>)
//   CHECK-DAG: %[[VALS:.*]] = arith.constant dense<{{.*}}> : tensor<16x8xf16>
//   CHECK-DAG: %[[META:.*]] = arith.constant dense<{{.*}}> : tensor<1x1x32xi32>
//       CHECK: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<8x16xf16> to memref<8x16xf16>
//       CHECK: %[[VB:.*]] = bufferization.to_buffer %[[VALS]] read_only
//       CHECK: %[[MB:.*]] = bufferization.to_buffer %[[META]] read_only
//       CHECK: %[[T0:.*]] = gpu.wait async
//       CHECK: %[[DX:.*]], %{{.*}} = gpu.alloc async [%[[T0]]] () : memref<8x16xf16>
//       CHECK: gpu.memcpy async {{.*}} %[[DX]], %[[XB]]
//       CHECK: gpu.alloc async {{.*}} : memref<16x8xf16>
//       CHECK: gpu.alloc async {{.*}} : memref<1x1x32xi32>
//       CHECK: %[[DY:.*]], %{{.*}} = gpu.alloc async {{.*}} : memref<8x16xf32>
//       CHECK: gpu.launch async
//       CHECK:   scf.for
//       CHECK:     memref.load {{.*}} : memref<1x1x32xi32>
//       CHECK:     vector.bitcast {{.*}} : vector<1xi32> to vector<2xi16>
//       CHECK:     nvgpu.mma.sp.sync({{.*}}) metadata({{.*}}) {mmaShape = [16, 8, 16]} : (vector<2x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
//       CHECK:   memref.store {{.*}}, %[[DY]]
//       CHECK:   gpu.terminator
//       CHECK: gpu.memcpy async
//       CHECK: gpu.dealloc async
//       CHECK: gpu.wait [
//       CHECK: %[[Y:.*]] = bufferization.to_tensor {{.*}} restrict writable : memref<8x16xf32> to tensor<8x16xf32>
//       CHECK: linalg.generic {{.*}} ins(%[[Y]] : tensor<8x16xf32>) outs(%[[C]] : tensor<8x16xf32>)
//   CHECK-NOT: linalg.matmul

// DENSE-LABEL: func.func @sparse
//   DENSE-NOT: nvgpu.mma.sp.sync
//       DENSE: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
func.func @sparse(%x: tensor<8x16xf16>, %c: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %w0 = arith.constant dense<1.0> : tensor<16x16xf16>
  %z = arith.constant dense<0.0> : tensor<16x16xf16>
  %w = arith.constant dense<[
    [1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0],
    [0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0],
    [1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0],
    [0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0],
    [1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0],
    [0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0],
    [1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0],
    [0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0],
    [1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0],
    [0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0],
    [1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0],
    [0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0],
    [1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0],
    [0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0],
    [1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0],
    [0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 3.0, 4.0]]> : tensor<16x16xf16>
  %wt = tensor.empty() : tensor<16x16xf16>
  %t = linalg.transpose ins(%w : tensor<16x16xf16>) outs(%wt : tensor<16x16xf16>) permutation = [1, 0]
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>}
         ins(%x, %t : tensor<8x16xf16>, tensor<16x16xf16>) outs(%c : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// A dense f16 matmul (no prune.sparsity, weight a function argument) with an
// f16 result: the dense MMA, f32 accumulation, truncation on the host.

// CHECK-LABEL: func.func @dense
//   CHECK-NOT: nvgpu.mma.sp.sync
//       CHECK: gpu.launch async
//       CHECK: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
//       CHECK: linalg.generic
//       CHECK:   arith.extf
//       CHECK:   arith.addf
//       CHECK:   arith.truncf
func.func @dense(%x: tensor<16x32xf16>, %w: tensor<32x16xf16>, %c: tensor<16x16xf16>) -> tensor<16x16xf16> {
  %y = linalg.matmul ins(%x, %w : tensor<16x32xf16>, tensor<32x16xf16>) outs(%c : tensor<16x16xf16>) -> tensor<16x16xf16>
  return %y : tensor<16x16xf16>
}

// -----

// bf16, 2:4 along K: compressed like f16 (16-bit values, same metadata);
// MLIR 22's nvgpu-to-nvvm cannot type bf16 MMAs, so the kernel carries the
// PTX instruction as inline asm on .b32 registers (two bf16 each).

// CHECK-LABEL: func.func @sparse_bf16
//   CHECK-DAG: arith.constant dense<{{.*}}> : tensor<16x8xbf16>
//   CHECK-DAG: arith.constant dense<{{.*}}> : tensor<1x1x32xi32>
//       CHECK: gpu.launch async
//       CHECK:   scf.for {{.*}} -> (vector<2x2xf32>)
//       CHECK:     vector.bitcast {{.*}} : vector<2xbf16> to vector<1xi32>
//       CHECK:     llvm.inline_asm asm_dialect = att "mma.sp.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {$0,$1,$2,$3}, {$4,$5}, {$6,$7}, {$8,$9,$10,$11}, $12, 0x0;", "=f,=f,=f,=f,r,r,r,r,f,f,f,f,r"
//  CHECK-SAME:       (i32, i32, i32, i32, f32, f32, f32, f32, i32) -> !llvm.struct<(f32, f32, f32, f32)>
//   CHECK-NOT: nvgpu.mma
//       CHECK: linalg.generic
//       CHECK:   arith.truncf {{.*}} : f32 to bf16

// DENSE-LABEL: func.func @sparse_bf16
//   DENSE-NOT: mma.sp
//       DENSE: llvm.inline_asm asm_dialect = att "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {$0,$1,$2,$3}, {$4,$5,$6,$7}, {$8,$9}, {$10,$11,$12,$13};", "=f,=f,=f,=f,r,r,r,r,r,r,f,f,f,f"
func.func @sparse_bf16(%x: tensor<8x16xbf16>, %c: tensor<8x16xbf16>) -> tensor<8x16xbf16> {
  %w = arith.constant dense<[
    [1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0],
    [0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25],
    [1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0],
    [0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25],
    [1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0],
    [0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25],
    [1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0],
    [0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25],
    [1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0],
    [0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25],
    [1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0],
    [0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25],
    [1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0],
    [0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25],
    [1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0, 1.5, -2.0, 0.0, 0.0],
    [0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25, 0.0, 0.0, 3.0, 0.25]]> : tensor<16x16xbf16>
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>}
         ins(%x, %w : tensor<8x16xbf16>, tensor<16x16xbf16>) outs(%c : tensor<8x16xbf16>) -> tensor<8x16xbf16>
  return %y : tensor<8x16xbf16>
}

// -----

// A dense bf16 matmul: the dense MMA as inline PTX, four A registers.

// CHECK-LABEL: func.func @dense_bf16
//   CHECK-NOT: mma.sp
//       CHECK: llvm.inline_asm asm_dialect = att "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {$0,$1,$2,$3}, {$4,$5,$6,$7}, {$8,$9}, {$10,$11,$12,$13};"
func.func @dense_bf16(%x: tensor<16x32xbf16>, %w: tensor<32x16xbf16>, %c: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %y = linalg.matmul ins(%x, %w : tensor<16x32xbf16>, tensor<32x16xbf16>) outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %y : tensor<16x16xf32>
}
