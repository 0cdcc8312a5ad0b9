//===- Npy.h - numpy .npy / .npz files --------------------------*- C++ -*-===//
//
// Part of mlir-prune. Reads and writes numpy's `.npy` format (versions 1.0,
// 2.0 and 3.0; little-endian f32, f64, i32, i64; C order) and reads the
// uncompressed `.npz` archives `numpy.savez` writes. Anything else (big
// endian, Fortran order, object arrays, compressed archives) is rejected
// with a message that says what was found.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_RUNTIME_NPY_H
#define PRUNE_RUNTIME_NPY_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <utility>
#include <vector>

namespace mlir::prune::npy {

enum class DType { F32, F64, I32, I64 };

/// numpy's name for `dtype` ("float32", ...).
llvm::StringRef getDTypeName(DType dtype);
/// Size of one element of `dtype` in bytes.
unsigned getDTypeBytes(DType dtype);

/// A C-order array with its raw little-endian bytes.
struct Array {
  DType dtype = DType::F32;
  llvm::SmallVector<int64_t> shape;
  std::vector<char> data;

  int64_t getNumElements() const;
  /// Element `i` converted to double.
  double getAsDouble(int64_t i) const;
  /// "float32 [4, 64]".
  std::string describe() const;
  /// An array of `shape` with zeroed data.
  static Array zeros(DType dtype, llvm::ArrayRef<int64_t> shape);
};

/// Parses the bytes of a `.npy` file; `name` is used in error messages.
llvm::Expected<Array> parseNpy(llvm::StringRef bytes, llvm::StringRef name);
/// Reads a `.npy` file.
llvm::Expected<Array> readNpy(llvm::StringRef path);
/// Serialises `array` as a version 1.0 `.npy` file.
std::string serializeNpy(const Array &array);
/// Writes `array` to `path` as a `.npy` file.
llvm::Error writeNpy(llvm::StringRef path, const Array &array);

/// Reads the members of an uncompressed `.npz` archive (as written by
/// `numpy.savez`), in archive order, with the `.npy` suffix dropped from
/// their names.
llvm::Expected<std::vector<std::pair<std::string, Array>>>
readNpz(llvm::StringRef path);

} // namespace mlir::prune::npy

#endif // PRUNE_RUNTIME_NPY_H
