//===- Jit.h - run a function of a module in-process ------------*- C++ -*-===//
//
// Part of mlir-prune. Lowers a module with the same pipeline as
// `mlir-opt --sparsifier` (built with the upstream pass-pipeline API),
// JIT-compiles it with the MLIR ExecutionEngine and calls one function on
// numpy arrays. Shared by `prune-run` and the calibration pass.
//
// The lowering runs on a copy of the module in a private MLIRContext, so the
// caller's IR is never changed and any dialect the pipeline needs is loaded
// there, not in the caller's (possibly multi-threaded) context.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_RUNTIME_JIT_H
#define PRUNE_RUNTIME_JIT_H

#include "Prune/Runtime/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
class ExecutionEngine;
namespace func {
class FuncOp;
} // namespace func

namespace prune {

/// The type of one argument or result of a JIT-compiled function.
struct TensorSpec {
  npy::DType dtype = npy::DType::F32;
  SmallVector<int64_t> shape;
  std::string describe() const;
};

/// Returns the spec of `type`, or failure when it is not a static-shape
/// ranked tensor of f32, f64, i32 or i64.
FailureOr<TensorSpec> getTensorSpec(Type type);

/// Checks that `func` can be JIT-called on numpy arrays: every argument and
/// result a static-shape ranked tensor of f32, f64, i32 or i64. Emits a
/// located error otherwise.
LogicalResult verifyJitSignature(func::FuncOp func);

class JitFunction {
public:
  ~JitFunction();

  /// Lowers a copy of `module` and compiles function `entry`. Emits located
  /// errors in `module`'s context (a missing entry, an unsupported signature,
  /// a lowering or compilation failure) and returns failure. `sharedLibs`
  /// are loaded into the JIT (libmlir_c_runner_utils is always loaded when
  /// found next to libMLIR).
  static FailureOr<std::unique_ptr<JitFunction>>
  create(ModuleOp module, StringRef entry,
         ArrayRef<std::string> sharedLibs = {});

  ArrayRef<TensorSpec> getArguments() const { return arguments; }
  ArrayRef<TensorSpec> getResults() const { return results; }

  /// Calls the function. Every input must have exactly the dtype and shape
  /// of its argument. The inputs are copied first: the compiled code may
  /// write into its argument buffers. Every buffer the call allocates
  /// (malloc / aligned_alloc from the compiled code) is freed once the
  /// results are copied out, so repeated calls do not grow memory.
  llvm::Expected<std::vector<npy::Array>>
  run(ArrayRef<const npy::Array *> inputs);

  /// Whether `run` frees the buffers the compiled code allocated and left
  /// (default; results are copied out first). Off only to measure the leak.
  void setFreeBuffers(bool value) { freeBuffers = value; }

private:
  JitFunction() = default;
  std::unique_ptr<ExecutionEngine> engine;
  std::string symbol;
  SmallVector<TensorSpec> arguments, results;
  bool freeBuffers = true;
};

/// Checks that every element of `array` is finite; otherwise an error that
/// names `what` and the first offending (row-major) index.
llvm::Error checkFinite(const npy::Array &array, StringRef what);

} // namespace prune
} // namespace mlir

#endif // PRUNE_RUNTIME_JIT_H
