//===- BlockSparseUtils.h - Accel block-sparse helpers ---------*- C++ -*-===//
//
// Part of mlir-prune. What prune-amx-block-sparse and prune-sme-block-sparse
// both need: the match of a static 2-D matmul whose right-hand side is a
// constant weight, element access to that weight as W[k][n], and the
// result buffer that starts as a copy of the matmul's init.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_LIB_CONVERSION_ACCEL_BLOCKSPARSEUTILS_H
#define PRUNE_LIB_CONVERSION_ACCEL_BLOCKSPARSEUTILS_H

#include "Prune/Analysis/WeightData.h"
#include "Prune/Analysis/WeightDiscovery.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <cstring>

namespace mlir::prune::accel {

/// Reports why a matmul is left alone.
using SkipFn = function_ref<void(const Twine &)>;

/// The operands of a `linalg.matmul` on statically shaped tensors:
/// Y[m][n] = C[m][n] + sum_k X[m][k] * W[k][n].
struct StaticMatmul {
  Value x, w, c;
  RankedTensorType xType, wType, cType;
  int64_t m = 0, k = 0, n = 0;
};

/// Matches `mm` as a static 2-D matmul on tensors with X and W of
/// `inputType` and an f32 C, or calls `skip` (with `typeMismatch` when only
/// the element types differ) and fails.
FailureOr<StaticMatmul> matchStaticMatmul(linalg::MatmulOp mm, Type inputType,
                                          StringRef typeMismatch, SkipFn skip);

/// The constant right-hand side of a matmul, read as W[k][n] from the raw
/// data of the weight (which may reach the matmul transposed).
struct ConstantRhs {
  const Weight *weight = nullptr;
  WeightData data;
  int64_t kStride = 0, nStride = 0;

  /// The bits of W[kk][nn]; `T` has the size of the element type.
  template <typename T> T bitsAt(int64_t kk, int64_t nn) const {
    int64_t i = data.isSplat() ? 0 : kk * kStride + nn * nStride;
    T v;
    std::memcpy(&v, data.getRaw().data() + sizeof(T) * i, sizeof(T));
    return v;
  }

  /// True if any element of the `rows` x `cols` block of W at (k0, n0) is
  /// non-zero (+0.0 and -0.0 are zero). `T` is an unsigned integer of the
  /// size of the (floating-point) element type.
  template <typename T>
  bool isNonZeroBlock(int64_t k0, int64_t n0, int64_t rows,
                      int64_t cols) const {
    constexpr T magnitude = static_cast<T>(~T(0)) >> 1;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t q = 0; q < cols; ++q)
        if (bitsAt<T>(k0 + r, n0 + q) & magnitude)
          return true;
    return false;
  }
};

/// Finds the constant weight that `mm` reads as its right-hand side through
/// transposes, casts and copies, with readable data of `elementType`, or
/// calls `skip` and fails.
FailureOr<ConstantRhs> matchConstantRhs(linalg::MatmulOp mm,
                                        const WeightDiscovery &discovery,
                                        Type elementType, SkipFn skip);

/// An `index` constant.
Value constIndex(ImplicitLocOpBuilder &b, int64_t v);

/// Emits `scf.for %row = 0 to m step rowStep` and fills its body with
/// `body(lb, row)` (the terminator is added after it).
void buildRowLoop(ImplicitLocOpBuilder &b, int64_t m, int64_t rowStep,
                  function_ref<void(ImplicitLocOpBuilder &, Value)> body);

/// A new f32 buffer of C's shape that starts as a copy of C (column tiles
/// that no block reaches keep it).
Value allocResultBuffer(ImplicitLocOpBuilder &b, const StaticMatmul &mm);

/// Replaces the result of `mm` with the tensor of `yBuf` and erases `mm`.
void replaceWithBuffer(ImplicitLocOpBuilder &b, linalg::MatmulOp mm,
                       Value yBuf);

} // namespace mlir::prune::accel

#endif // PRUNE_LIB_CONVERSION_ACCEL_BLOCKSPARSEUTILS_H
