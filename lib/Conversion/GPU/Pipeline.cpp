//===- Pipeline.cpp - prune-gpu-pipeline ----------------------------------===//
//
// Part of mlir-prune. linalg with pruned f16 matmuls down to LLVM on the host
// and PTX (or cubin) in a gpu.binary.
//
//===----------------------------------------------------------------------===//

#include "Prune/Conversion/GPU/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::prune;

void mlir::prune::buildPruneGPUPipeline(
    OpPassManager &pm, const PruneGPUPipelineOptions &options) {
  std::string p;
  llvm::raw_string_ostream os(p);
  os << "prune-gpu-sparsify{sparse=" << (options.sparse ? "true" : "false")
     << "},"
     // Outline first: canonicalize would hoist the kernels' constants out of
     // the (not isolated) gpu.launch into kernel arguments.
     << "gpu-kernel-outlining,canonicalize,"
     // Host tensors to buffers; the kernels already work on device buffers.
     << "one-shot-bufferize{bufferize-function-boundaries "
        "function-boundary-type-conversion=identity-layout-map},"
     << "func.func(convert-linalg-to-loops),canonicalize,"
     // The kernels' gpu.module gets an NVVM target.
     << "nvvm-attach-target{chip=" << options.chip
     << " features=" << options.features << "},"
     << "gpu.module(convert-nvgpu-to-nvvm,convert-vector-to-scf,"
        "convert-scf-to-cf,lower-affine,convert-gpu-to-nvvm,"
        "convert-vector-to-llvm,canonicalize,cse,"
        "reconcile-unrealized-casts),"
     // Host side: the launches and copies become mgpu* runtime calls.
     << "lower-affine,convert-scf-to-cf,expand-strided-metadata,"
        "lower-affine,gpu-to-llvm,convert-vector-to-llvm,"
        "finalize-memref-to-llvm,convert-arith-to-llvm,"
        "convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,"
        "reconcile-unrealized-casts,"
     << "gpu-module-to-binary{format=" << options.format << "}";
  std::string err;
  llvm::raw_string_ostream es(err);
  if (failed(parsePassPipeline(p, pm, es)))
    llvm::report_fatal_error(llvm::Twine("prune-gpu-pipeline: ") + err);
}

void mlir::prune::registerPruneGPUConversionPasses() {
  registerPruneGPULoweringPasses();
  PassPipelineRegistration<PruneGPUPipelineOptions>(
      "prune-gpu-pipeline",
      "Lower f16 matmuls to tensor-core kernels (mma.sp for 2:4-pruned "
      "weights, mma for the others) and the module to LLVM + PTX/cubin",
      buildPruneGPUPipeline);
}
