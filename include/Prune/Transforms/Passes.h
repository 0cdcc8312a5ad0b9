//===- Passes.h - mlir-prune passes -----------------------------*- C++ -*-===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_TRANSFORMS_PASSES_H
#define PRUNE_TRANSFORMS_PASSES_H

#include "Prune/Dialect/Prune/IR/PruneDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::prune {

#define GEN_PASS_DECL
#include "Prune/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Prune/Transforms/Passes.h.inc"

} // namespace mlir::prune

#endif // PRUNE_TRANSFORMS_PASSES_H
