// libprune_cuda_runtime.so exports every mgpu* function that the host code
// of prune-gpu-pipeline and of the other gpu ops gpu-to-llvm lowers (memset,
// host registration, events, default device, cluster launches, cubin and
// PTX modules) calls, with the signature the lowering declares: the
// `declare`s of the translated LLVM IR are compared with `nm -D` of the
// library and, where clang is installed, with the `define`s clang emits for
// the runtime's source.
//
// REQUIRES: cuda-runtime
// RUN: rm -rf %t && mkdir -p %t
// RUN: prune-opt %S/gpu-pipeline.mlir --prune-gpu-pipeline="format=isa chip=sm_80" 2>/dev/null \
// RUN:   | mlir-translate --mlir-to-llvmir -o %t/pipeline.ll
// RUN: mlir-opt %s --pass-pipeline="builtin.module(nvvm-attach-target{chip=sm_90},gpu.module(convert-gpu-to-nvvm),gpu-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-func-to-llvm,reconcile-unrealized-casts,gpu-module-to-binary{format=isa})" \
// RUN:   | mlir-translate --mlir-to-llvmir -o %t/calls.ll
// RUN: %python %S/Inputs/check_runtime_abi.py --lib %prune_cuda_runtime \
// RUN:   --source %prune_src/lib/Runtime/CUDA/CudaRuntime.cpp --cuda-include %cuda_include \
// RUN:   %t/pipeline.ll %t/calls.ll | FileCheck %s

// The pipeline's own calls (PTX module, launches, copies, one stream).
// CHECK: pipeline.ll: mgpuLaunchKernel mgpuMemAlloc mgpuMemFree mgpuMemcpy mgpuModuleGetFunction mgpuModuleLoadJIT mgpuModuleUnload mgpuStreamCreate mgpuStreamDestroy mgpuStreamSynchronize
// CHECK: calls.ll: mgpuEventCreate mgpuEventDestroy mgpuEventRecord mgpuLaunchClusterKernel mgpuLaunchKernel mgpuMemAlloc mgpuMemFree mgpuMemHostRegisterMemRef mgpuMemHostUnregisterMemRef mgpuMemcpy mgpuMemset16 mgpuMemset32 mgpuModuleGetFunction mgpuModuleLoad mgpuModuleLoadJIT mgpuModuleUnload mgpuSetDefaultDevice mgpuStreamCreate mgpuStreamDestroy mgpuStreamSynchronize mgpuStreamWaitEvent
// CHECK: exported: 21 of 21 declared
// CHECK: signatures: {{compared 21 with clang|not compared \(no clang}}
// CHECK: OK

module attributes {gpu.container_module} {
  // Compiled here (format=isa): loaded with mgpuModuleLoadJIT.
  gpu.module @k {
    gpu.func @fill(%m: memref<16xf32>) kernel {
      gpu.return
    }
  }
  // A prebuilt cubin (the default object format): loaded with mgpuModuleLoad.
  gpu.binary @kb [#gpu.object<#nvvm.target, "CUBIN">]

  func.func @calls(%host: memref<16xf32>) {
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    %f = arith.constant 1.0 : f32
    %h = arith.constant 1.0 : f16
    %dev = arith.constant 0 : i32
    gpu.set_default_device %dev
    %u = memref.cast %host : memref<16xf32> to memref<*xf32>
    gpu.host_register %u : memref<*xf32>
    %t0 = gpu.wait async
    %a, %t1 = gpu.alloc async [%t0] () : memref<16xf32>
    %b, %t2 = gpu.alloc async [%t0] () : memref<16xf16>
    %s = gpu.alloc host_shared () : memref<16xf32>
    %t3 = gpu.memset async [%t1] %a, %f : memref<16xf32>, f32
    %t4 = gpu.memset async [%t2] %b, %h : memref<16xf16>, f16
    // Joining two tokens records and waits on an event.
    %t34 = gpu.wait async [%t3, %t4]
    %t5 = gpu.memcpy async [%t34] %host, %a : memref<16xf32>, memref<16xf32>
    %t6 = gpu.launch_func async [%t5] @k::@fill blocks in (%c1, %c1, %c1) threads in (%c16, %c1, %c1) args(%a : memref<16xf32>)
    %t7 = gpu.launch_func async [%t6] @kb::@fill clusters in (%c1, %c1, %c1) blocks in (%c1, %c1, %c1) threads in (%c16, %c1, %c1) args(%a : memref<16xf32>)
    %t8 = gpu.dealloc async [%t7] %a : memref<16xf32>
    %t9 = gpu.dealloc async [%t8] %b : memref<16xf16>
    gpu.wait [%t9]
    gpu.host_unregister %u : memref<*xf32>
    return
  }
}
