//===- Blocks.cpp - prune-blocks ------------------------------------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/Transforms/Passes.h"
#include "Prune/Transforms/PruneUtils.h"

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNEBLOCKS
#include "Prune/Transforms/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

namespace {
struct PruneBlocksPass : prune::impl::PruneBlocksBase<PruneBlocksPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<int64_t> shape(block.begin(), block.end());
    if (shape.empty())
      shape = {4, 4};
    auto emitError = [&]() { return module.emitError(); };
    if (failed(checkRatio(module.getLoc(), ratio)) ||
        failed(SparsityAttr::verify(
            emitError, SparsityKind::Block, std::nullopt, std::nullopt,
            std::nullopt, shape, std::nullopt,
            getRatioAttr(&getContext(), ratio), std::nullopt)))
      return signalPassFailure();
    FailureOr<MetricChoice> choice = parseMetricOption(module.getLoc(), metric);
    if (failed(choice))
      return signalPassFailure();
    WeightDiscovery discovery(module, exclude);
    auto pattern =
        SparsityAttr::get(&getContext(), SparsityKind::Block, std::nullopt,
                          std::nullopt, std::nullopt, shape, std::nullopt,
                          getRatioAttr(&getContext(), ratio), std::nullopt);
    if (failed(pruneEveryWeight(module, discovery, pattern, *choice)))
      signalPassFailure();
  }
};
} // namespace
