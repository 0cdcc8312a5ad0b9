//===- Pipeline.cpp - prune-cpu-pipeline ----------------------------------===//
//
// Part of mlir-prune. linalg + prune kernels down to the LLVM dialect.
//
//===----------------------------------------------------------------------===//

#include "Prune/Conversion/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::prune;

void mlir::prune::buildPruneCPUPipeline(
    OpPassManager &pm, const PruneCPUPipelineOptions &options) {
  std::string target = options.target;
  std::string t = target.empty() ? "" : "target=" + target;
  std::string p;
  llvm::raw_string_ostream os(p);
  if (options.sparse)
    os << "prune-sparsify{" << t << "},";
  os << "prune-vectorize-matmul{" << t << "},";
  if (options.cInterface)
    os << "func.func(llvm-request-c-wrappers),";
  // Bufferize the tensors, then lower the remaining linalg (transposes,
  // fills, the bias adds) to loops and everything to the LLVM dialect.
  os << "one-shot-bufferize{bufferize-function-boundaries "
        "function-boundary-type-conversion=identity-layout-map},"
        "buffer-deallocation-pipeline,"
        "func.func(convert-linalg-to-loops),"
        "canonicalize,";
  os << "lower-affine,convert-vector-to-scf,";
  // Threads: the kernels' scf.parallel loops become OpenMP worksharing
  // loops (libomp at run time). Their bodies sit in memref.alloca_scope,
  // which must reach the LLVM dialect before the SCF -> CF conversion.
  if (options.threads != 1) {
    os << "convert-scf-to-openmp";
    if (options.threads > 1)
      os << "{num-threads=" << options.threads << "}";
    os << ",expand-strided-metadata,lower-affine,finalize-memref-to-llvm,";
  }
  os << "convert-scf-to-cf,expand-strided-metadata,lower-affine,"
        "convert-vector-to-llvm{vector-transpose-lowering=shuffle1d},"
        "finalize-memref-to-llvm,"
        "convert-arith-to-llvm,convert-math-to-llvm,convert-index-to-llvm,"
        "convert-func-to-llvm,convert-cf-to-llvm,convert-ub-to-llvm,";
  if (options.threads != 1)
    os << "convert-openmp-to-llvm,";
  os << "reconcile-unrealized-casts";
  std::string err;
  llvm::raw_string_ostream es(err);
  if (failed(parsePassPipeline(p, pm, es)))
    llvm::report_fatal_error(llvm::Twine("prune-cpu-pipeline: ") + err);
}

void mlir::prune::registerPruneCPUPipeline() {
  PassPipelineRegistration<PruneCPUPipelineOptions>(
      "prune-cpu-pipeline",
      "Lower linalg with #prune.sparsity weights to LLVM: sparse kernels for "
      "pruned matmuls (prune-sparsify), register-tiled vector code for the "
      "dense ones (prune-vectorize-matmul), bufferization, LLVM dialect",
      buildPruneCPUPipeline);
}
