//===- GradientImportance.cpp - prune-gradient-importance -----------------===//
//
// Part of mlir-prune. Taylor and Fisher importance from gradients that a
// training framework computed and saved with numpy.savez.
//
//===----------------------------------------------------------------------===//

#include "Prune/Analysis/WeightData.h"
#include "Prune/Analysis/WeightDiscovery.h"
#include "Prune/DataAware/Calibration.h"
#include "Prune/DataAware/Passes.h"
#include "Prune/Dialect/Prune/IR/PruneDialect.h"
#include "Prune/Runtime/Jit.h"
#include "Prune/Runtime/Npy.h"

#include "llvm/ADT/StringMap.h"

#include <cmath>

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNEGRADIENTIMPORTANCE
#include "Prune/DataAware/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

namespace {
struct PruneGradientImportancePass
    : public mlir::prune::impl::PruneGradientImportanceBase<
          PruneGradientImportancePass> {
  using Base::Base;
  void runOnOperation() override;
};
} // namespace

/// Every name `weight` answers to: its discovery name and the names of the
/// NameLocs in its location.
static SmallVector<std::string> getNames(const Weight &weight) {
  SmallVector<std::string> names{weight.name};
  weight.getLoc()->walk([&](Location loc) {
    if (auto nameLoc = dyn_cast<NameLoc>(loc))
      names.push_back(nameLoc.getName().str());
    return WalkResult::advance();
  });
  return names;
}

void PruneGradientImportancePass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();
  Location loc = module.getLoc();
  if (metric != "taylor" && metric != "fisher") {
    emitError(loc) << "prune-gradient-importance: unknown metric '" << metric
                   << "' (taylor or fisher)";
    return signalPassFailure();
  }
  if (gradients.empty()) {
    emitError(loc) << "prune-gradient-importance needs gradients=<file.npz>";
    return signalPassFailure();
  }
  auto members = npy::readNpz(gradients);
  if (!members) {
    emitError(loc) << "prune-gradient-importance: "
                   << llvm::toString(members.takeError());
    return signalPassFailure();
  }

  WeightDiscovery discovery(module);
  llvm::StringMap<const Weight *> byName;
  for (const Weight &weight : discovery.getWeights())
    for (const std::string &name : getNames(weight))
      byName.try_emplace(name, &weight);

  struct Plan {
    const Weight *weight;
    ImportanceAttr importance;
  };
  std::vector<Plan> plans;
  DenseSet<const Weight *> covered;
  bool fisher = metric == "fisher";
  for (auto &[name, grad] : *members) {
    auto it = byName.find(name);
    if (it == byName.end()) {
      std::string known;
      for (const Weight &w : discovery.getWeights())
        known += (known.empty() ? "'" : ", '") + w.name + "'";
      emitError(loc) << "prune-gradient-importance: " << gradients
                     << " has gradients for '" << name
                     << "', which names no weight (weights: " << known << ")";
      return signalPassFailure();
    }
    const Weight &weight = *it->second;
    if (!covered.insert(&weight).second) {
      weight.op.emitError("prune-gradient-importance: ")
          << gradients << " has more than one member for weight '"
          << weight.name << "'";
      return signalPassFailure();
    }
    if (ArrayRef<int64_t>(grad.shape) != weight.type.getShape() ||
        (grad.dtype != npy::DType::F32 && grad.dtype != npy::DType::F64)) {
      weight.op.emitError("prune-gradient-importance: gradient '")
          << name << "' is " << grad.describe() << ", but the weight is "
          << weight.type << " (a float32 or float64 array of its shape)";
      return signalPassFailure();
    }
    if (llvm::Error err = checkFinite(grad, "gradient '" + name + "'")) {
      weight.op.emitError("prune-gradient-importance: ")
          << llvm::toString(std::move(err));
      return signalPassFailure();
    }
    FailureOr<WeightData> data = WeightData::get(weight.op);
    if (failed(data))
      return signalPassFailure();
    std::vector<float> w;
    data->toFloat(w);
    std::vector<float> scores(w.size());
    for (size_t i = 0; i < w.size(); ++i) {
      double g = grad.getAsDouble(i);
      if (!std::isfinite(w[i])) {
        weight.op.emitError("prune-gradient-importance: weight '")
            << weight.name << "' holds NaN or Inf";
        return signalPassFailure();
      }
      if (fisher && g < 0) {
        weight.op.emitError("prune-gradient-importance: Fisher diagonal '")
            << name << "' has a negative entry at flat index " << i
            << "; it must hold sums of squared gradients";
        return signalPassFailure();
      }
      scores[i] = fisher ? 0.5 * g * w[i] * w[i] : std::fabs(g * w[i]);
    }
    auto type =
        RankedTensorType::get(weight.type.getShape(), Float32Type::get(ctx));
    ArrayRef<char> bytes(reinterpret_cast<const char *>(scores.data()),
                         scores.size() * sizeof(float));
    plans.push_back(
        {&weight, ImportanceAttr::get(
                      ctx, fisher ? Metric::Fisher : Metric::Taylor,
                      Granularity::Weight, std::nullopt, {}, std::nullopt,
                      makeResource(type, weight.name + "_" + metric, bytes))});
  }
  for (const Weight &weight : discovery.getWeights())
    if (!covered.contains(&weight))
      weight.op->emitRemark("weight '")
          << weight.name << "' has no gradient in " << gradients << "; no "
          << metric << " importance attached";
  for (Plan &plan : plans)
    plan.weight->op->setAttr(PruneDialect::kImportanceAttrName,
                             plan.importance);
}
