//===- Passes.h - mlir-prune lowering passes --------------------*- C++ -*-===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_CONVERSION_PASSES_H
#define PRUNE_CONVERSION_PASSES_H

#include "Prune/Dialect/Prune/IR/PruneDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::prune {

#define GEN_PASS_DECL
#include "Prune/Conversion/Passes.h.inc"

/// Options of the `prune-cpu-pipeline`.
struct PruneCPUPipelineOptions
    : public PassPipelineOptions<PruneCPUPipelineOptions> {
  PassOptions::Option<std::string> target{
      *this, "target",
      llvm::cl::desc("Built-in target name (x86-avx2, x86-avx512, "
                     "aarch64-neon); empty: the module's prune.target or "
                     "x86-avx512"),
      llvm::cl::init("")};
  PassOptions::Option<bool> sparse{
      *this, "sparse",
      llvm::cl::desc("Lower pruned contractions to sparse kernels (false: "
                     "everything dense, the baseline)"),
      llvm::cl::init(true)};
  PassOptions::Option<int64_t> threads{
      *this, "threads",
      llvm::cl::desc("1: sequential code; N > 1: scf.parallel loops run on N "
                     "OpenMP threads (link libomp); 0: OpenMP with the "
                     "runtime's default thread count (OMP_NUM_THREADS)"),
      llvm::cl::init(1)};
  PassOptions::Option<bool> cInterface{
      *this, "c-interface",
      llvm::cl::desc("Give public functions a C entry point "
                     "(_mlir_ciface_<name>)"),
      llvm::cl::init(true)};
};

/// Adds prune-sparsify, prune-vectorize-matmul, bufferization and the
/// conversion to the LLVM dialect to `pm`.
void buildPruneCPUPipeline(OpPassManager &pm,
                           const PruneCPUPipelineOptions &options);

/// Registers `prune-cpu-pipeline`.
void registerPruneCPUPipeline();

#define GEN_PASS_REGISTRATION
#include "Prune/Conversion/Passes.h.inc"

/// Registers the lowering passes and the CPU pipeline.
inline void registerPruneConversionPasses() {
  registerPruneLoweringPasses();
  registerPruneCPUPipeline();
}

} // namespace mlir::prune

#endif // PRUNE_CONVERSION_PASSES_H
