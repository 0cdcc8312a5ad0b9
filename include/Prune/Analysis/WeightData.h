//===- WeightData.h - read and rewrite weight constants ---------*- C++ -*-===//
//
// Part of mlir-prune. Element access to `dense` and `dense_resource` weight
// constants that works on the raw buffer: no per-element attributes, so a
// 100M-parameter model stays fast.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_ANALYSIS_WEIGHTDATA_H
#define PRUNE_ANALYSIS_WEIGHTDATA_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"

#include <vector>

namespace mlir::prune {

class WeightData {
public:
  /// Reads the data of `op`. Emits an error at `op` and fails when a
  /// dense_resource blob is missing or has the wrong size, or when the
  /// element type is not f16, bf16, f32, f64 or a signless integer.
  static FailureOr<WeightData> get(arith::ConstantOp op);

  int64_t size() const { return numElements; }
  Type getElementType() const { return elementType; }
  unsigned getElementBytes() const { return elementBytes; }
  bool isSplat() const { return splat; }
  /// The raw bytes (one element for a splat).
  ArrayRef<char> getRaw() const { return raw; }

  /// Element `i` converted to float.
  float get(int64_t i) const;
  /// All elements as float.
  void toFloat(std::vector<float> &out) const;
  /// Number of elements whose bits are not all zero (+0.0 and -0.0 count as
  /// zero for floats).
  int64_t countNonZeros() const;
  /// True if element `i` is zero.
  bool isZero(int64_t i) const;

private:
  ArrayRef<char> raw;
  Type elementType;
  unsigned elementBytes = 0;
  int64_t numElements = 0;
  bool splat = false;
};

/// Replaces the value of `op` with one where every element whose `keep` entry
/// is 0 is zero. A `dense` value stays `dense`; a `dense_resource` value keeps
/// its key and gets the new data (in place when its blob is mutable and no
/// other op reads it). Returns the number of zero elements of the new value.
int64_t writeMasked(arith::ConstantOp op, const WeightData &data,
                    ArrayRef<uint8_t> keep);

/// The same, with `shared` (whether an op other than `op` refers to its
/// dense_resource blob) computed by the caller: see countResourceUsers. Safe
/// to call for different ops from several threads at once.
int64_t writeMasked(arith::ConstantOp op, const WeightData &data,
                    ArrayRef<uint8_t> keep, bool shared);

/// Replaces the value of `op` with `bytes` (raw little-endian data of the
/// constant's own type), with the same rules as writeMasked: a `dense_resource`
/// keeps its key and is written in place when its blob is mutable and read by
/// no other op; a shared blob keeps its data and `op` gets a blob of its own.
void writeValues(arith::ConstantOp op, ArrayRef<char> bytes);

/// The number of ops under `root` whose attributes refer to each
/// dense_resource blob (keyed by DenseResourceElementsHandle::getResource()),
/// in one walk.
DenseMap<void *, unsigned> countResourceUsers(Operation *root);

/// A value of type `type` holding `bytes` (row-major, `type`'s element
/// type) to replace the value of `op` with (a new shape: sliced, reshaped or
/// permuted data). A `dense` value gives a `dense` one; a `dense_resource`
/// value keeps its key (the weight's name) and its blob gets the new data
/// when no other op reads it, else the new value gets a key of its own.
ElementsAttr makeReplacementValue(arith::ConstantOp op, RankedTensorType type,
                                  ArrayRef<char> bytes);

/// True if an op other than `op` (anywhere in the top-level op that holds
/// it) refers to the dense_resource blob of `resource`.
bool isResourceShared(arith::ConstantOp op, DenseResourceElementsAttr resource);

} // namespace mlir::prune

#endif // PRUNE_ANALYSIS_WEIGHTDATA_H
