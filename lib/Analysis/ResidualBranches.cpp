//===- ResidualBranches.cpp - residual branches and layers ----------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/Analysis/ResidualBranches.h"
#include "Prune/Analysis/DimCoupling.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::prune;

bool mlir::prune::isTensorAdd(Operation *op) {
  if (op->getNumResults() != 1 ||
      !isa<RankedTensorType>(op->getResult(0).getType()))
    return false;
  if (auto add = dyn_cast<arith::AddFOp>(op))
    return add.getLhs().getType() == add.getRhs().getType();
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInputs() != 2 ||
      generic.getNumDpsInits() != 1 || generic.getNumReductionLoops() != 0 ||
      !generic.hasPureTensorSemantics())
    return false;
  for (AffineMap map : generic.getIndexingMapsArray())
    if (!map.isIdentity())
      return false;
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() != 2)
    return false;
  auto add = dyn_cast<arith::AddFOp>(&body.front());
  if (!add)
    return false;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  bool argsAreInputs = (add.getLhs() == body.getArgument(0) &&
                        add.getRhs() == body.getArgument(1)) ||
                       (add.getLhs() == body.getArgument(1) &&
                        add.getRhs() == body.getArgument(0));
  return argsAreInputs && yield.getOperand(0) == add.getResult();
}

/// Values that carry no data of their own: constants and shape-only values.
static bool isFreeValue(Value value) {
  Operation *def = value.getDefiningOp();
  return def && (isa<arith::ConstantOp>(def) || isShapeOnly(value));
}

/// Ops on paths from `from` to `to` (inclusive of `to`'s producer).
static llvm::SetVector<Operation *> opsBetween(Value from, Value to) {
  llvm::SetVector<Operation *> forward;
  getForwardSlice(from, &forward);
  llvm::SetVector<Operation *> between;
  Operation *toDef = to.getDefiningOp();
  if (!toDef || !forward.contains(toDef))
    return between;
  BackwardSliceOptions options;
  options.inclusive = true;
  options.omitBlockArguments = true;
  llvm::SetVector<Operation *> backward;
  (void)getBackwardSlice(toDef, &backward, options);
  for (Operation *op : backward)
    if (forward.contains(op))
      between.insert(op);
  return between;
}

SmallVector<ResidualBranch>
mlir::prune::findResidualBranches(func::FuncOp func,
                                  const WeightDiscovery &weights) {
  SmallVector<ResidualBranch> branches;
  func.walk([&](Operation *op) {
    if (!isTensorAdd(op) ||
        isa_and_nonnull<linalg::LinalgOp>(op->getParentOp()))
      return;
    Value a = op->getOperand(0), b = op->getOperand(1);
    for (unsigned skipOperand : {0u, 1u}) {
      Value skip = skipOperand == 0 ? a : b;
      Value out = skipOperand == 0 ? b : a;
      if (isFreeValue(skip))
        continue;
      llvm::SetVector<Operation *> ops = opsBetween(skip, out);
      if (ops.empty())
        continue;
      ResidualBranch branch;
      branch.add = op;
      branch.skipOperand = skipOperand;
      branch.skip = skip;
      branch.ops = std::move(ops);
      for (Operation *inner : branch.ops) {
        for (auto [w, use] : weights.getWeightsOf(inner))
          if (!llvm::is_contained(branch.weights, w))
            branch.weights.push_back(w);
        for (Value result : inner->getResults())
          for (Operation *user : result.getUsers())
            if (user != op && !branch.ops.contains(user) &&
                branch.refused.empty())
              branch.refused = ("a value of the branch is also used by " +
                                user->getName().getStringRef())
                                   .str();
      }
      if (branch.weights.empty())
        continue;
      branches.push_back(std::move(branch));
      break;
    }
  });
  return branches;
}

SmallVector<ResidualLayer>
mlir::prune::findResidualLayers(ArrayRef<ResidualBranch> branches) {
  SmallVector<ResidualLayer> layers;
  for (size_t i = 0; i + 1 < branches.size(); i += 2) {
    const ResidualBranch &first = branches[i], &second = branches[i + 1];
    ResidualLayer layer;
    layer.first = i;
    layer.second = i + 1;
    layer.input = first.skip;
    Value firstOut = first.add->getResult(0);
    // The second branch's skip input must come from the first add alone
    // (directly, or through normalisation of it).
    if (second.skip != firstOut) {
      llvm::SetVector<Operation *> between = opsBetween(firstOut, second.skip);
      for (Operation *op : between)
        for (Value operand : op->getOperands())
          if (operand != firstOut && !isFreeValue(operand) &&
              !between.contains(operand.getDefiningOp()) &&
              layer.refused.empty())
            layer.refused = "the second branch's input depends on more than "
                            "the first branch's output";
    }
    // The layer's output. Pre-norm layers (the second branch reads the
    // first add directly) end at the second add. Post-norm layers end after
    // the normalisation of the second add: at the next layer's input, or at
    // the function's result for the last layer.
    Value output = second.add->getResult(0);
    if (second.skip != firstOut) {
      Value next;
      if (i + 2 < branches.size())
        next = branches[i + 2].skip;
      else if (auto ret = dyn_cast<func::ReturnOp>(
                   second.add->getBlock()->getTerminator());
               ret && ret->getNumOperands() == 1)
        next = ret->getOperand(0);
      if (next && next != output) {
        llvm::SetVector<Operation *> between = opsBetween(output, next);
        bool closed = !between.empty();
        for (Operation *op : between)
          for (Value operand : op->getOperands())
            if (operand != output && !isFreeValue(operand) &&
                !between.contains(operand.getDefiningOp()))
              closed = false;
        if (closed)
          output = next;
      }
    }
    layer.output = output;
    if (layer.input.getType() != layer.output.getType() &&
        layer.refused.empty())
      layer.refused = "the layer changes the type of its input";
    if (!first.refused.empty() && layer.refused.empty())
      layer.refused = first.refused;
    if (!second.refused.empty() && layer.refused.empty())
      layer.refused = second.refused;
    layers.push_back(layer);
  }
  return layers;
}
