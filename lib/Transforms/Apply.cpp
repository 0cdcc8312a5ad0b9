//===- Apply.cpp - prune-apply --------------------------------------------===//
//
// Part of mlir-prune. Carries out hand-written #prune.sparsity attributes.
//
//===----------------------------------------------------------------------===//

#include "Prune/Transforms/Passes.h"
#include "Prune/Transforms/PruneUtils.h"
#include "Prune/Transforms/Structural.h"

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNEAPPLY
#include "Prune/Transforms/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

/// The request `attr` on `op` restated in the coordinates of the weight
/// constant, or null after emitting an error.
static std::pair<const Weight *, SparsityAttr>
resolveRequest(Operation *op, SparsityAttr attr,
               const WeightDiscovery &discovery) {
  if (const Weight *weight = discovery.lookup(op))
    return {weight, attr};
  if (op->hasTrait<OpTrait::ConstantLike>()) {
    op->emitError("'prune.sparsity' on a constant that feeds no contraction "
                  "or convolution");
    return {};
  }
  auto weights = discovery.getWeightsOf(op);
  if (weights.empty()) {
    op->emitError("'prune.sparsity' on an op that consumes no constant "
                  "weight");
    return {};
  }
  const Weight *weight = nullptr;
  const WeightUse *use = nullptr;
  if (std::optional<int64_t> operand = attr.getOperand()) {
    for (auto [w, u] : weights)
      if (u->operandNumber == *operand)
        std::tie(weight, use) = std::make_pair(w, u);
    if (!weight) {
      op->emitError("'prune.sparsity' names operand ")
          << *operand << ", which is not a constant weight";
      return {};
    }
  } else if (weights.size() > 1) {
    op->emitError("op consumes ")
        << weights.size()
        << " weights; say which one 'prune.sparsity' means with 'operand'";
    return {};
  } else {
    std::tie(weight, use) = weights.front();
  }
  std::optional<int64_t> dim;
  if (std::optional<int64_t> operandDim = attr.getDim()) {
    if (*operandDim >= static_cast<int64_t>(use->operandToConst.size()) ||
        use->operandToConst[*operandDim].size() != 1) {
      op->emitError("dim ") << *operandDim
                            << " of the weight operand does not correspond "
                               "to a single dim of the weight constant";
      return {};
    }
    dim = use->operandToConst[*operandDim].front();
  }
  auto resolved = SparsityAttr::get(
      op->getContext(), attr.getPattern(), attr.getN(), attr.getM(), dim,
      attr.getBlock(), attr.getHeads(), attr.getRatio(), std::nullopt);
  return {weight, resolved};
}

namespace {
struct PruneApplyPass : prune::impl::PruneApplyBase<PruneApplyPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    WeightDiscovery discovery(module);
    SmallVector<std::pair<Operation *, SparsityAttr>> requests, structural;
    module.walk([&](Operation *op) {
      if (auto attr =
              op->getAttrOfType<SparsityAttr>(PruneDialect::kSparsityAttrName))
        (attr.isStructural() ? structural : requests).push_back({op, attr});
    });

    // Structural requests (channel, head, layer) are planned on the
    // dimension-coupling analysis and carried out after the fine-grained
    // ones.
    std::function<LogicalResult()> commitStructural;
    bool anyFailed = false;
    if (!structural.empty()) {
      auto planned = planStructuralRequests(module, structural, discovery);
      if (failed(planned))
        anyFailed = true;
      else
        commitStructural = std::move(*planned);
    }

    SmallVector<PlannedMask> plans;
    DenseMap<const Weight *, SparsityAttr> planned;
    for (auto [op, attr] : requests) {
      auto [weight, request] = resolveRequest(op, attr, discovery);
      if (!weight) {
        anyFailed = true;
        continue;
      }
      auto [it, inserted] = planned.try_emplace(weight, request);
      if (!inserted) {
        // The same weight asked for twice (on the constant and on its
        // consumer): both must agree, except that one may leave the dim
        // open.
        SparsityAttr first = it->second;
        if (first.getPattern() != request.getPattern() ||
            first.getN() != request.getN() || first.getM() != request.getM() ||
            first.getBlock() != request.getBlock() ||
            first.getHeads() != request.getHeads() ||
            getRatioValue(first.getRatio()) !=
                getRatioValue(request.getRatio()) ||
            (first.getDim() && request.getDim() &&
             first.getDim() != request.getDim())) {
          op->emitError("conflicting 'prune.sparsity' requests for weight '")
              << weight->name << "'";
          anyFailed = true;
        }
        continue;
      }
      FailureOr<WeightData> data = WeightData::get(weight->op);
      if (failed(data)) {
        anyFailed = true;
        continue;
      }
      // Attached scores when there are, magnitude otherwise.
      MetricChoice metric;
      ImportanceAttr importance = getAttachedImportance(weight->op);
      bool useAttached =
          importance && ((request.getPattern() == SparsityKind::Block &&
                          importance.getGranularity() == Granularity::Block) ||
                         (request.getPattern() != SparsityKind::Block &&
                          importance.getGranularity() == Granularity::Weight));
      if (useAttached)
        metric.anyAttached = true;
      else
        metric.computed = request.getPattern() == SparsityKind::Block
                              ? Metric::L2
                              : Metric::L1;
      std::vector<uint8_t> keep(data->size(), 1);
      MaskResult result =
          computePatternMask(*weight, *data, request, metric, keep);
      if (result.kind == MaskResult::Skipped) {
        op->emitError("cannot carry out 'prune.sparsity' on weight '")
            << weight->name << "': " << result.why;
        anyFailed = true;
        continue;
      }
      if (result.kind == MaskResult::Failed) {
        anyFailed = true;
        continue;
      }
      plans.push_back({weight, *data, std::move(keep), result.resolved});
    }
    if (anyFailed)
      return signalPassFailure();
    commitMasks(plans);
    if (commitStructural && failed(commitStructural()))
      signalPassFailure();
  }
};
} // namespace
