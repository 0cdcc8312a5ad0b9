//===- ONNXImport.h - ONNX to linalg-on-tensors -----------------*- C++ -*-===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//
//
// Imports an ONNX model (protobuf bytes) as a builtin module holding one
// func.func of linalg-on-tensors, in the style torch-mlir emits and the
// pruning passes understand: weights are `arith.constant dense_resource<...>`
// named after their ONNX initializers, Gemm with transB is linalg.transpose +
// linalg.matmul, Conv is tensor.pad + linalg.conv_2d_nchw_fchw, BatchNorm is
// per-channel elementwise linalg.generics. Every op carries a NameLoc built
// from its ONNX node name. Shapes must be static (or pinned by the caller);
// shape arithmetic on constants (Shape, Cast, Gather, Slice, Concat, ...) is
// folded during import.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_TARGET_ONNX_ONNXIMPORT_H
#define PRUNE_TARGET_ONNX_ONNXIMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir {
namespace prune {

struct ONNXImportOptions {
  /// Name of the emitted function.
  std::string funcName = "forward";
  /// Shapes that replace the declared shapes of graph inputs (pins dynamic
  /// dims), by input name.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Directory that external-data locations are relative to.
  std::string baseDir;
  /// Name of the model file, for locations.
  std::string fileName = "<onnx>";
};

/// Parses `bytes` as an ONNX ModelProto and imports it. On failure, emits
/// located errors on `context` and returns null.
OwningOpRef<ModuleOp> importONNX(llvm::StringRef bytes, MLIRContext *context,
                                 const ONNXImportOptions &options);

/// Parses "name:d0,d1,..." into `options.inputShapes`; false if malformed.
bool parseInputShape(llvm::StringRef spec, ONNXImportOptions &options,
                     std::string &error);

} // namespace prune
} // namespace mlir

#endif // PRUNE_TARGET_ONNX_ONNXIMPORT_H
