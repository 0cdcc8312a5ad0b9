//===- Structural.h - carrying out structural requests ----------*- C++ -*-===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_TRANSFORMS_STRUCTURAL_H
#define PRUNE_TRANSFORMS_STRUCTURAL_H

#include "Prune/Analysis/WeightDiscovery.h"
#include "Prune/Dialect/Prune/IR/PruneDialect.h"
#include "mlir/IR/BuiltinOps.h"

#include <functional>
#include <memory>

namespace mlir::prune {

/// Plans hand-written structural `prune.sparsity` requests: `channel` and
/// `head` on a weight constant (dims in its coordinates) or on its consumer
/// (dims in the operand's), and `layer` on a residual add. Emits an error
/// for every request that cannot be carried out and returns failure without
/// changing anything; otherwise returns a function that carries them all out
/// (and removes the request attributes).
FailureOr<std::function<LogicalResult()>>
planStructuralRequests(ModuleOp module,
                       ArrayRef<std::pair<Operation *, SparsityAttr>> requests,
                       const WeightDiscovery &discovery);

} // namespace mlir::prune

#endif // PRUNE_TRANSFORMS_STRUCTURAL_H
