//===- PruneUtils.cpp - shared mechanics of the pruning passes ------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/Transforms/PruneUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <algorithm>
#include <cstring>
#include <cmath>
#include <numeric>

using namespace mlir;
using namespace mlir::prune;

int64_t mlir::prune::roundHalfEven(double value) {
  double floor = std::floor(value);
  double diff = value - floor;
  if (diff > 0.5)
    return static_cast<int64_t>(floor) + 1;
  if (diff < 0.5)
    return static_cast<int64_t>(floor);
  int64_t f = static_cast<int64_t>(floor);
  return (f % 2 == 0) ? f : f + 1;
}

LogicalResult mlir::prune::checkRatio(Location loc, double ratio,
                                      StringRef option) {
  if (!(ratio >= 0.0 && ratio < 1.0))
    return emitError(loc) << "'" << option << "' must be in [0, 1), got "
                          << ratio;
  return success();
}

FailureOr<MetricChoice> mlir::prune::parseMetricOption(Location loc,
                                                       StringRef name) {
  MetricChoice choice;
  if (name == "attached") {
    choice.anyAttached = true;
    return choice;
  }
  std::optional<Metric> metric = symbolizeMetric(name);
  if (!metric)
    return emitError(loc) << "unknown metric '" << name
                          << "'; expected l1, l2, taylor, fisher, wanda, "
                             "activation, external or attached";
  if (*metric == Metric::L1 || *metric == Metric::L2)
    choice.computed = metric;
  else
    choice.attached = metric;
  return choice;
}

ImportanceAttr mlir::prune::getAttachedImportance(Operation *op) {
  return op->getAttrOfType<ImportanceAttr>(PruneDialect::kImportanceAttrName);
}

void mlir::prune::readScores(ElementsAttr scores, std::vector<float> &out) {
  auto type = cast<ShapedType>(scores.getType());
  out.resize(type.getNumElements());
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(scores)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    ArrayRef<char> raw = blob ? blob->getData() : ArrayRef<char>();
    if (raw.size() == out.size() * sizeof(float)) {
      std::memcpy(out.data(), raw.data(), raw.size());
      return;
    }
    std::fill(out.begin(), out.end(), 0.0f);
    return;
  }
  auto dense = cast<DenseElementsAttr>(scores);
  if (dense.isSplat()) {
    std::fill(out.begin(), out.end(), dense.getSplatValue<float>());
    return;
  }
  ArrayRef<char> raw = dense.getRawData();
  std::memcpy(out.data(), raw.data(), out.size() * sizeof(float));
}

LogicalResult mlir::prune::getElementScores(const Weight &weight,
                                            const WeightData &data,
                                            const MetricChoice &choice,
                                            std::vector<float> &scores) {
  if (choice.computed) {
    data.toFloat(scores);
    bool l1 = *choice.computed == Metric::L1;
    for (float &s : scores) {
      if (std::isnan(s))
        return weight.op.emitError("weight '")
               << weight.name << "' contains NaN; refusing to rank it";
      s = l1 ? std::fabs(s) : s * s;
    }
    return success();
  }
  ImportanceAttr importance = getAttachedImportance(weight.op);
  if (!importance)
    return weight.op.emitError("weight '")
           << weight.name << "' has no attached #prune.importance for metric '"
           << (choice.anyAttached ? StringRef("attached")
                                  : stringifyMetric(*choice.attached))
           << "'";
  if (!choice.anyAttached && importance.getMetric() != *choice.attached)
    return weight.op.emitError("weight '")
           << weight.name << "' has importance of metric '"
           << stringifyMetric(importance.getMetric()) << "', not '"
           << stringifyMetric(*choice.attached) << "'";
  if (importance.getGranularity() != Granularity::Weight)
    return weight.op.emitError("weight '")
           << weight.name << "' has importance of granularity '"
           << stringifyGranularity(importance.getGranularity())
           << "'; this pass needs granularity 'weight'";
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(importance.getScores())) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() !=
                     static_cast<size_t>(data.size()) * sizeof(float))
      return weight.op.emitError("importance scores '")
             << resource.getRawHandle().getKey()
             << "' are missing or of the wrong size";
  }
  readScores(importance.getScores(), scores);
  for (float s : scores)
    if (std::isnan(s))
      return weight.op.emitError("importance scores of '")
             << weight.name << "' contain NaN";
  return success();
}

/// Strict "less important than" order: lower score, or equal score and
/// higher index.
static bool lessImportant(ArrayRef<float> scores, int64_t a, int64_t b) {
  if (scores[a] != scores[b])
    return scores[a] < scores[b];
  return a > b;
}

void mlir::prune::pruneLowest(ArrayRef<float> scores, int64_t numPrune,
                              MutableArrayRef<uint8_t> keep) {
  int64_t n = scores.size();
  if (numPrune <= 0)
    return;
  if (numPrune >= n) {
    std::fill(keep.begin(), keep.end(), 0);
    return;
  }
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  auto cmp = [&](uint32_t a, uint32_t b) {
    return lessImportant(scores, a, b);
  };
  std::nth_element(order.begin(), order.begin() + numPrune, order.end(), cmp);
  for (int64_t i = 0; i < numPrune; ++i)
    keep[order[i]] = 0;
}

void mlir::prune::computeNMMask(ArrayRef<int64_t> shape, int64_t dim,
                                int64_t n, int64_t m, ArrayRef<float> scores,
                                MutableArrayRef<uint8_t> keep) {
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < dim; ++d)
    outer *= shape[d];
  for (int64_t d = dim + 1; d < static_cast<int64_t>(shape.size()); ++d)
    inner *= shape[d];
  int64_t len = shape[dim];
  SmallVector<int64_t> group(m);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      int64_t base = o * len * inner + i;
      for (int64_t g = 0; g < len; g += m) {
        for (int64_t j = 0; j < m; ++j)
          group[j] = base + (g + j) * inner;
        // Most important first; the first n are kept.
        std::sort(group.begin(), group.end(), [&](int64_t a, int64_t b) {
          return lessImportant(scores, b, a);
        });
        for (int64_t j = n; j < m; ++j)
          keep[group[j]] = 0;
      }
    }
}

void BlockTiling::forEachElement(
    function_ref<void(int64_t, int64_t)> fn) const {
  int64_t rank = shape.size();
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  int64_t numElements = strides[0] * shape[0];
  SmallVector<int64_t> coord(rank, 0);
  // Enumerate elements in row-major order; compute the block index.
  for (int64_t e = 0; e < numElements; ++e) {
    int64_t rem = e;
    for (int64_t d = 0; d < rank; ++d) {
      coord[d] = rem / strides[d];
      rem %= strides[d];
    }
    int64_t slice = 0;
    for (int64_t d = 0; d < rank; ++d)
      if (d != rowDim && d != colDim)
        slice = slice * shape[d] + coord[d];
    int64_t block = (slice * numBlockRows + coord[rowDim] / blockRows) *
                        numBlockCols +
                    coord[colDim] / blockCols;
    fn(block, e);
  }
}

FailureOr<BlockTiling> mlir::prune::getBlockTiling(const Weight &weight,
                                                   int64_t blockRows,
                                                   int64_t blockCols,
                                                   std::string &why) {
  if (weight.outputDim < 0 || weight.reductionDim < 0) {
    why = "it has no single output and reduction dim";
    return failure();
  }
  BlockTiling tiling;
  tiling.shape.assign(weight.type.getShape().begin(),
                      weight.type.getShape().end());
  tiling.rowDim = weight.outputDim;
  tiling.colDim = weight.reductionDim;
  tiling.blockRows = blockRows;
  tiling.blockCols = blockCols;
  int64_t rows = tiling.shape[tiling.rowDim];
  int64_t cols = tiling.shape[tiling.colDim];
  if (rows % blockRows != 0 || cols % blockCols != 0) {
    why = (Twine("its (output x reduction) view ") + Twine(rows) + "x" +
           Twine(cols) + " does not tile into " + Twine(blockRows) + "x" +
           Twine(blockCols) + " blocks")
              .str();
    return failure();
  }
  tiling.numBlockRows = rows / blockRows;
  tiling.numBlockCols = cols / blockCols;
  tiling.numSlices = weight.getNumElements() / (rows * cols);
  return tiling;
}

void mlir::prune::recordSparsity(const Weight &weight, SparsityAttr pattern,
                                 double ratio) {
  MLIRContext *ctx = weight.op.getContext();
  // Keep the recorded ratio in [0, 1) even for an all-zero weight.
  ratio = std::min(ratio, std::nextafter(1.0, 0.0));
  auto withRatio = [&](std::optional<int64_t> dim,
                       std::optional<int64_t> operand) {
    return SparsityAttr::get(ctx, pattern.getPattern(), pattern.getN(),
                             pattern.getM(), dim, pattern.getBlock(),
                             pattern.getHeads(), getRatioAttr(ctx, ratio),
                             operand);
  };
  weight.op->setAttr(PruneDialect::kSparsityAttrName,
                     withRatio(pattern.getDim(), std::nullopt));
  for (const WeightUse &use : weight.uses) {
    std::optional<int64_t> dim;
    if (pattern.getDim()) {
      int64_t operandDim = use.getOperandDim(*pattern.getDim());
      if (operandDim >= 0)
        dim = operandDim;
    }
    use.consumer->setAttr(PruneDialect::kSparsityAttrName,
                          withRatio(dim, use.operandNumber));
  }
}

void mlir::prune::remarkSkipped(const Weight &weight, const Twine &why) {
  weight.op.emitRemark("weight '") << weight.name << "' left dense: " << why;
}

/// Scores of every block of `tiling` under `metric`.
static LogicalResult getBlockScores(const Weight &weight,
                                    const WeightData &data,
                                    const BlockTiling &tiling,
                                    const MetricChoice &metric,
                                    std::vector<float> &scores) {
  int64_t numBlocks = tiling.getNumBlocks();
  if (metric.computed) {
    std::vector<double> sums(numBlocks, 0.0);
    bool l1 = *metric.computed == Metric::L1;
    bool hasNaN = false;
    tiling.forEachElement([&](int64_t block, int64_t e) {
      float v = data.get(e);
      hasNaN |= std::isnan(v);
      sums[block] += l1 ? std::fabs(v) : static_cast<double>(v) * v;
    });
    if (hasNaN)
      return weight.op.emitError("weight '")
             << weight.name << "' contains NaN; refusing to rank it";
    scores.resize(numBlocks);
    for (int64_t b = 0; b < numBlocks; ++b)
      scores[b] = static_cast<float>(l1 ? sums[b] : std::sqrt(sums[b]));
    return success();
  }
  ImportanceAttr importance = getAttachedImportance(weight.op);
  if (!importance || importance.getGranularity() != Granularity::Block ||
      (!metric.anyAttached && importance.getMetric() != *metric.attached))
    return weight.op.emitError("weight '")
           << weight.name
           << "' has no attached block-granularity #prune.importance for "
              "the requested metric";
  if (importance.getBlock()[0] != tiling.blockRows ||
      importance.getBlock()[1] != tiling.blockCols ||
      cast<ShapedType>(importance.getScores().getType()).getNumElements() !=
          numBlocks)
    return weight.op.emitError("attached block importance of '")
           << weight.name << "' does not match the requested "
           << tiling.blockRows << "x" << tiling.blockCols << " blocks";
  if (auto resource =
          dyn_cast<DenseResourceElementsAttr>(importance.getScores())) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() !=
                     static_cast<size_t>(numBlocks) * sizeof(float))
      return weight.op.emitError("importance scores '")
             << resource.getRawHandle().getKey()
             << "' are missing or of the wrong size";
  }
  readScores(importance.getScores(), scores);
  if (llvm::any_of(scores, [](float s) { return std::isnan(s); }))
    return weight.op.emitError("importance scores of '")
           << weight.name << "' contain NaN";
  return success();
}

MaskResult mlir::prune::computePatternMask(const Weight &weight,
                                           const WeightData &data,
                                           SparsityAttr pattern,
                                           const MetricChoice &metric,
                                           MutableArrayRef<uint8_t> keep) {
  MaskResult result;
  MLIRContext *ctx = weight.op.getContext();
  auto fail = [&]() {
    result.kind = MaskResult::Failed;
    return result;
  };
  auto skip = [&](const Twine &why) {
    result.kind = MaskResult::Skipped;
    result.why = why.str();
    return result;
  };
  ArrayRef<int64_t> shape = weight.type.getShape();
  switch (pattern.getPattern()) {
  case SparsityKind::Unstructured: {
    if (!pattern.getRatio()) {
      weight.op.emitError("unstructured sparsity needs a 'ratio'");
      return fail();
    }
    std::vector<float> scores;
    if (failed(getElementScores(weight, data, metric, scores)))
      return fail();
    pruneLowest(scores, roundHalfEven(pattern.getRatio().getValueAsDouble() *
                                      data.size()),
                keep);
    result.resolved = pattern;
    return result;
  }
  case SparsityKind::NM: {
    int64_t dim = pattern.getDim() ? *pattern.getDim() : weight.reductionDim;
    if (dim < 0)
      return skip("it has no single reduction dim to group along");
    int64_t n = *pattern.getN(), m = *pattern.getM();
    if (shape[dim] % m != 0)
      return skip(Twine("dim ") + Twine(dim) + " (size " + Twine(shape[dim]) +
                  ") does not divide into groups of " + Twine(m));
    std::vector<float> scores;
    if (failed(getElementScores(weight, data, metric, scores)))
      return fail();
    computeNMMask(shape, dim, n, m, scores, keep);
    result.resolved = SparsityAttr::get(ctx, SparsityKind::NM, n, m, dim, {},
                                        std::nullopt, FloatAttr(),
                                        std::nullopt);
    return result;
  }
  case SparsityKind::Block: {
    if (!pattern.getRatio()) {
      weight.op.emitError("block sparsity needs a 'ratio'");
      return fail();
    }
    std::string why;
    FailureOr<BlockTiling> tiling = getBlockTiling(
        weight, pattern.getBlock()[0], pattern.getBlock()[1], why);
    if (failed(tiling))
      return skip(why);
    std::vector<float> scores;
    if (failed(getBlockScores(weight, data, *tiling, metric, scores)))
      return fail();
    std::vector<uint8_t> blockKeep(scores.size(), 1);
    pruneLowest(scores, roundHalfEven(pattern.getRatio().getValueAsDouble() *
                                      scores.size()),
                blockKeep);
    tiling->forEachElement([&](int64_t block, int64_t e) {
      if (!blockKeep[block])
        keep[e] = 0;
    });
    result.resolved = pattern;
    return result;
  }
  default:
    weight.op.emitError("pattern '")
        << stringifySparsityKind(pattern.getPattern())
        << "' removes whole structures; fine-grained pruning cannot carry "
           "it out";
    return fail();
  }
}

/// The achieved ratio of `plan`: the fraction of zero elements, or for a
/// block pattern the fraction of all-zero tiles.
static double getAchievedRatio(const PlannedMask &plan) {
  auto isZero = [&](int64_t e) { return !plan.keep[e] || plan.data.isZero(e); };
  if (plan.pattern.getPattern() == SparsityKind::Block) {
    std::string why;
    FailureOr<BlockTiling> tiling =
        getBlockTiling(*plan.weight, plan.pattern.getBlock()[0],
                       plan.pattern.getBlock()[1], why);
    if (succeeded(tiling) && tiling->getNumBlocks() > 0) {
      std::vector<uint8_t> live(tiling->getNumBlocks(), 0);
      tiling->forEachElement([&](int64_t block, int64_t e) {
        if (!isZero(e))
          live[block] = 1;
      });
      int64_t zeroBlocks = std::count(live.begin(), live.end(), 0);
      return static_cast<double>(zeroBlocks) / live.size();
    }
  }
  int64_t zeros = 0;
  for (int64_t e = 0, n = plan.data.size(); e < n; ++e)
    zeros += isZero(e);
  return plan.data.size() ? static_cast<double>(zeros) / plan.data.size()
                          : 0.0;
}

void mlir::prune::commitMasks(MutableArrayRef<PlannedMask> plans) {
  for (PlannedMask &plan : plans) {
    double ratio = getAchievedRatio(plan);
    writeMasked(plan.weight->op, plan.data, plan.keep);
    recordSparsity(*plan.weight, plan.pattern, ratio);
  }
}

LogicalResult mlir::prune::pruneEveryWeight(ModuleOp module,
                                            const WeightDiscovery &discovery,
                                            SparsityAttr pattern,
                                            const MetricChoice &metric) {
  // Weights that exclude= left out were found: nothing to do is no error.
  if (discovery.getWeights().empty() && discovery.getNumExcluded() == 0)
    return module.emitError(
        "found no constant weights feeding a contraction or convolution; "
        "nothing to prune");
  SmallVector<PlannedMask> plans;
  bool anyFailed = false;
  for (const Weight &weight : discovery.getWeights()) {
    FailureOr<WeightData> data = WeightData::get(weight.op);
    if (failed(data)) {
      anyFailed = true;
      continue;
    }
    std::vector<uint8_t> keep(data->size(), 1);
    MaskResult result =
        computePatternMask(weight, *data, pattern, metric, keep);
    if (result.kind == MaskResult::Failed) {
      anyFailed = true;
      continue;
    }
    if (result.kind == MaskResult::Skipped) {
      remarkSkipped(weight, result.why);
      continue;
    }
    plans.push_back({&weight, *data, std::move(keep), result.resolved});
  }
  if (anyFailed)
    return failure();
  commitMasks(plans);
  return success();
}

double mlir::prune::getFlops(linalg::LinalgOp op) {
  double flops = 2.0;
  for (int64_t range : op.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(range))
      return 0.0;
    flops *= static_cast<double>(range);
  }
  return flops;
}

double mlir::prune::getTotalFlops(Operation *root) {
  double total = 0.0;
  root->walk([&](linalg::LinalgOp op) {
    if (isPrunableConsumer(op))
      total += getFlops(op);
  });
  return total;
}

void mlir::prune::recordStructuralBaseline(func::FuncOp func,
                                           const WeightDiscovery &discovery) {
  if (func->hasAttr(PruneDialect::kDenseFlopsAttrName))
    return;
  Builder builder(func.getContext());
  int64_t params = 0;
  for (const Weight &weight : discovery.getWeights())
    if (weight.op->getParentOfType<func::FuncOp>() == func)
      params += weight.getNumElements();
  func->setAttr(PruneDialect::kDenseFlopsAttrName,
                builder.getF64FloatAttr(getTotalFlops(func)));
  func->setAttr(PruneDialect::kDenseParamsAttrName,
                builder.getI64IntegerAttr(params));
}

void mlir::prune::recordRemoved(func::FuncOp func, StringRef kind,
                                int64_t count) {
  if (count <= 0)
    return;
  Builder builder(func.getContext());
  NamedAttrList entries;
  if (auto old =
          func->getAttrOfType<DictionaryAttr>(PruneDialect::kRemovedAttrName))
    entries.append(old.getValue());
  int64_t previous = 0;
  if (auto prev = dyn_cast_or_null<IntegerAttr>(entries.get(kind)))
    previous = prev.getInt();
  entries.set(kind, builder.getI64IntegerAttr(previous + count));
  func->setAttr(PruneDialect::kRemovedAttrName,
                entries.getDictionary(func.getContext()));
}

void mlir::prune::eraseUnused(Operation *root) {
  bool erased = true;
  while (erased) {
    erased = false;
    SmallVector<Operation *> dead;
    root->walk([&](Operation *op) {
      if (op != root && op->getNumResults() && isOpTriviallyDead(op))
        dead.push_back(op);
    });
    for (Operation *op : llvm::reverse(dead))
      if (isOpTriviallyDead(op)) {
        op->erase();
        erased = true;
      }
  }
}
