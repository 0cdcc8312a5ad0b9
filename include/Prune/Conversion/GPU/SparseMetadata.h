//===- SparseMetadata.h - 2:4 operands for mma.sp ---------------*- C++ -*-===//
//
// Part of mlir-prune. Compresses a 2:4-sparse f16/bf16 row-major [M, K]
// matrix into the values and the metadata that the sparse tensor-core MMA
// (PTX `mma.sp.sync.aligned.m16n8k16` / `m16n8k32`, `nvgpu.mma.sp.sync`)
// reads as its operand A.
//
// Values: [M, K/2] row-major, the two kept elements of every group of four
// in column order (a group with fewer than two non-zeros is padded with one
// of its zeros so that the two positions always differ).
//
// Metadata (PTX ISA 9.7.14.6, "Sparse matrix storage" and the f16/bf16
// metadata figures): for every group the two 2-bit positions of its kept
// elements, first position in the low bits, so one group is a nibble; the
// four groups covering 16 columns of one row form 16 bits, lowest column
// first. With sparsity selector 0, lane `4 * g + j` of the warp passes
// (j < 1 for m16n8k16, j < 2 for m16n8k32) one 32-bit register holding
// row `g` of the 16-row tile in bits [15:0] and row `g + 8` in bits [31:16],
// for columns [16 * j, 16 * j + 16) of the tile's k-slice.
//
// The metadata is stored as that register image: [M/16, K/kTile, 32] i32,
// element [mt, kt, lane] is the register lane `lane` passes to the MMA of
// row tile `mt` and k tile `kt`; lanes that pass no metadata hold 0. A
// kernel loads it with one coalesced 32-bit load per lane.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_CONVERSION_GPU_SPARSEMETADATA_H
#define PRUNE_CONVERSION_GPU_SPARSEMETADATA_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace mlir::prune::mmasp {

/// The result of compress24.
struct Sparse24Operand {
  int64_t rows = 0, cols = 0;
  /// The k extent of one MMA (16 or 32).
  int64_t kTile = 16;
  /// [rows, cols/2] raw 16-bit elements.
  std::vector<uint16_t> values;
  /// [rows/16, cols/kTile, 32] metadata registers.
  std::vector<uint32_t> metadata;
};

/// The first group of four that holds more than two non-zeros.
struct Not24Error {
  int64_t row = 0, group = 0, nonZeros = 0;
};

/// Number of metadata registers for a [rows, cols] operand.
inline int64_t getNumMetadataWords(int64_t rows, int64_t cols, int64_t kTile) {
  return (rows / 16) * (cols / kTile) * 32;
}

/// Returns true when compress24 accepts the shape: rows a multiple of 16,
/// cols a multiple of kTile, kTile 16 or 32.
bool isValid24Shape(int64_t rows, int64_t cols, int64_t kTile);

/// Compresses the [rows, cols] row-major 16-bit elements `data` (f16 or
/// bf16 bit patterns; +0.0 and -0.0 are zeros). Fails with the first group
/// that is not 2:4; never returns a wrong compression. The shape must be
/// valid (isValid24Shape).
FailureOr<Sparse24Operand> compress24(ArrayRef<uint16_t> data, int64_t rows,
                                      int64_t cols, int64_t kTile,
                                      Not24Error *error = nullptr);

/// Inverse of compress24 (for tests and checks): the dense [rows, cols]
/// elements.
std::vector<uint16_t> decompress24(const Sparse24Operand &op);

} // namespace mlir::prune::mmasp

#endif // PRUNE_CONVERSION_GPU_SPARSEMETADATA_H
