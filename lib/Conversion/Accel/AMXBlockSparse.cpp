//===- AMXBlockSparse.cpp - prune-amx-block-sparse ------------------------===//
//
// Part of mlir-prune. bf16 matmuls with constant weights to Intel AMX tile
// code that skips all-zero weight tiles at compile time. See Passes.td for
// the contract.
//
//===----------------------------------------------------------------------===//

#include "BlockSparseUtils.h"
#include "Prune/Conversion/Accel/Passes.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNEAMXBLOCKSPARSE
#include "Prune/Conversion/Accel/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

namespace {

/// AMX tile geometry for bf16 (tdpbf16ps): A 16x32 bf16, B 16x32 bf16 in
/// VNNI pairs (= a 32x16 block of W), C 16x16 f32.
constexpr int64_t kTileM = 16, kTileK = 32, kTileN = 16;

/// Packs the non-zero 32x16 blocks of the bf16 weight `w` in VNNI layout.
/// `schedule[nb]` lists (kb, packed index) of column tile nb.
struct PackedWeight {
  std::vector<uint16_t> tiles; // [T][16][32]
  std::vector<SmallVector<std::pair<int64_t, int64_t>>> schedule;
  int64_t numTiles = 0, numBlocks = 0;
};

PackedWeight pack(int64_t k, int64_t n, bool skipZero,
                  const accel::ConstantRhs &w) {
  PackedWeight p;
  p.schedule.resize(n / kTileN);
  p.numBlocks = (k / kTileK) * (n / kTileN);
  for (int64_t nb = 0; nb < n / kTileN; ++nb)
    for (int64_t kb = 0; kb < k / kTileK; ++kb) {
      if (skipZero &&
          !w.isNonZeroBlock<uint16_t>(kb * kTileK, nb * kTileN, kTileK, kTileN))
        continue;
      p.schedule[nb].push_back({kb, p.numTiles++});
      for (int64_t r = 0; r < kTileK / 2; ++r)
        for (int64_t j = 0; j < kTileN; ++j)
          for (int64_t q = 0; q < 2; ++q)
            p.tiles.push_back(
                w.bitsAt<uint16_t>(kb * kTileK + 2 * r + q, nb * kTileN + j));
    }
  return p;
}

/// Lowers `mm` or leaves it alone with a remark.
void lower(linalg::MatmulOp mm, const WeightDiscovery &discovery,
           bool skipZero) {
  auto skip = [&](const Twine &why) {
    mm.emitRemark() << "prune-amx-block-sparse: kept: " << why;
  };
  ImplicitLocOpBuilder b(mm.getLoc(), mm);
  Type bf16 = b.getBF16Type(), f32 = b.getF32Type();
  FailureOr<accel::StaticMatmul> mat = accel::matchStaticMatmul(
      mm, bf16, "AMX tiles take bf16 inputs with an f32 result", skip);
  if (failed(mat))
    return;
  int64_t m = mat->m, k = mat->k, n = mat->n;
  if (m % kTileM || n % kTileN || k % kTileK)
    return skip("the shape is not a multiple of the 16 x 16 x 32 AMX tile "
                "(M % 16, N % 16, K % 32)");
  FailureOr<accel::ConstantRhs> rhs =
      accel::matchConstantRhs(mm, discovery, bf16, skip);
  if (failed(rhs))
    return;
  PackedWeight packed = pack(k, n, skipZero, *rhs);

  Value yBuf = accel::allocResultBuffer(b, *mat);
  if (packed.numTiles > 0) {
    auto tileType =
        RankedTensorType::get({packed.numTiles, kTileK / 2, 2 * kTileN}, bf16);
    ArrayRef<char> bytes(reinterpret_cast<const char *>(packed.tiles.data()),
                         packed.tiles.size() * 2);
    ElementsAttr value;
    if (tileType.getNumElements() > 4096)
      value = DenseResourceElementsAttr::get(
          tileType, rhs->weight->name + ".amx-tiles",
          HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, 2));
    else
      value = DenseElementsAttr::getFromRawBuffer(tileType, bytes);
    Value tiles = arith::ConstantOp::create(b, cast<TypedAttr>(value));
    Value wBuf = bufferization::ToBufferOp::create(
        b, MemRefType::get(tileType.getShape(), bf16), tiles, b.getUnitAttr());
    Value xBuf = bufferization::ToBufferOp::create(
        b, MemRefType::get({m, k}, bf16), mat->x, b.getUnitAttr());
    auto aType = amx::TileType::get({kTileM, kTileK}, bf16);
    auto accType = amx::TileType::get({kTileM, kTileN}, f32);
    accel::buildRowLoop(b, m, kTileM, [&](ImplicitLocOpBuilder &lb, Value row) {
      auto c = [&](int64_t v) { return accel::constIndex(lb, v); };
      for (auto [colTile, blocks] : llvm::enumerate(packed.schedule)) {
        if (blocks.empty())
          continue;
        Value col = c(colTile * kTileN);
        Value acc =
            amx::TileLoadOp::create(lb, accType, yBuf, ValueRange{row, col});
        for (auto [kb, t] : blocks) {
          Value a = amx::TileLoadOp::create(lb, aType, xBuf,
                                            ValueRange{row, c(kb * kTileK)});
          Value bt = amx::TileLoadOp::create(lb, aType, wBuf,
                                             ValueRange{c(t), c(0), c(0)});
          acc = amx::TileMulFOp::create(lb, accType, a, bt, acc);
        }
        amx::TileStoreOp::create(lb, yBuf, ValueRange{row, col}, acc);
      }
    });
  }
  mm.emitRemark() << "prune-amx-block-sparse: " << packed.numTiles << " of "
                  << packed.numBlocks
                  << " weight tiles (32x16 bf16) issued per 16 rows of X";
  accel::replaceWithBuffer(b, mm, yBuf);
}

struct PruneAMXBlockSparsePass
    : public prune::impl::PruneAMXBlockSparseBase<PruneAMXBlockSparsePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    WeightDiscovery discovery(module);
    SmallVector<linalg::MatmulOp> matmuls;
    module.walk([&](linalg::MatmulOp mm) { matmuls.push_back(mm); });
    for (linalg::MatmulOp mm : matmuls)
      lower(mm, discovery, skipZeroTiles);
  }
};
} // namespace
