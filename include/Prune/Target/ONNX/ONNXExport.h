//===- ONNXExport.h - linalg-on-tensors to ONNX -----------------*- C++ -*-===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//
//
// Exports one func.func of linalg-on-tensors (what the ONNX importer emits,
// after pruning and structural shrinking) as an ONNX ModelProto (opset 17):
// named linalg ops become their ONNX nodes (MatMul, Conv with the preceding
// tensor.pad folded into its pads, MaxPool / AveragePool, Transpose),
// elementwise linalg.generics become one ONNX node per scalar op of their
// body (with Relu / Sigmoid recognised), reductions become ReduceSum /
// ReduceMax, tensor reshapes / pads / slices / concats their ONNX ops, and
// constants become initializers with their current (shrunk) shapes. Shapes
// must be static and elements f32. An op without an ONNX mapping is a
// located error and nothing is returned.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_TARGET_ONNX_ONNXEXPORT_H
#define PRUNE_TARGET_ONNX_ONNXEXPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir {
namespace prune {

struct ONNXExportOptions {
  /// Function to export; empty: the module's only public function.
  std::string funcName;
  /// Graph name written into the model.
  std::string graphName = "mlir-prune";
};

/// Serializes the chosen function of `module` as ONNX protobuf bytes into
/// `bytes`. On failure, emits located errors and leaves `bytes` empty.
LogicalResult exportONNX(ModuleOp module, std::string &bytes,
                         const ONNXExportOptions &options);

} // namespace prune
} // namespace mlir

#endif // PRUNE_TARGET_ONNX_ONNXEXPORT_H
