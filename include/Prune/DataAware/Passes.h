//===- Passes.h - data-aware pruning passes ---------------------*- C++ -*-===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_DATAAWARE_PASSES_H
#define PRUNE_DATAAWARE_PASSES_H

#include "Prune/Dialect/Prune/IR/PruneDialect.h"
#include "mlir/Pass/Pass.h"

namespace mlir::prune {

#define GEN_PASS_DECL
#include "Prune/DataAware/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Prune/DataAware/Passes.h.inc"

} // namespace mlir::prune

#endif // PRUNE_DATAAWARE_PASSES_H
