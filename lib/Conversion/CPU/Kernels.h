//===- Kernels.h - register-tiled vector matmul kernels ---------*- C++ -*-===//
//
// Part of mlir-prune. The loop nest every CPU kernel of prune-sparsify and
// prune-vectorize-matmul shares: transpose the activation to xT [K, M], keep
// R output rows x U vectors of the batch in registers, and let a body emit
// the FMAs of one reduction step.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_LIB_CONVERSION_CPU_KERNELS_H
#define PRUNE_LIB_CONVERSION_CPU_KERNELS_H

#include "Prune/Dialect/Prune/IR/PruneDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::prune {

/// What the kernels know about a CPU target.
struct CPUTarget {
  std::string name;
  /// f32 lanes of one vector register.
  int64_t lanes = 16;
  /// Accumulator registers a micro-kernel may hold (leaves room for the
  /// broadcasts and loads).
  int64_t accRegisters = 24;
  /// Fraction of zeros above which unstructured (CSR) code is used.
  double minSparsity = 0.7;
  TargetAttr attr;
};

/// Resolves the target of `module`: `name` if given, else the module's
/// `prune.target` attribute, else x86-avx512. Fails with an error on `module`
/// for a target that is not a CPU.
FailureOr<CPUTarget> resolveCPUTarget(Operation *module, StringRef name);

/// Register tile of a kernel: `rows` output rows x `unroll` vectors of
/// `lanes` batch elements.
struct KernelTile {
  int64_t lanes = 1;
  int64_t unroll = 1;
  int64_t rows = 1;
};

/// Picks `lanes` and `unroll` for batch `m` with `rows` rows per tile.
KernelTile chooseTile(const CPUTarget &target, int64_t m, int64_t rows);

/// Emits the accumulation of one row tile. Receives the row index of the
/// tile's first output, the batch offset `mt`, and xT as a memref; returns
/// the new accumulators (rows x unroll, row-major) from `accs`. It may build
/// loops carrying `accs`.
using KernelBody = function_ref<SmallVector<Value>(
    OpBuilder &b, Location loc, Value xT, Value tileRow, Value mt,
    ValueRange accs)>;

/// Replaces nothing; builds `acc + (x @ W)` where x is [M, K] f32, acc is
/// [M, N] f32 and `body` supplies W's contribution, and returns the [M, N]
/// tensor. Row tiles run in an scf.parallel over N / tile.rows.
Value buildRowTiledKernel(OpBuilder &b, Location loc, Value x, Value acc,
                          int64_t n, const KernelTile &tile, KernelBody body);

/// Helpers for bodies.
Value readX(OpBuilder &b, Location loc, Value xT, Value k, Value mt,
            int64_t offset, const KernelTile &tile, int64_t m);
Value indexConst(OpBuilder &b, Location loc, int64_t v);

} // namespace mlir::prune

#endif // PRUNE_LIB_CONVERSION_CPU_KERNELS_H
