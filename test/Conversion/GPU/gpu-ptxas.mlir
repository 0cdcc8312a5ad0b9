// ptxas accepts the PTX that prune-gpu-pipeline emits, for sm_80 and sm_90.
//
// REQUIRES: ptxas
// RUN: rm -rf %t && mkdir -p %t
// RUN: prune-opt %S/gpu-pipeline.mlir --prune-gpu-pipeline="format=isa chip=sm_80" -o %t/sm80.mlir
// RUN: %python %S/Inputs/extract_ptx.py %t/sm80.mlir %t/sm80 | FileCheck %s
// RUN: %ptxas -arch=sm_80 %t/sm80/mlp_kernel.ptx -o %t/sm80/sparse.cubin
// RUN: %ptxas -arch=sm_80 %t/sm80/mlp_kernel_0.ptx -o %t/sm80/dense.cubin
// RUN: prune-opt %S/gpu-pipeline.mlir --prune-gpu-pipeline="format=isa chip=sm_90" -o %t/sm90.mlir
// RUN: %python %S/Inputs/extract_ptx.py %t/sm90.mlir %t/sm90 | FileCheck %s
// RUN: %ptxas -arch=sm_90 %t/sm90/mlp_kernel.ptx -o %t/sm90/sparse.cubin
// RUN: %ptxas -arch=sm_90 %t/sm90/mlp_kernel_0.ptx -o %t/sm90/dense.cubin
// RUN: FileCheck %s --check-prefix=SPARSE < %t/sm90/mlp_kernel.ptx
// RUN: test -s %t/sm80/sparse.cubin && test -s %t/sm90/sparse.cubin

// CHECK: mlp_kernel
// CHECK: mlp_kernel_0

// SPARSE: .target sm_90
// SPARSE: mma.sp.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
