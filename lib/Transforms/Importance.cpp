//===- Importance.cpp - prune-importance ----------------------------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/Transforms/Passes.h"
#include "Prune/Transforms/PruneUtils.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNEIMPORTANCE
#include "Prune/Transforms/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

/// Sums |w| (l1) or w^2 (l2) of each group; `groupOf(e)` gives the group of
/// element `e`. Groups of more than one element under l2 report the norm.
static std::vector<float> aggregate(const WeightData &data, int64_t numGroups,
                                    bool l1, bool normalize,
                                    function_ref<int64_t(int64_t)> groupOf) {
  std::vector<double> sums(numGroups, 0.0);
  for (int64_t e = 0; e < data.size(); ++e) {
    double v = data.get(e);
    sums[groupOf(e)] += l1 ? std::fabs(v) : v * v;
  }
  std::vector<float> scores(numGroups);
  for (int64_t g = 0; g < numGroups; ++g)
    scores[g] =
        static_cast<float>(!l1 && normalize ? std::sqrt(sums[g]) : sums[g]);
  return scores;
}

static bool hasNaN(const WeightData &data) {
  for (int64_t e = 0; e < data.size(); ++e)
    if (std::isnan(data.get(e)))
      return true;
  return false;
}

/// Index of element `e` along `dim` of `shape`.
static int64_t coordinate(ArrayRef<int64_t> shape, int64_t dim, int64_t e) {
  int64_t inner = 1;
  for (int64_t d = dim + 1; d < static_cast<int64_t>(shape.size()); ++d)
    inner *= shape[d];
  return (e / inner) % shape[dim];
}

/// A valid resource key derived from `name`.
static std::string resourceKey(StringRef name) {
  std::string key;
  for (char c : name)
    key.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                          c == '.'
                      ? c
                      : '_');
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0])))
    key.insert(key.begin(), '_');
  return key + ".importance";
}

namespace {
struct PruneImportancePass
    : prune::impl::PruneImportanceBase<PruneImportancePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::optional<Metric> m = symbolizeMetric(metric);
    if (!m || (*m != Metric::L1 && *m != Metric::L2)) {
      module.emitError("prune-importance computes the data-free metrics "
                       "'l1' and 'l2', not '")
          << metric << "'";
      return signalPassFailure();
    }
    std::optional<Granularity> g = symbolizeGranularity(granularity);
    if (!g) {
      module.emitError("unknown granularity '")
          << granularity << "'; expected weight, channel, block, head or layer";
      return signalPassFailure();
    }
    SmallVector<int64_t> blockShape(block.begin(), block.end());
    if (blockShape.empty())
      blockShape = {4, 4};
    if (*g == Granularity::Block &&
        (blockShape.size() != 2 || blockShape[0] <= 0 || blockShape[1] <= 0)) {
      module.emitError("block must be two positive sizes R,C");
      return signalPassFailure();
    }
    if (*g == Granularity::Head && heads <= 0) {
      module.emitError("granularity=head needs heads > 0");
      return signalPassFailure();
    }

    WeightDiscovery discovery(module, exclude);
    if (discovery.getWeights().empty() && discovery.getNumExcluded() == 0) {
      module.emitError("found no constant weights feeding a contraction or "
                       "convolution; nothing to score");
      return signalPassFailure();
    }
    SmallVector<std::pair<const Weight *, ImportanceAttr>> results;
    bool anyFailed = false;
    for (const Weight &weight : discovery.getWeights()) {
      FailureOr<WeightData> data = WeightData::get(weight.op);
      if (failed(data)) {
        anyFailed = true;
        continue;
      }
      if (isa<FloatType>(data->getElementType()) && hasNaN(*data)) {
        weight.op.emitError("weight '")
            << weight.name << "' contains NaN; refusing to score it";
        anyFailed = true;
        continue;
      }
      std::string why;
      ImportanceAttr attr = score(weight, *data, *m, *g, blockShape, why);
      if (!attr) {
        weight.op.emitRemark("weight '")
            << weight.name << "' not scored: " << why;
        continue;
      }
      results.push_back({&weight, attr});
    }
    if (anyFailed)
      return signalPassFailure();
    for (auto [weight, attr] : results)
      weight->op->setAttr(PruneDialect::kImportanceAttrName, attr);
  }

  ImportanceAttr score(const Weight &weight, const WeightData &data, Metric m,
                       Granularity g, ArrayRef<int64_t> blockShape,
                       std::string &why) {
    bool l1 = m == Metric::L1;
    ArrayRef<int64_t> shape = weight.type.getShape();
    std::vector<float> scores;
    SmallVector<int64_t> scoresShape;
    std::optional<int64_t> dim, numHeads;
    SmallVector<int64_t> blockParam;
    switch (g) {
    case Granularity::Weight:
      scores = aggregate(data, data.size(), l1, /*normalize=*/false,
                         [](int64_t e) { return e; });
      scoresShape.assign(shape.begin(), shape.end());
      break;
    case Granularity::Channel:
      if (weight.outputDim < 0) {
        why = "it has no single output dim to score channels along";
        return {};
      }
      dim = weight.outputDim;
      scores = aggregate(data, shape[*dim], l1, /*normalize=*/true,
                         [&](int64_t e) { return coordinate(shape, *dim, e); });
      scoresShape = {shape[*dim]};
      break;
    case Granularity::Head: {
      if (weight.outputDim < 0) {
        why = "it has no single output dim to split into heads";
        return {};
      }
      dim = weight.outputDim;
      if (shape[*dim] % heads != 0) {
        why = (Twine(heads) + " heads do not divide its output dim of size " +
               Twine(shape[*dim]))
                  .str();
        return {};
      }
      numHeads = heads;
      int64_t headSize = shape[*dim] / heads;
      scores = aggregate(data, heads, l1, /*normalize=*/true, [&](int64_t e) {
        return coordinate(shape, *dim, e) / headSize;
      });
      scoresShape = {heads};
      break;
    }
    case Granularity::Block: {
      FailureOr<BlockTiling> tiling =
          getBlockTiling(weight, blockShape[0], blockShape[1], why);
      if (failed(tiling))
        return {};
      std::vector<int64_t> blockOf(data.size());
      tiling->forEachElement(
          [&](int64_t block, int64_t e) { blockOf[e] = block; });
      scores = aggregate(data, tiling->getNumBlocks(), l1, /*normalize=*/true,
                         [&](int64_t e) { return blockOf[e]; });
      if (tiling->numSlices > 1)
        scoresShape.push_back(tiling->numSlices);
      scoresShape.push_back(tiling->numBlockRows);
      scoresShape.push_back(tiling->numBlockCols);
      blockParam.assign(blockShape.begin(), blockShape.end());
      break;
    }
    case Granularity::Layer:
      scores =
          aggregate(data, 1, l1, /*normalize=*/true, [](int64_t) { return 0; });
      scoresShape = {1};
      break;
    }
    MLIRContext *ctx = &getContext();
    auto type = RankedTensorType::get(scoresShape, Float32Type::get(ctx));
    ArrayRef<char> bytes(reinterpret_cast<const char *>(scores.data()),
                         scores.size() * sizeof(float));
    ElementsAttr scoresAttr;
    if (static_cast<int64_t>(scores.size()) > resourceThreshold)
      scoresAttr = DenseResourceElementsAttr::get(
          type, resourceKey(weight.name),
          HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(float)));
    else
      scoresAttr = DenseElementsAttr::getFromRawBuffer(type, bytes);
    return ImportanceAttr::get(ctx, m, g, dim, blockParam, numHeads,
                               scoresAttr);
  }
};
} // namespace
