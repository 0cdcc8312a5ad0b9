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
/// `lanes` batch elements, and the cache blocking around it.
struct KernelTile {
  int64_t lanes = 1;
  int64_t unroll = 1;
  int64_t rows = 1;
  /// The target's f32 lanes (the activation transpose uses square tiles of
  /// this width).
  int64_t vecLanes = 1;
  /// The batch is a multiple of lanes x unroll (no masked tail).
  bool inBounds = true;
  /// Reduction block: the loop over K is split into blocks of `kBlock` so
  /// that the activation rows a block reads stay in L1 while every row tile
  /// of a chunk of `chunkRows` output rows uses them; the accumulators go
  /// through a per-chunk scratch between blocks. 0: no blocking.
  int64_t kBlock = 0;
  int64_t chunkRows = 0;
};

/// Picks `lanes` and `unroll` for batch `m` with `rows` rows per tile.
KernelTile chooseTile(const CPUTarget &target, int64_t m, int64_t rows);

/// Sets `tile.kBlock` / `chunkRows` for a reduction of `k` whose blocks must
/// be multiples of `align`, so that a block of activation rows (kBlock x
/// lanes x unroll floats) fits in about 24 KiB. No blocking when the whole
/// reduction fits.
void chooseKBlock(KernelTile &tile, int64_t k, int64_t n, int64_t align);

/// Emits the accumulation of one row tile over the reduction range
/// [kLo, kHi). Receives xT as a [K, lanes x unroll] view at the tile's first
/// batch element (read it with `readX`), the row index of the tile's first
/// output, and returns the new accumulators (rows x unroll, row-major) from
/// `accs`. It may build loops carrying `accs`.
using KernelBody = function_ref<SmallVector<Value>(
    OpBuilder &b, Location loc, Value xT, Value tileRow, Value kLo, Value kHi,
    ValueRange accs)>;

/// Replaces nothing; builds `acc + (x @ W)` where x is [M, K] f32, acc is
/// [M, N] f32 and `body` supplies W's contribution, and returns the [M, N]
/// tensor. Chunks of output rows run in an scf.parallel (OpenMP threads with
/// prune-cpu-pipeline{threads=}); each row tile transposes its accumulators
/// in registers and writes rows of the result.
Value buildRowTiledKernel(OpBuilder &b, Location loc, Value x, Value acc,
                          int64_t n, int64_t k, const KernelTile &tile,
                          KernelBody body);

/// Reads `lanes` batch elements of activation row `k` at column `col` of the
/// tile view.
Value readX(OpBuilder &b, Location loc, Value xT, Value k, int64_t col,
            const KernelTile &tile);

/// The micro-kernel step every kernel shares: accs[r * unroll + u] +=
/// broadcast(w) * xv[u] for every u.
void broadcastFMA(OpBuilder &b, Location loc, Value w, ArrayRef<Value> xv,
                  MutableArrayRef<Value> accs, int64_t r,
                  const KernelTile &tile);

/// Reads the `unroll` vectors of activation row `k`.
SmallVector<Value> readXRow(OpBuilder &b, Location loc, Value xT, Value k,
                            const KernelTile &tile);

Value indexConst(OpBuilder &b, Location loc, int64_t v);

/// True when `acc` is a linalg.fill of +0.0: a kernel then writes the
/// result instead of adding to it.
bool isZeroFill(Value acc);

} // namespace mlir::prune

#endif // PRUNE_LIB_CONVERSION_CPU_KERNELS_H
