//===- ResidualBranches.h - residual branches and layers --------*- C++ -*-===//
//
// Part of mlir-prune. Finds residual adds y = x + f(x) whose branch f can be
// removed (every value of f is used only inside f), and pairs consecutive
// branches into layers.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_ANALYSIS_RESIDUALBRANCHES_H
#define PRUNE_ANALYSIS_RESIDUALBRANCHES_H

#include "Prune/Analysis/WeightDiscovery.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::prune {

struct ResidualBranch {
  /// The residual add and the operand number of its skip input x.
  Operation *add = nullptr;
  unsigned skipOperand = 0;
  Value skip;
  /// The ops of f (on paths from x to f(x)).
  llvm::SetVector<Operation *> ops;
  /// Weights consumed inside f.
  SmallVector<const Weight *> weights;
  /// Why the branch cannot be removed (empty when it can).
  std::string refused;
};

/// A transformer layer: two consecutive branches. Removing it replaces the
/// uses of `output` with `input`.
struct ResidualLayer {
  unsigned first, second;
  Value input, output;
  std::string refused;
};

/// True if `op` is an elementwise add of two same-typed tensors.
bool isTensorAdd(Operation *op);

/// The residual branches of `func` in program order.
SmallVector<ResidualBranch>
findResidualBranches(func::FuncOp func, const WeightDiscovery &weights);

/// Pairs consecutive branches into layers.
SmallVector<ResidualLayer>
findResidualLayers(ArrayRef<ResidualBranch> branches);

} // namespace mlir::prune

#endif // PRUNE_ANALYSIS_RESIDUALBRANCHES_H
