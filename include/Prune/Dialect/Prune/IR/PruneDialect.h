//===- PruneDialect.h - prune dialect ---------------------------*- C++ -*-===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_DIALECT_PRUNE_IR_PRUNEDIALECT_H
#define PRUNE_DIALECT_PRUNE_IR_PRUNEDIALECT_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"

#include <optional>

#include "Prune/Dialect/Prune/IR/PruneDialect.h.inc"
#include "Prune/Dialect/Prune/IR/PruneEnums.h.inc"

namespace mlir::prune {
// Custom parameter parsers/printers used by the generated attribute code.
FailureOr<FloatAttr> parseRatio(AsmParser &parser);
void printRatio(AsmPrinter &printer, FloatAttr value);
/// An f64 FloatAttr for `value`, or null.
FloatAttr getRatioAttr(MLIRContext *ctx, std::optional<double> value);
/// The value of a ratio attribute, or std::nullopt when null.
std::optional<double> getRatioValue(FloatAttr attr);
FailureOr<SmallVector<int64_t>> parseIntList(AsmParser &parser);
void printIntList(AsmPrinter &printer, ArrayRef<int64_t> values);
FailureOr<SmallVector<int64_t>> parseNMList(AsmParser &parser);
void printNMList(AsmPrinter &printer, ArrayRef<int64_t> values);
} // namespace mlir::prune

#define GET_ATTRDEF_CLASSES
#include "Prune/Dialect/Prune/IR/PruneAttrs.h.inc"

#endif // PRUNE_DIALECT_PRUNE_IR_PRUNEDIALECT_H
