//===- Calibration.h - calibration records on weights -----------*- C++ -*-===//
//
// Part of mlir-prune. The `prune.calibration` dictionary that
// prune-calibrate writes on a weight constant and prune-reconstruct reads
// (format: docs/data-aware.md), and helpers to store large arrays as
// `dense_resource` blobs.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_DATAAWARE_CALIBRATION_H
#define PRUNE_DATAAWARE_CALIBRATION_H

#include "Prune/Dialect/Prune/IR/PruneDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

#include <vector>

namespace mlir::prune {

/// Name of the calibration dictionary on a weight constant (verified by the
/// prune dialect; see docs/data-aware.md).
inline constexpr StringLiteral kCalibrationAttrName =
    PruneDialect::kCalibrationAttrName;

/// A `dense_resource` attribute of `type` holding a copy of `data` (whose
/// size must match), under a key derived from `key`.
DenseResourceElementsAttr makeResource(ShapedType type, StringRef key,
                                       ArrayRef<char> data);

/// A copy of the raw bytes of a `dense` (splats expanded) or `dense_resource`
/// attribute, or failure when a blob is missing or has the wrong size, or
/// the element type is not `elementType`.
FailureOr<std::vector<char>> getRawData(ElementsAttr attr, Type elementType);

} // namespace mlir::prune

#endif // PRUNE_DATAAWARE_CALIBRATION_H
