//===- Unstructured.cpp - prune-unstructured ------------------------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/Transforms/Passes.h"
#include "Prune/Transforms/PruneUtils.h"

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNEUNSTRUCTURED
#include "Prune/Transforms/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

namespace {
struct PruneUnstructuredPass
    : prune::impl::PruneUnstructuredBase<PruneUnstructuredPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(checkRatio(module.getLoc(), ratio)))
      return signalPassFailure();
    if (scope != "layer" && scope != "global") {
      module.emitError("unknown scope '")
          << scope << "'; expected 'layer' or 'global'";
      return signalPassFailure();
    }
    FailureOr<MetricChoice> choice = parseMetricOption(module.getLoc(), metric);
    if (failed(choice))
      return signalPassFailure();
    WeightDiscovery discovery(module, exclude);
    auto pattern = SparsityAttr::get(
        &getContext(), SparsityKind::Unstructured, std::nullopt, std::nullopt,
        std::nullopt, {}, std::nullopt, getRatioAttr(&getContext(), ratio),
        std::nullopt);
    if (scope == "layer") {
      if (failed(pruneEveryWeight(module, discovery, pattern, *choice)))
        signalPassFailure();
      return;
    }
    if (failed(pruneGlobally(module, discovery, pattern, *choice)))
      signalPassFailure();
  }

  /// Ranks every weight together: round(ratio * total) of the least
  /// important elements are removed wherever they are. Ties go by weight
  /// order (discovery order), then row-major index, like concatenating the
  /// flattened weights.
  LogicalResult pruneGlobally(ModuleOp module, const WeightDiscovery &discovery,
                              SparsityAttr pattern,
                              const MetricChoice &choice) {
    if (discovery.getWeights().empty() && discovery.getNumExcluded() == 0)
      return module.emitError(
          "found no constant weights feeding a contraction or convolution; "
          "nothing to prune");
    SmallVector<PlannedMask> plans;
    std::vector<float> all, scores;
    bool anyFailed = false;
    for (const Weight &weight : discovery.getWeights()) {
      FailureOr<WeightData> data = WeightData::get(weight.op);
      if (failed(data) ||
          failed(getElementScores(weight, *data, choice, scores))) {
        anyFailed = true;
        continue;
      }
      all.insert(all.end(), scores.begin(), scores.end());
      plans.push_back({&weight, *data, {}, pattern});
    }
    if (anyFailed)
      return failure();
    std::vector<uint8_t> keep(all.size(), 1);
    pruneLowest(all, roundHalfEven(ratio * all.size()), keep);
    size_t offset = 0;
    for (PlannedMask &plan : plans) {
      plan.keep.assign(keep.begin() + offset,
                       keep.begin() + offset + plan.data.size());
      offset += plan.data.size();
    }
    commitMasks(plans);
    return success();
  }
};
} // namespace
