//===- NM.cpp - prune-nm --------------------------------------------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/Transforms/Passes.h"
#include "Prune/Transforms/PruneUtils.h"

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNENM
#include "Prune/Transforms/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

namespace {
struct PruneNMPass : prune::impl::PruneNMBase<PruneNMPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto emitError = [&]() { return module.emitError(); };
    if (failed(SparsityAttr::verify(emitError, SparsityKind::NM, n, m,
                                    std::nullopt, {}, std::nullopt, FloatAttr(),
                                    std::nullopt)))
      return signalPassFailure();
    FailureOr<MetricChoice> choice = parseMetricOption(module.getLoc(), metric);
    if (failed(choice))
      return signalPassFailure();
    WeightDiscovery discovery(module, exclude);
    auto pattern =
        SparsityAttr::get(&getContext(), SparsityKind::NM, n, m, std::nullopt,
                          {}, std::nullopt, FloatAttr(), std::nullopt);
    if (failed(pruneEveryWeight(module, discovery, pattern, *choice)))
      signalPassFailure();
  }
};
} // namespace
