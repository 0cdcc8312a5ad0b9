//===- WeightDiscovery.h - find the weights of a model ----------*- C++ -*-===//
//
// Part of mlir-prune. Finds the constant weights that feed contractions and
// convolutions, looking through the view-like ops importers put between a
// weight and its consumer, and says what each weight dimension means to the
// consumer. Every pass uses this; nothing else walks the IR for weights.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_ANALYSIS_WEIGHTDISCOVERY_H
#define PRUNE_ANALYSIS_WEIGHTDISCOVERY_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Operation.h"

#include <string>

namespace mlir::prune {

/// What one dimension of a weight is to the contraction that consumes it.
enum class DimRole {
  /// A parallel loop of the result that no other input has: neurons, output
  /// channels, filters (`n` of a matmul's right-hand side).
  Output,
  /// A reduction loop that the activation has too: `k` of a matmul, the input
  /// channel of a convolution.
  Reduction,
  /// A reduction loop the activation reaches through a window expression:
  /// the kernel rows/columns of a convolution.
  Window,
  /// A parallel loop shared with the activation and the result: batch dims,
  /// or the channel of a depthwise convolution.
  Batch,
  /// Anything else (or uses that disagree).
  Unknown,
};

StringRef stringifyDimRole(DimRole role);

/// One path from a weight constant to an input of a contraction.
struct WeightUse {
  mutable linalg::LinalgOp consumer;
  /// Operand number of the consumed input on `consumer`.
  unsigned operandNumber = 0;
  /// The view-like ops between the constant and the consumer, constant side
  /// first.
  SmallVector<Operation *> path;
  /// For every dim of the consumed operand, the constant dims it is made of
  /// (empty for dims a broadcast added).
  SmallVector<SmallVector<int64_t, 2>> operandToConst;
  /// For every constant dim, its role in this use.
  SmallVector<DimRole> roles;
  /// True when the consumer is a convolution (else a contraction).
  bool isConvolution = false;

  /// The operand dim that constant dim `constDim` alone maps to, or -1.
  int64_t getOperandDim(int64_t constDim) const;
};

/// A constant weight and every contraction it feeds.
struct Weight {
  mutable arith::ConstantOp op;
  /// The dense_resource key, or the name of a NameLoc, or `weight<N>`.
  std::string name;
  RankedTensorType type;
  SmallVector<WeightUse, 1> uses;
  /// Roles agreed by all uses (Unknown where they disagree).
  SmallVector<DimRole> roles;
  /// The single constant dim with role Output / Reduction, or -1.
  int64_t outputDim = -1;
  int64_t reductionDim = -1;

  ElementsAttr getValue() const { return cast<ElementsAttr>(op.getValue()); }
  int64_t getNumElements() const { return type.getNumElements(); }
  Location getLoc() const { return op.getLoc(); }
};

/// Finds the weights under `root`. Weights whose name or location matches
/// one of `exclude` (glob patterns) are left out.
class WeightDiscovery {
public:
  /// Finds the weights under `root`. A TOSA contraction or convolution
  /// (tosa.conv2d, tosa.matmul, ...) still in the IR gets a warning: its
  /// weights are not found until `prune-tosa-to-linalg` lowers it.
  explicit WeightDiscovery(Operation *root, ArrayRef<std::string> exclude = {});

  ArrayRef<Weight> getWeights() const { return weights; }
  MutableArrayRef<Weight> getWeights() { return weights; }
  /// The weight whose constant is `op`, or null.
  const Weight *lookup(Operation *op) const;
  /// The weights `consumer` reads, as (weight, use) pairs.
  SmallVector<std::pair<const Weight *, const WeightUse *>>
  getWeightsOf(Operation *consumer) const;
  /// The weight `consumer` reads as its operand `operand` and that use, or
  /// (null, null).
  std::pair<const Weight *, const WeightUse *>
  getWeightAt(Operation *consumer, unsigned operand) const;
  /// Number of weights left out by `exclude`.
  unsigned getNumExcluded() const { return numExcluded; }

private:
  SmallVector<Weight, 0> weights;
  DenseMap<Operation *, unsigned> index;
  unsigned numExcluded = 0;
};

/// Returns true if `op` is a contraction or convolution mlir-prune prunes.
bool isPrunableConsumer(Operation *op);

/// A readable, stable name for a weight constant (see Weight::name).
std::string getWeightName(arith::ConstantOp op, unsigned ordinal);

} // namespace mlir::prune

#endif // PRUNE_ANALYSIS_WEIGHTDISCOVERY_H
