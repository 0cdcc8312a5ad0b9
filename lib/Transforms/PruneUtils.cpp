//===- PruneUtils.cpp - shared mechanics of the pruning passes ------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/Transforms/PruneUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Threading.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <cstring>
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
    return emitError(loc)
           << "'" << option << "' must be in [0, 1), got "
           << llvm::formatv("{0}", llvm::format("%g", ratio)).str();
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
  if (choice.computed && data.getElementType().isF32() && !data.isSplat()) {
    bool l1 = *choice.computed == Metric::L1;
    scores.resize(data.size());
    const float *__restrict raw =
        reinterpret_cast<const float *>(data.getRaw().data());
    float *__restrict out = scores.data();
    int64_t e = data.size();
    int nan = 0;
    if (l1) {
      for (int64_t i = 0; i < e; ++i) {
        nan |= raw[i] != raw[i];
        out[i] = std::fabs(raw[i]);
      }
    } else {
      for (int64_t i = 0; i < e; ++i) {
        nan |= raw[i] != raw[i];
        out[i] = raw[i] * raw[i];
      }
    }
    if (nan)
      return weight.op.emitError("weight '")
             << weight.name << "' contains NaN; refusing to rank it";
    return success();
  }
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
  if (auto resource =
          dyn_cast<DenseResourceElementsAttr>(importance.getScores())) {
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

/// A uint32 whose unsigned order is the float order of `v` (-0 == +0; NaN
/// never reaches here: getElementScores rejects it).
static inline uint32_t orderKey(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  if (bits == 0x80000000u)
    bits = 0;
  return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}

/// The key of rank `rank` (0-based) among key(0..n), found by radix select:
/// two passes of a 16-bit histogram.
template <typename KeyFn>
static uint32_t radixSelect(int64_t n, KeyFn key, int64_t rank) {
  std::vector<int64_t> hist(1 << 16);
  for (int64_t i = 0; i < n; ++i)
    ++hist[key(i) >> 16];
  uint32_t hi = 0;
  while (rank >= hist[hi])
    rank -= hist[hi++];
  std::fill(hist.begin(), hist.end(), 0);
  for (int64_t i = 0; i < n; ++i) {
    uint32_t k = key(i);
    if ((k >> 16) == hi)
      ++hist[k & 0xffff];
  }
  uint32_t lo = 0;
  while (rank >= hist[lo])
    rank -= hist[lo++];
  return (hi << 16) | lo;
}

/// Prunes (sets keep to 0) the `numPrune` elements with the least keys;
/// among equal keys the higher index goes first (lessImportant's order).
template <typename KeyFn>
static void pruneLowestKeys(int64_t n, KeyFn key, int64_t numPrune,
                            MutableArrayRef<uint8_t> keep) {
  if (numPrune <= 0)
    return;
  if (numPrune >= n) {
    std::fill(keep.begin(), keep.end(), 0);
    return;
  }
  uint8_t *kp = keep.data();
  // (key, reversed index): ascending order is lessImportant's order.
  auto composite = [](uint32_t k, int64_t i) {
    return (static_cast<uint64_t>(k) << 32) |
           (0xffffffffu - static_cast<uint32_t>(i));
  };
  auto indexOf = [](uint64_t c) {
    return static_cast<int64_t>(0xffffffffu - static_cast<uint32_t>(c));
  };
  auto pruneCandidates = [&](std::vector<uint64_t> &cand, int64_t need) {
    if (need < static_cast<int64_t>(cand.size()))
      std::nth_element(cand.begin(), cand.begin() + need, cand.end());
    for (int64_t j = 0; j < need; ++j)
      kp[indexOf(cand[j])] = 0;
  };
  constexpr int64_t kSample = 1 << 13;
  bool indexFits = n <= 0xffffffffll;
  if (indexFits && n <= 8 * kSample) {
    std::vector<uint64_t> cand(n);
    for (int64_t i = 0; i < n; ++i)
      cand[i] = composite(key(i), i);
    pruneCandidates(cand, numPrune);
    return;
  }
  if (indexFits) {
    // A sample brackets the threshold; one pass prunes what is below the
    // bracket and collects what is inside it (a few percent); the exact
    // cut among those comes from nth_element.
    std::vector<uint32_t> sample(kSample);
    uint64_t state = 0x9E3779B97F4A7C15ull ^ static_cast<uint64_t>(n);
    for (int64_t j = 0; j < kSample; ++j) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      sample[j] = key(static_cast<int64_t>(state % static_cast<uint64_t>(n)));
    }
    std::sort(sample.begin(), sample.end());
    double q = (static_cast<double>(numPrune) - 0.5) / n;
    double margin = 5.0 * std::sqrt(kSample * q * (1 - q)) + 32;
    int64_t at = static_cast<int64_t>(q * kSample);
    int64_t loAt = at - static_cast<int64_t>(margin);
    int64_t hiAt = at + static_cast<int64_t>(margin);
    uint32_t lo = loAt <= 0 ? 0u : sample[loAt];
    uint32_t hi = hiAt >= kSample - 1 ? ~0u : sample[hiAt];
    // Per block: a branch-free pass (vectorizes) prunes what lies below the
    // bracket and counts what lies inside; a second look at the block, hot
    // in cache, collects those.
    constexpr int64_t kBlock = 4096;
    std::vector<uint64_t> cand;
    cand.reserve(static_cast<size_t>(n * 2.5 * margin / kSample) + kBlock);
    int64_t below = 0;
    uint32_t width = hi - lo;
    for (int64_t b = 0; b < n; b += kBlock) {
      int64_t e = std::min(n, b + kBlock);
      uint32_t belowBlock = 0, insideBlock = 0;
      for (int64_t i = b; i < e; ++i) {
        uint32_t k = key(i);
        belowBlock += k < lo;
        insideBlock += k - lo <= width;
        kp[i] &= static_cast<uint8_t>(k >= lo);
      }
      below += belowBlock;
      if (insideBlock == 0)
        continue;
      for (int64_t i = b; i < e; ++i) {
        uint32_t k = key(i);
        if (k - lo <= width)
          cand.push_back(composite(k, i));
      }
    }
    int64_t inside = cand.size();
    int64_t need = numPrune - below;
    if (need >= 0 && need <= inside) {
      pruneCandidates(cand, need);
      return;
    }
    // The bracket missed (a strange distribution): undo, do it exactly.
    for (int64_t i = 0; i < n; ++i)
      kp[i] = 1;
  }
  uint32_t threshold = radixSelect(n, key, numPrune - 1);
  int64_t below = 0, ties = 0;
  for (int64_t i = 0; i < n; ++i) {
    uint32_t k = key(i);
    kp[i] &= static_cast<uint8_t>(k > threshold);
    below += k < threshold;
    ties += k == threshold;
  }
  int64_t tiesKept = ties - (numPrune - below);
  for (int64_t i = 0; i < n && tiesKept > 0; ++i)
    if (key(i) == threshold) {
      kp[i] = 1;
      --tiesKept;
    }
}

void mlir::prune::pruneLowest(ArrayRef<float> scores, int64_t numPrune,
                              MutableArrayRef<uint8_t> keep) {
  const float *sp = scores.data();
  pruneLowestKeys(
      scores.size(), [sp](int64_t i) { return orderKey(sp[i]); }, numPrune,
      keep);
}

/// Unstructured L1/L2 on f32 weights: keys straight from the weight bits,
/// with no score array. Returns failure (after the error) on NaN.
static LogicalResult pruneLowestF32(const Weight &weight,
                                    const WeightData &data, bool l1,
                                    int64_t numPrune,
                                    MutableArrayRef<uint8_t> keep) {
  const uint32_t *bits =
      reinterpret_cast<const uint32_t *>(data.getRaw().data());
  int64_t n = data.size();
  uint32_t nan = 0;
  for (int64_t i = 0; i < n; ++i)
    nan |= (bits[i] & 0x7fffffffu) > 0x7f800000u;
  if (nan)
    return weight.op.emitError("weight '")
           << weight.name << "' contains NaN; refusing to rank it";
  if (l1) {
    // |w| is non-negative: its bits order like the value (-0 -> +0).
    pruneLowestKeys(
        n, [bits](int64_t i) { return (bits[i] & 0x7fffffffu) | 0x80000000u; },
        numPrune, keep);
  } else {
    const float *w = reinterpret_cast<const float *>(bits);
    pruneLowestKeys(
        n, [w](int64_t i) { return orderKey(w[i] * w[i]); }, numPrune, keep);
  }
  return success();
}

void mlir::prune::computeNMMask(ArrayRef<int64_t> shape, int64_t dim, int64_t n,
                                int64_t m, ArrayRef<float> scores,
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
    int64_t block =
        (slice * numBlockRows + coord[rowDim] / blockRows) * numBlockCols +
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
    int64_t numPrune =
        roundHalfEven(pattern.getRatio().getValueAsDouble() * data.size());
    if (metric.computed && data.getElementType().isF32() && !data.isSplat()) {
      if (failed(pruneLowestF32(weight, data, *metric.computed == Metric::L1,
                                numPrune, keep)))
        return fail();
      result.resolved = pattern;
      return result;
    }
    std::vector<float> scores;
    if (failed(getElementScores(weight, data, metric, scores)))
      return fail();
    pruneLowest(scores, numPrune, keep);
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
    result.resolved =
        SparsityAttr::get(ctx, SparsityKind::NM, n, m, dim, {}, std::nullopt,
                          FloatAttr(), std::nullopt);
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
    pruneLowest(
        scores,
        roundHalfEven(pattern.getRatio().getValueAsDouble() * scores.size()),
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
  return plan.data.size() ? static_cast<double>(zeros) / plan.data.size() : 0.0;
}

/// Indices of `sizes`, largest first (for load balance).
static SmallVector<size_t> largestFirst(ArrayRef<int64_t> sizes) {
  SmallVector<size_t> order(sizes.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return sizes[a] > sizes[b]; });
  return order;
}

void mlir::prune::commitMasks(MutableArrayRef<PlannedMask> plans) {
  if (plans.empty())
    return;
  Operation *root = plans.front().weight->op;
  while (Operation *parent = root->getParentOp())
    root = parent;
  // A blob other ops still read when a plan is written (in plan order:
  // earlier plans on the same blob have moved to blobs of their own by then)
  // is left alone; see writeMasked.
  DenseMap<void *, unsigned> users = countResourceUsers(root);
  SmallVector<int64_t> sizes;
  SmallVector<double> ratios(plans.size());
  SmallVector<bool> shared(plans.size());
  // Weights are written in parallel unless two plans write one buffer.
  DenseSet<const char *> buffers;
  bool serial = false;
  for (auto [i, plan] : llvm::enumerate(plans)) {
    sizes.push_back(plan.data.size());
    if (auto resource =
            dyn_cast<DenseResourceElementsAttr>(plan.weight->op.getValue())) {
      unsigned &left = users[resource.getRawHandle().getResource()];
      shared[i] = left > 1;
      if (left > 0)
        --left;
    }
    serial |= !buffers.insert(plan.data.getRaw().data()).second;
    // A block pattern records its fraction of zero tiles.
    if (plan.pattern.getPattern() == SparsityKind::Block)
      ratios[i] = getAchievedRatio(plan);
  }
  auto write = [&](size_t i) {
    PlannedMask &plan = plans[i];
    int64_t zeros =
        writeMasked(plan.weight->op, plan.data, plan.keep, shared[i]);
    if (plan.pattern.getPattern() != SparsityKind::Block)
      ratios[i] = plan.data.size()
                      ? static_cast<double>(zeros) / plan.data.size()
                      : 0.0;
    std::vector<uint8_t>().swap(plan.keep);
  };
  if (serial) {
    for (size_t i = 0; i < plans.size(); ++i)
      write(i);
  } else {
    parallelForEach(root->getContext(), largestFirst(sizes), write);
  }
  for (auto [plan, ratio] : llvm::zip(plans, ratios))
    recordSparsity(*plan.weight, plan.pattern, ratio);
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
  bool anyFailed = false;
  SmallVector<const Weight *> weights;
  SmallVector<WeightData> datas;
  SmallVector<int64_t> sizes;
  for (const Weight &weight : discovery.getWeights()) {
    FailureOr<WeightData> data = WeightData::get(weight.op);
    if (failed(data)) {
      anyFailed = true;
      continue;
    }
    weights.push_back(&weight);
    datas.push_back(*data);
    sizes.push_back(data->size());
  }
  if (anyFailed)
    return failure();
  // Masks are computed in parallel, largest weight first; errors come out in
  // weight order.
  SmallVector<MaskResult> results(weights.size());
  std::vector<std::vector<uint8_t>> keeps(weights.size());
  {
    ParallelDiagnosticHandler handler(module.getContext());
    parallelForEach(module.getContext(), largestFirst(sizes), [&](size_t i) {
      handler.setOrderIDForThread(i);
      keeps[i].assign(datas[i].size(), 1);
      results[i] =
          computePatternMask(*weights[i], datas[i], pattern, metric, keeps[i]);
      handler.eraseOrderIDForThread();
    });
  }
  SmallVector<PlannedMask> plans;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (results[i].kind == MaskResult::Failed) {
      anyFailed = true;
      continue;
    }
    if (results[i].kind == MaskResult::Skipped) {
      remarkSkipped(*weights[i], results[i].why);
      continue;
    }
    plans.push_back(
        {weights[i], datas[i], std::move(keeps[i]), results[i].resolved});
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
