//===- Passes.h - mlir-prune GPU lowering -----------------------*- C++ -*-===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_CONVERSION_GPU_PASSES_H
#define PRUNE_CONVERSION_GPU_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::prune {

#define GEN_PASS_DECL
#include "Prune/Conversion/GPU/Passes.h.inc"

/// Options of the `prune-gpu-pipeline`.
struct PruneGPUPipelineOptions
    : public PassPipelineOptions<PruneGPUPipelineOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip", llvm::cl::desc("GPU architecture (sm_80, sm_90, ...)"),
      llvm::cl::init("sm_80")};
  PassOptions::Option<std::string> features{
      *this, "features", llvm::cl::desc("PTX features (e.g. +ptx80)"),
      llvm::cl::init("+ptx80")};
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("gpu-module-to-binary format: isa (PTX, default), bin "
                     "(cubin, needs ptxas), fatbin"),
      llvm::cl::init("isa")};
  PassOptions::Option<bool> sparse{
      *this, "sparse",
      llvm::cl::desc("Use mma.sp for 2:4-pruned weights (false: everything "
                     "on the dense MMA, the baseline)"),
      llvm::cl::init(true)};
};

/// prune-gpu-sparsify, bufferization, kernel outlining, NVVM lowering of the
/// kernels, gpu-to-llvm on the host, and gpu-module-to-binary.
void buildPruneGPUPipeline(OpPassManager &pm,
                           const PruneGPUPipelineOptions &options);

#define GEN_PASS_REGISTRATION
#include "Prune/Conversion/GPU/Passes.h.inc"

/// Registers prune-gpu-sparsify and prune-gpu-pipeline.
void registerPruneGPUConversionPasses();

} // namespace mlir::prune

#endif // PRUNE_CONVERSION_GPU_PASSES_H
