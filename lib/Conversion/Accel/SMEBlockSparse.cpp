//===- SMEBlockSparse.cpp - prune-sme-block-sparse ------------------------===//
//
// Part of mlir-prune. f32 matmuls with constant weights to Arm SME outer
// products (vector.outerproduct on ZA tiles, lowered by the ArmSME
// dialect) that skip all-zero weight blocks at compile time. See Passes.td
// for the contract.
//
//===----------------------------------------------------------------------===//

#include "BlockSparseUtils.h"
#include "Prune/Conversion/Accel/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNESMEBLOCKSPARSE
#include "Prune/Conversion/Accel/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

namespace {

/// Lowers `mm` or leaves it alone with a remark. `s` is the tile side
/// (SVL / 32 f32 elements); weight blocks are s x s.
void lower(linalg::MatmulOp mm, const WeightDiscovery &discovery, int64_t s,
           bool skipZero) {
  auto skip = [&](const Twine &why) {
    mm.emitRemark() << "prune-sme-block-sparse: kept: " << why;
  };
  ImplicitLocOpBuilder b(mm.getLoc(), mm);
  Type f32 = b.getF32Type();
  FailureOr<accel::StaticMatmul> mat = accel::matchStaticMatmul(
      mm, f32, "the SME kernel takes f32 operands", skip);
  if (failed(mat))
    return;
  int64_t m = mat->m, k = mat->k, n = mat->n;
  if (m % s || n % s || k % s)
    return skip("the shape is not a multiple of the " + Twine(s) + " x " +
                Twine(s) + " ZA tile");
  FailureOr<accel::ConstantRhs> rhs =
      accel::matchConstantRhs(mm, discovery, f32, skip);
  if (failed(rhs))
    return;
  // schedule[nb] = the k blocks of column tile nb that get outer products.
  SmallVector<SmallVector<int64_t>> schedule(n / s);
  int64_t issued = 0;
  for (int64_t nb = 0; nb < n / s; ++nb)
    for (int64_t kb = 0; kb < k / s; ++kb) {
      if (skipZero && !rhs->isNonZeroBlock<uint32_t>(kb * s, nb * s, s, s))
        continue;
      schedule[nb].push_back(kb);
      ++issued;
    }

  Value yBuf = accel::allocResultBuffer(b, *mat);
  if (issued > 0) {
    // The schedule assumes this many f32 lanes per ZA row: check it.
    Value vscale = vector::VectorScaleOp::create(b);
    Value ok = arith::CmpIOp::create(b, arith::CmpIPredicate::eq, vscale,
                                     accel::constIndex(b, s / 4));
    cf::AssertOp::create(
        b, ok,
        ("prune-sme-block-sparse: compiled for SVL = " + Twine(s * 32) +
         " bits (streaming vscale " + Twine(s / 4) + ")")
            .str());
    // X^T, so that a column of X (s rows of the output tile) is one load.
    Value empty =
        tensor::EmptyOp::create(b, ArrayRef<int64_t>{k, m}, f32).getResult();
    Value xT =
        linalg::TransposeOp::create(b, mat->x, empty, ArrayRef<int64_t>{1, 0})
            ->getResult(0);
    Value xtBuf = bufferization::ToBufferOp::create(
        b, MemRefType::get({k, m}, f32), xT, b.getUnitAttr());
    Value wBuf = bufferization::ToBufferOp::create(
        b, MemRefType::get({k, n}, f32), mat->w, b.getUnitAttr());
    auto vecType = VectorType::get({4}, f32, {true});
    auto tileType = VectorType::get({4, 4}, f32, {true, true});
    accel::buildRowLoop(b, m, s, [&](ImplicitLocOpBuilder &lb, Value row) {
      auto cst = [&](int64_t v) { return accel::constIndex(lb, v); };
      Value pad = arith::ConstantOp::create(lb, lb.getF32FloatAttr(0.0f));
      for (auto [colTile, blocks] : llvm::enumerate(schedule)) {
        if (blocks.empty())
          continue;
        Value col = cst(colTile * s);
        Value acc = vector::TransferReadOp::create(lb, tileType, yBuf,
                                                   ValueRange{row, col}, pad,
                                                   ArrayRef<bool>{true, true});
        for (int64_t kb : blocks) {
          auto loop = scf::ForOp::create(
              lb, cst(kb * s), cst((kb + 1) * s), cst(1), ValueRange{acc},
              [&](OpBuilder &ib, Location iloc, Value kk, ValueRange iter) {
                Value va = vector::LoadOp::create(ib, iloc, vecType, xtBuf,
                                                  ValueRange{kk, row});
                Value vb = vector::LoadOp::create(ib, iloc, vecType, wBuf,
                                                  ValueRange{kk, col});
                Value o = vector::OuterProductOp::create(
                    ib, iloc, tileType, va, vb, iter[0],
                    vector::CombiningKind::ADD);
                scf::YieldOp::create(ib, iloc, o);
              });
          acc = loop.getResult(0);
        }
        vector::TransferWriteOp::create(lb, acc, yBuf, ValueRange{row, col},
                                        ArrayRef<bool>{true, true});
      }
    });
  }
  mm.emitRemark() << "prune-sme-block-sparse: " << issued << " of "
                  << (k / s) * (n / s) << " weight blocks (" << s << "x" << s
                  << " f32) issued per " << s << " rows of X";
  accel::replaceWithBuffer(b, mm, yBuf);
}

struct PruneSMEBlockSparsePass
    : public prune::impl::PruneSMEBlockSparseBase<PruneSMEBlockSparsePass> {
  using Base::Base;

  void runOnOperation() override {
    if (svl < 128 || svl > 2048 || (svl & (svl - 1))) {
      getOperation().emitError()
          << "prune-sme-block-sparse: svl must be a power of two in [128, "
             "2048], got "
          << static_cast<int64_t>(svl);
      return signalPassFailure();
    }
    ModuleOp module = getOperation();
    WeightDiscovery discovery(module);
    SmallVector<linalg::MatmulOp> matmuls;
    module.walk([&](linalg::MatmulOp mm) { matmuls.push_back(mm); });
    for (linalg::MatmulOp mm : matmuls)
      lower(mm, discovery, svl / 32, skipZeroTiles);
  }
};
} // namespace
