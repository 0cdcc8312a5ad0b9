//===- Pipeline.cpp - prune-tosa-to-linalg --------------------------------===//
//
// Part of mlir-prune. TOSA input: lower it with upstream's conversions to the
// linalg-on-tensors form (arith.constant weights, linalg named ops and
// generics, tensor reshapes) that weight discovery and every pass read.
//
//===----------------------------------------------------------------------===//

#include "Prune/Conversion/TOSA/Pipeline.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::prune;

void mlir::prune::buildPruneTosaToLinalgPipeline(
    OpPassManager &pm, const PruneTosaToLinalgOptions &options) {
  TosaToLinalgOptions linalgOptions;
  TosaToLinalgNamedOptions namedOptions;
  namedOptions.preferConv2DKernelLayoutHWCF = options.hwcf;
  // Decompositions, shape inference, named ops, elementwise ops to
  // linalg.generic, and TOSA validation (level 'none').
  // tosa.concat first: as tensor.concat the structural passes follow it.
  pm.addNestedPass<func::FuncOp>(createPruneTosaConcat());
  tosa::addTosaToLinalgPasses(pm, linalgOptions, namedOptions);
  // What upstream's pipeline leaves: tosa.reshape / slice / pad / concat
  // and tosa.const / const_shape.
  pm.addNestedPass<func::FuncOp>(createTosaToTensorPass());
  pm.addNestedPass<func::FuncOp>(createTosaToArithPass());
  pm.addPass(createCanonicalizerPass());
  if (options.layouts) {
    pm.addNestedPass<func::FuncOp>(createPruneTosaLayouts());
    pm.addPass(createCanonicalizerPass());
  }
}

void mlir::prune::registerPruneTosaToLinalgPipeline() {
  registerPruneTosaPasses();
  PassPipelineRegistration<PruneTosaToLinalgOptions>(
      "prune-tosa-to-linalg",
      "Lower TOSA to the linalg-on-tensors form the pruning passes read "
      "(prune-tosa-concat, upstream tosa-to-linalg pipeline, tosa-to-tensor, "
      "tosa-to-arith, canonicalize)",
      buildPruneTosaToLinalgPipeline);
}
