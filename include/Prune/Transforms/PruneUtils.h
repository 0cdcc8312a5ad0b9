//===- PruneUtils.h - shared mechanics of the pruning passes ----*- C++ -*-===//
//
// Part of mlir-prune. Scoring, ranking (with one documented tie-break rule),
// mask construction and recording of the achieved pattern, shared by every
// fine-grained pruning pass so that each pass only decides *what* to keep.
//
// Tie-break rule (all passes): importance orders elements by score, higher
// first; among equal scores the element with the lower row-major index is
// more important. Pruning removes the least important first.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_TRANSFORMS_PRUNEUTILS_H
#define PRUNE_TRANSFORMS_PRUNEUTILS_H

#include "Prune/Analysis/WeightData.h"
#include "Prune/Analysis/WeightDiscovery.h"
#include "Prune/Dialect/Prune/IR/PruneDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <vector>

namespace mlir::prune {

/// Python's round(): round half to even.
int64_t roundHalfEven(double value);

/// Checks a ratio option; emits an error at `loc` when outside [0, 1).
LogicalResult checkRatio(Location loc, double ratio,
                         StringRef option = "ratio");

/// How a pass was asked to score elements.
struct MetricChoice {
  /// Set when the pass computes the metric itself (l1 / l2).
  std::optional<Metric> computed;
  /// Set when scores come from an attached #prune.importance with this
  /// metric; `anyAttached` accepts any metric.
  std::optional<Metric> attached;
  bool anyAttached = false;
};

/// Parses a `metric=` option. Emits an error at `loc` for unknown names.
FailureOr<MetricChoice> parseMetricOption(Location loc, StringRef name);

/// Per-element scores of `weight` (higher = more important). Uses an
/// attached weight-granularity #prune.importance when `choice` asks for
/// one; emits an error at the weight when it is missing or does not fit,
/// and when the data holds NaN.
LogicalResult getElementScores(const Weight &weight, const WeightData &data,
                               const MetricChoice &choice,
                               std::vector<float> &scores);

/// Returns the attached #prune.importance of `op`, if any.
ImportanceAttr getAttachedImportance(Operation *op);

/// Reads an f32 scores attribute into `out`.
void readScores(ElementsAttr scores, std::vector<float> &out);

/// Marks in `keep` (1 = keep) the `numPrune` least important of `scores`.
void pruneLowest(ArrayRef<float> scores, int64_t numPrune,
                 MutableArrayRef<uint8_t> keep);

/// The N:M mask along `dim` of a tensor of `shape`: in every group of `m`
/// consecutive elements along `dim`, keep the `n` with the highest scores.
/// `shape[dim]` must divide by `m`.
void computeNMMask(ArrayRef<int64_t> shape, int64_t dim, int64_t n, int64_t m,
                   ArrayRef<float> scores, MutableArrayRef<uint8_t> keep);

/// The tiling of a weight into blocks of its (output x reduction) view: one
/// `rows x cols` matrix per combination of the other dims.
struct BlockTiling {
  SmallVector<int64_t> shape;
  int64_t rowDim = -1, colDim = -1;
  int64_t blockRows = 0, blockCols = 0;
  /// Number of blocks along rows and columns, and number of matrices.
  int64_t numBlockRows = 0, numBlockCols = 0, numSlices = 0;
  int64_t getNumBlocks() const {
    return numSlices * numBlockRows * numBlockCols;
  }
  /// Calls `fn(block, element)` for every element, where `block` is the
  /// row-major index of the block in [numSlices, numBlockRows,
  /// numBlockCols].
  void forEachElement(function_ref<void(int64_t, int64_t)> fn) const;
};

/// Builds the block tiling of `weight`, or returns failure with a reason.
FailureOr<BlockTiling> getBlockTiling(const Weight &weight, int64_t blockRows,
                                      int64_t blockCols, std::string &why);

/// The outcome of computing a mask for a requested pattern.
struct MaskResult {
  enum Kind { Ok, Skipped, Failed } kind = Ok;
  /// Why the weight cannot take the pattern (Skipped).
  std::string why;
  /// The pattern to record, with every field resolved (e.g. the N:M dim).
  SparsityAttr resolved;
};

/// Computes in `keep` (1 = keep; must start all ones) the mask that carries
/// out the fine-grained `pattern` (unstructured, nm or block; dims in the
/// constant's coordinates) on `weight`, scoring with `metric`. Scoring
/// errors are emitted and give Failed; a weight whose shape cannot take the
/// pattern gives Skipped with a reason, and the caller decides between a
/// remark and an error.
MaskResult computePatternMask(const Weight &weight, const WeightData &data,
                              SparsityAttr pattern, const MetricChoice &metric,
                              MutableArrayRef<uint8_t> keep);

/// Records `pattern` (in the constant's coordinates) with the achieved
/// `ratio` (the fraction of zero elements, or of zero tiles for a block
/// pattern) on the weight constant, and the same pattern in operand
/// coordinates on every consumer.
void recordSparsity(const Weight &weight, SparsityAttr pattern, double ratio);

/// A mask computed for one weight, to be written once every weight of the
/// module has been checked (so that a failure leaves the module untouched).
struct PlannedMask {
  const Weight *weight;
  WeightData data;
  std::vector<uint8_t> keep;
  SparsityAttr pattern;
};

/// Writes every planned mask and records the achieved patterns.
void commitMasks(MutableArrayRef<PlannedMask> plans);

/// Carries out `pattern` on every weight of `discovery`: weights that cannot
/// take it get a remark and stay dense. Emits an error and changes nothing
/// when any weight fails, or when there are no weights at all.
LogicalResult pruneEveryWeight(ModuleOp module,
                               const WeightDiscovery &discovery,
                               SparsityAttr pattern,
                               const MetricChoice &metric);

/// 2 * the product of the static loop ranges of `op` (one multiply-add per
/// iteration), or 0 when a range is dynamic.
double getFlops(linalg::LinalgOp op);

/// FLOPs of every contraction and convolution under `root`.
double getTotalFlops(Operation *root);

/// Before the first structural change to `func`: records its FLOPs and the
/// parameters of its weights (prune.dense_flops / prune.dense_params).
void recordStructuralBaseline(func::FuncOp func,
                              const WeightDiscovery &discovery);

/// Adds `count` removed structures of `kind` to `func`'s prune.removed.
void recordRemoved(func::FuncOp func, StringRef kind, int64_t count);

/// Erases the side-effect-free ops under `root` that nothing uses (what
/// removing structures leaves behind).
void eraseUnused(Operation *root);

/// Emits the standard remark for a weight left dense.
void remarkSkipped(const Weight &weight, const Twine &why);

} // namespace mlir::prune

#endif // PRUNE_TRANSFORMS_PRUNEUTILS_H
