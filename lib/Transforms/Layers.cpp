//===- Layers.cpp - prune-layers ------------------------------------------===//
//
// Part of mlir-prune. Removes residual branches (y = x + f(x) -> y = x) or
// whole layers (two consecutive branches) chosen by a data-free score.
//
//===----------------------------------------------------------------------===//

#include "Prune/Analysis/ResidualBranches.h"
#include "Prune/Transforms/Passes.h"
#include "Prune/Transforms/PruneUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Transforms/RegionUtils.h"

#include <cmath>
#include <numeric>

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNELAYERS
#include "Prune/Transforms/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

/// RMS (l2) or mean |w| (l1) over every element of `weights`.
static FailureOr<double> scoreWeights(ArrayRef<const Weight *> weights,
                                      bool l1) {
  double sum = 0.0;
  int64_t count = 0;
  for (const Weight *weight : weights) {
    FailureOr<WeightData> data = WeightData::get(weight->op);
    if (failed(data))
      return failure();
    for (int64_t e = 0; e < data->size(); ++e) {
      double v = data->get(e);
      sum += l1 ? std::fabs(v) : v * v;
    }
    count += data->size();
  }
  double mean = count ? sum / count : 0.0;
  return l1 ? mean : std::sqrt(mean);
}

/// True if every use of `op`'s results is in `ops`, directly or through ops
/// that themselves only feed `ops` (e.g. the transpose of a weight).
static bool onlyFeeds(Operation *op, const llvm::SetVector<Operation *> &ops) {
  for (Operation *user : op->getUsers())
    if (!ops.contains(user) && !onlyFeeds(user, ops))
      return false;
  return true;
}

/// mode=zero: zeroes the last weight of `branch` and every constant between
/// it and the residual add, so that the branch computes zero when its tail
/// maps zero to zero.
static LogicalResult zeroBranch(const ResidualBranch &branch,
                                const WeightDiscovery &discovery) {
  Value value = branch.add->getOperand(1 - branch.skipOperand);
  SmallVector<arith::ConstantOp> constants;
  while (true) {
    Operation *def = value.getDefiningOp();
    if (!def || !branch.ops.contains(def))
      break;
    auto weights = discovery.getWeightsOf(def);
    if (!weights.empty()) {
      for (auto [weight, use] : weights)
        constants.push_back(weight->op);
      for (arith::ConstantOp constant : constants) {
        if (!onlyFeeds(constant, branch.ops))
          return branch.add->emitError(
              "mode=zero: a constant of the branch is shared outside it");
        FailureOr<WeightData> data = WeightData::get(constant);
        if (failed(data))
          return failure();
        std::vector<uint8_t> keep(data->size(), 0);
        writeMasked(constant, *data, keep);
      }
      return success();
    }
    Value next;
    auto linalgOp = dyn_cast<linalg::LinalgOp>(def);
    if (linalgOp && linalgOp.getNumReductionLoops() != 0)
      break;
    ValueRange inputs = linalgOp ? ValueRange(linalgOp.getDpsInputs())
                                 : ValueRange(def->getOperands());
    bool ok = true;
    for (Value input : inputs) {
      if (auto constant = input.getDefiningOp<arith::ConstantOp>()) {
        if (isa<ShapedType>(constant.getType()))
          constants.push_back(constant);
        continue;
      }
      if (next)
        ok = false;
      next = input;
    }
    if (!ok || !next)
      break;
    value = next;
  }
  return branch.add->emitError("mode=zero: the branch does not end in a "
                               "weight followed by elementwise ops");
}

namespace {
struct Unit {
  func::FuncOp func;
  Operation *anchor;
  Value from, to; // remove: uses of `to` become uses of `from`
  SmallVector<const Weight *> weights;
  const ResidualBranch *branch = nullptr;
  double score = 0.0;
};

struct PruneLayersPass : prune::impl::PruneLayersBase<PruneLayersPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (unit != "branch" && unit != "layer") {
      module.emitError("unknown unit '")
          << unit << "'; expected 'branch' or 'layer'";
      return signalPassFailure();
    }
    if (metric != "l1" && metric != "l2") {
      module.emitError("prune-layers scores with 'l1' or 'l2', not '")
          << metric << "'";
      return signalPassFailure();
    }
    if (mode != "remove" && mode != "zero") {
      module.emitError("unknown mode '")
          << mode << "'; expected 'remove' or 'zero'";
      return signalPassFailure();
    }
    if (mode == "zero" && unit != "branch") {
      module.emitError("mode=zero needs unit=branch");
      return signalPassFailure();
    }
    if (failed(checkRatio(module.getLoc(), ratio)))
      return signalPassFailure();
    if (count < 0) {
      module.emitError("count must be non-negative");
      return signalPassFailure();
    }

    WeightDiscovery discovery(module, exclude);
    SmallVector<SmallVector<ResidualBranch>> branchesPerFunc;
    SmallVector<Unit> units;
    unsigned numCandidates = 0;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      branchesPerFunc.push_back(findResidualBranches(func, discovery));
      ArrayRef<ResidualBranch> branches = branchesPerFunc.back();
      if (unit == "branch") {
        for (const ResidualBranch &branch : branches) {
          ++numCandidates;
          if (!branch.refused.empty()) {
            branch.add->emitRemark("residual branch left alone: ")
                << branch.refused;
            continue;
          }
          units.push_back({func, branch.add, branch.skip,
                           branch.add->getResult(0), branch.weights, &branch});
        }
        continue;
      }
      for (const ResidualLayer &layer : findResidualLayers(branches)) {
        ++numCandidates;
        Operation *anchor = branches[layer.first].add;
        if (!layer.refused.empty()) {
          anchor->emitRemark("layer left alone: ") << layer.refused;
          continue;
        }
        SmallVector<const Weight *> weights(branches[layer.first].weights);
        for (const Weight *w : branches[layer.second].weights)
          if (!llvm::is_contained(weights, w))
            weights.push_back(w);
        units.push_back({func, anchor, layer.input, layer.output, weights});
      }
    }
    if (numCandidates == 0) {
      module.emitError("found no residual ")
          << (unit == "layer" ? "layers" : "branches")
          << " with weights to remove";
      return signalPassFailure();
    }
    for (Unit &u : units) {
      FailureOr<double> score = scoreWeights(u.weights, metric == "l1");
      if (failed(score))
        return signalPassFailure();
      u.score = *score;
    }
    int64_t numRemove = ratio > 0.0 ? roundHalfEven(ratio * units.size())
                                    : std::min<int64_t>(count, units.size());
    // Least important first; ties remove the later unit.
    SmallVector<unsigned> order(units.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](unsigned a, unsigned b) {
      return units[a].score > units[b].score;
    });
    SmallVector<unsigned> chosen(order.end() - numRemove, order.end());
    // Later units first, so that an earlier unit's output is still alive
    // when a later unit maps its input to it.
    llvm::sort(chosen, std::greater<unsigned>());
    if (mode == "remove")
      for (unsigned index : chosen)
        recordStructuralBaseline(units[index].func, discovery);
    for (unsigned index : chosen) {
      Unit &u = units[index];
      if (mode == "remove")
        recordRemoved(u.func, unit == "layer" ? "layers" : "branches", 1);
      if (mode == "zero") {
        if (failed(zeroBranch(*u.branch, discovery)))
          return signalPassFailure();
        continue;
      }
      u.to.replaceAllUsesWith(u.from);
    }
    // Erase what the removed units leave unused.
    eraseUnused(module);
    if (failed(verify(module))) {
      module.emitError("internal error: prune-layers produced invalid IR");
      return signalPassFailure();
    }
  }
};
} // namespace
