//===- Passes.h - mlir-prune matrix-accelerator lowering --------*- C++ -*-===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_CONVERSION_ACCEL_PASSES_H
#define PRUNE_CONVERSION_ACCEL_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::prune {

#define GEN_PASS_DECL
#include "Prune/Conversion/Accel/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Prune/Conversion/Accel/Passes.h.inc"

} // namespace mlir::prune

#endif // PRUNE_CONVERSION_ACCEL_PASSES_H
