// The stages of prune-gpu-pipeline on a 2:4 and a dense f16 matmul, and the
// PTX it emits for sm_80 and sm_90.
//
// RUN: prune-opt %s --prune-gpu-sparsify --gpu-kernel-outlining | FileCheck %s --check-prefix=OUTLINED
// RUN: prune-opt %s --prune-gpu-pipeline="format=isa chip=sm_80" --mlir-print-ir-before=gpu-module-to-binary 2>&1 >/dev/null \
// RUN:   | FileCheck %s --check-prefix=NVVM
// RUN: prune-opt %s --prune-gpu-pipeline="format=isa chip=sm_80" | FileCheck %s --check-prefixes=PTX,SM80
// RUN: prune-opt %s --prune-gpu-pipeline="format=isa chip=sm_90" | FileCheck %s --check-prefixes=PTX,SM90

// OUTLINED: module attributes {gpu.container_module}
// OUTLINED: func.func @mlp
// OUTLINED:   gpu.launch_func async [%{{.*}}] @mlp_kernel::@mlp_kernel blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}})
// OUTLINED:   gpu.launch_func async [%{{.*}}] @mlp_kernel_0::@mlp_kernel
// OUTLINED: gpu.module @mlp_kernel
// OUTLINED:   gpu.func @mlp_kernel({{.*}}) kernel
// OUTLINED:     nvgpu.mma.sp.sync
// OUTLINED: gpu.module @mlp_kernel_0
// OUTLINED:   gpu.func @mlp_kernel({{.*}}) kernel
// OUTLINED:     nvgpu.mma.sync

// NVVM: llvm.func @mlp
// NVVM:   llvm.call @mgpuStreamCreate
// NVVM:   llvm.call @mgpuMemAlloc
// NVVM:   llvm.call @mgpuMemcpy
// NVVM:   gpu.launch_func <%{{.*}} : !llvm.ptr> @mlp_kernel::@mlp_kernel blocks in
// NVVM:   llvm.call @mgpuMemcpy
// NVVM:   llvm.call @mgpuMemFree
// NVVM:   llvm.call @mgpuStreamSynchronize
// NVVM:   gpu.launch_func <%{{.*}} : !llvm.ptr> @mlp_kernel_0::@mlp_kernel blocks in
// NVVM: gpu.module @mlp_kernel [#nvvm.target<chip = "sm_80", features = "+ptx80">]
// NVVM:   llvm.func @mlp_kernel({{.*}}) attributes {gpu.kernel, {{.*}}nvvm.kernel
// NVVM:     llvm.inline_asm has_side_effects asm_dialect = att "mma.sp.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// NVVM: gpu.module @mlp_kernel_0
// NVVM:     nvvm.mma.sync
// NVVM-SAME: shape = #nvvm.shape<m = 16, n = 8, k = 16>

// PTX: gpu.binary @mlp_kernel [#gpu.object<#nvvm.target<chip = "{{sm_[89]0}}"
// SM80-SAME: .target sm_80
// SM90-SAME: .target sm_90
// PTX-SAME: mma.sp.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX: gpu.binary @mlp_kernel_0
// PTX-SAME: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32

func.func @mlp(%x: tensor<16x32xf16>, %c: tensor<16x16xf32>, %x2: tensor<16x16xf16>, %w2: tensor<16x16xf16>) -> (tensor<16x16xf32>, tensor<16x16xf32>) {
  // 2:4 along K (the rows of %w): rows 4g, 4g+1 kept in every group.
  %w = arith.constant dense<[
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0]]> : tensor<32x16xf16>
  %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>}
         ins(%x, %w : tensor<16x32xf16>, tensor<32x16xf16>) outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  %z = linalg.matmul ins(%x2, %w2 : tensor<16x16xf16>, tensor<16x16xf16>) outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %y, %z : tensor<16x16xf32>, tensor<16x16xf32>
}
