//===- Pipeline.h - TOSA input for mlir-prune -------------------*- C++ -*-===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_CONVERSION_TOSA_PIPELINE_H
#define PRUNE_CONVERSION_TOSA_PIPELINE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::prune {

#define GEN_PASS_DECL
#include "Prune/Conversion/TOSA/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Prune/Conversion/TOSA/Passes.h.inc"

/// Options of `prune-tosa-to-linalg`.
struct PruneTosaToLinalgOptions
    : public PassPipelineOptions<PruneTosaToLinalgOptions> {
  PassOptions::Option<bool> hwcf{
      *this, "hwcf",
      llvm::cl::desc("Lower tosa.conv2d to linalg.conv_2d_nhwc_hwcf with the "
                     "filter transposed by a linalg.transpose (false: "
                     "linalg.conv_2d_nhwc_fhwc on the filter as it is)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> layouts{
      *this, "layouts",
      llvm::cl::desc("Run prune-tosa-layouts: batch-1 batch_matmul as "
                     "matmul and OHWI convolutions as HWCF, constant weights "
                     "rewritten, the forms the CPU sparse kernels take"),
      llvm::cl::init(true)};
};

/// TOSA as TFLite / ONNX / JAX importers emit it, to the linalg-on-tensors
/// form the pruning passes read: upstream's TOSA-to-linalg pipeline, then
/// tosa-to-tensor (reshapes, slices, pads), tosa-to-arith (tosa.const becomes
/// arith.constant, the weights the passes find) and canonicalize.
void buildPruneTosaToLinalgPipeline(OpPassManager &pm,
                                    const PruneTosaToLinalgOptions &options);

/// Registers prune-tosa-concat and the `prune-tosa-to-linalg` pipeline.
void registerPruneTosaToLinalgPipeline();

} // namespace mlir::prune

#endif // PRUNE_CONVERSION_TOSA_PIPELINE_H
