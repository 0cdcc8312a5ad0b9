//===- VectorizeMatmul.cpp - prune-vectorize-matmul -----------------------===//
//
// Part of mlir-prune. The dense baseline: the same register-tiled
// outer-product loop nest as the sparse kernels, with every weight present.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "Prune/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNEVECTORIZEMATMUL
#include "Prune/Conversion/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

namespace {
struct VectorizeDenseMatmul : OpRewritePattern<linalg::MatmulOp> {
  VectorizeDenseMatmul(MLIRContext *ctx, const CPUTarget &target)
      : OpRewritePattern(ctx), target(target) {}

  LogicalResult matchAndRewrite(linalg::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "not on tensors");
    if (op.hasUserDefinedMaps())
      return rewriter.notifyMatchFailure(op, "transposed/broadcast maps");
    Value x = op.getInputs()[0], w = op.getInputs()[1];
    Value acc = op.getOutputs()[0];
    for (Value v : {x, w, acc}) {
      auto t = dyn_cast<RankedTensorType>(v.getType());
      if (!t || t.getRank() != 2 || !t.hasStaticShape() ||
          !t.getElementType().isF32())
        return rewriter.notifyMatchFailure(op, "not a static 2-D f32 matmul");
    }
    int64_t m = cast<RankedTensorType>(x.getType()).getDimSize(0);
    int64_t k = cast<RankedTensorType>(x.getType()).getDimSize(1);
    int64_t n = cast<RankedTensorType>(w.getType()).getDimSize(1);
    if (m == 0 || k == 0 || n == 0)
      return rewriter.notifyMatchFailure(op, "empty matmul");

    // A [N, K] weight transposed into the matmul is read in place.
    bool transposed = false;
    if (auto t = w.getDefiningOp<linalg::TransposeOp>();
        t && t.hasPureTensorSemantics() &&
        t.getPermutation() == ArrayRef<int64_t>{1, 0}) {
      w = t.getInput();
      transposed = true;
    }

    int64_t rows = 1;
    for (int64_t r : {8, 4, 2})
      if (n % r == 0) {
        rows = r;
        break;
      }
    KernelTile tile = chooseTile(target, m, rows);
    while (tile.rows > 1 && tile.rows * tile.unroll > target.accRegisters)
      tile.rows /= 2;
    // Each activation load feeds `rows` FMAs: the L2 keeps up, and
    // reduction blocks measured slower (accumulator traffic); only the
    // chunking of output rows is used.
    chooseKBlock(tile, /*k=*/1, n, 1);

    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    auto wTy = cast<RankedTensorType>(w.getType());
    Value wBuf = bufferization::ToBufferOp::create(
        rewriter, loc, MemRefType::get(wTy.getShape(), wTy.getElementType()), w,
        /*read_only=*/true);

    Value y = buildRowTiledKernel(
        rewriter, loc, x, acc, n, k, tile,
        [&](OpBuilder &b, Location loc, Value xT, Value row, Value kLo,
            Value kHi, ValueRange init) -> SmallVector<Value> {
          auto loop = scf::ForOp::create(
              b, loc, kLo, kHi, indexConst(b, loc, 1), init,
              [&](OpBuilder &b, Location loc, Value kk, ValueRange accs) {
                SmallVector<Value> xv = readXRow(b, loc, xT, kk, tile);
                SmallVector<Value> next(accs.begin(), accs.end());
                for (int64_t r = 0; r < tile.rows; ++r) {
                  Value col = row;
                  if (r)
                    col = arith::AddIOp::create(b, loc, row,
                                                indexConst(b, loc, r));
                  Value wv = transposed
                                 ? memref::LoadOp::create(b, loc, wBuf,
                                                          ValueRange{col, kk})
                                 : memref::LoadOp::create(b, loc, wBuf,
                                                          ValueRange{kk, col});
                  broadcastFMA(b, loc, wv, xv, next, r, tile);
                }
                scf::YieldOp::create(b, loc, next);
              });
          return SmallVector<Value>(loop.getResults());
        });
    rewriter.replaceOp(op, y);
    return success();
  }

  CPUTarget target;
};

struct PruneVectorizeMatmulPass
    : prune::impl::PruneVectorizeMatmulBase<PruneVectorizeMatmulPass> {
  using Base::Base;
  void runOnOperation() override {
    FailureOr<CPUTarget> t = resolveCPUTarget(getOperation(), target);
    if (failed(t))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    patterns.add<VectorizeDenseMatmul>(&getContext(), *t);
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingOps);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      return signalPassFailure();
  }
};
} // namespace
