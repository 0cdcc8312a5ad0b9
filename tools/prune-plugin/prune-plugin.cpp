//===- prune-plugin.cpp - mlir-opt plugin entry points --------------------===//
//
// Part of mlir-prune. Load with
//   mlir-opt --load-dialect-plugin=libPrunePlugin.so   (dialect and passes)
//   mlir-opt --load-pass-plugin=libPrunePlugin.so      (passes only)
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
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

using namespace mlir;

extern "C" LLVM_ATTRIBUTE_WEAK DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Prune", LLVM_VERSION_STRING,
          [](DialectRegistry *registry) {
            registry->insert<prune::PruneDialect>();
            prune::registerPrunePasses();
            prune::registerPruneConversionPasses();
            prune::registerPruneGPUConversionPasses();
            prune::registerPruneAccelLoweringPasses();
            prune::registerPruneDataAwarePasses();
            prune::registerPruneTosaToLinalgPipeline();
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "PrunePasses", LLVM_VERSION_STRING, []() {
            prune::registerPrunePasses();
            prune::registerPruneConversionPasses();
            prune::registerPruneGPUConversionPasses();
            prune::registerPruneAccelLoweringPasses();
            prune::registerPruneDataAwarePasses();
            prune::registerPruneTosaToLinalgPipeline();
          }};
}
