//===- prune-opt.cpp - mlir-opt with the prune dialect and passes ---------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/Conversion/Accel/Passes.h"
#include "Prune/Conversion/GPU/Passes.h"
#include "Prune/Conversion/Passes.h"
#include "Prune/Conversion/TOSA/Pipeline.h"
#include "Prune/DataAware/Passes.h"
#include "Prune/Dialect/Prune/IR/PruneDialect.h"
#include "Prune/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::prune::registerPrunePasses();
  mlir::prune::registerPruneConversionPasses();
  mlir::prune::registerPruneGPUConversionPasses();
  mlir::prune::registerPruneAccelLoweringPasses();
  mlir::prune::registerPruneDataAwarePasses();
  mlir::prune::registerPruneTosaToLinalgPipeline();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::prune::PruneDialect>();

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "mlir-prune optimizer driver\n", registry));
}
