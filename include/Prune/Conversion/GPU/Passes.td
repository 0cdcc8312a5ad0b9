//===- Passes.td - mlir-prune GPU lowering passes ----------*- tablegen -*-===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_CONVERSION_GPU_PASSES_TD
#define PRUNE_CONVERSION_GPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def PruneGPUSparsify : Pass<"prune-gpu-sparsify", "ModuleOp"> {
  let summary = "Lower f16 and bf16 matmuls to warp-level tensor-core "
                "kernels: 2:4-pruned weights to the sparse MMA (`mma.sp`), "
                "the others to the dense MMA";
  let description = [{
    Rewrites every static 2-D `linalg.matmul` `Y[M, N] = X[M, K] * W[K, N]
    + C` with f16 (or bf16) inputs and a result of that type or f32 into a
    `gpu.launch` that
    computes `Y^T = W^T * X^T`: one warp per 16 x 8 tile of `Y^T` (16
    columns of `W`, 8 rows of `X`), one m16n8k16 MMA per 16 elements of
    `K`, f32 accumulation.

    * When `W` is a constant (found by `WeightDiscovery`, possibly behind a
      `linalg.transpose`) and the matmul records
      `#prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, operand = 1>`,
      `W^T` is compressed at compile time into `values` `[N, K/2]` f16 and
      the `mma.sp` metadata registers `[N/16, K/16, 32]` i32 (see
      `SparseMetadata.h`), and the kernel uses `nvgpu.mma.sp.sync`
      (sparsity selector 0).
    * Otherwise (dense, or structurally pruned and therefore smaller) the
      kernel uses `nvgpu.mma.sync`.

    bf16 uses the same kernels and the same compressed layout (both are
    16-bit types with the same m16n8k16 fragments); because MLIR 22's
    `convert-nvgpu-to-nvvm` cannot type bf16 MMAs, the bf16 kernels carry
    the PTX instruction (`mma.sp.sync...bf16.bf16.f32` /
    `mma.sync...bf16.bf16.f32`) as `llvm.inline_asm` on `.b32` registers.

    Requirements: `M % 8 == 0`, `N % 16 == 0`, `K % 16 == 0`. Anything else
    is left alone with a remark. A weight whose data is not 2:4 although
    the attribute says so is an error at the weight (never a wrong result).

    Operands are copied to device buffers (`gpu.alloc`, `gpu.memcpy`, all
    async on one token chain) and the result is copied back; `C` is added
    on the host afterwards.

    Before:

    ```mlir
    %w = arith.constant dense<...> : tensor<32x16xf16>
    %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>}
           ins(%x, %w : tensor<8x32xf16>, tensor<32x16xf16>) outs(%c : tensor<8x16xf32>) -> tensor<8x16xf32>
    ```

    After `--prune-gpu-sparsify`:

    ```mlir
    %vals = arith.constant dense<...> : tensor<16x16xf16>      // W^T, kept values
    %meta = arith.constant dense<...> : tensor<1x2x32xi32>     // mma.sp registers
    ...
    %t = gpu.launch async [%dep] blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
                                  threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
      %r = scf.for %kt = %c0 to %c2 step %c1 iter_args(%acc = %zero) -> (vector<2x2xf32>) {
        ...
        %d = nvgpu.mma.sp.sync(%a, %b, %acc) metadata(%m) {mmaShape = [16, 8, 16]}
               : (vector<2x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
        scf.yield %d : vector<2x2xf32>
      }
      ...
      gpu.terminator
    }
    ```
  }];
  let options = [
    Option<"sparse", "sparse", "bool", /*default=*/"true",
           "Use nvgpu.mma.sp.sync for 2:4-pruned weights (false: every "
           "matmul on the dense MMA, the baseline)">,
    Option<"resourceThreshold", "resource-threshold", "int64_t",
           /*default=*/"4096",
           "Store compressed arrays with more elements than this as "
           "dense_resource">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::gpu::GPUDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect", "::mlir::nvgpu::NVGPUDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

#endif // PRUNE_CONVERSION_GPU_PASSES_TD
