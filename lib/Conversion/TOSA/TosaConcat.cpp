//===- TosaConcat.cpp - prune-tosa-concat ---------------------------------===//
//
// Part of mlir-prune. tosa.concat as tensor.concat, which the structural
// passes follow (upstream lowers it to insert_slices they cannot).
//
//===----------------------------------------------------------------------===//

#include "Prune/Conversion/TOSA/Pipeline.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNETOSACONCAT
#include "Prune/Conversion/TOSA/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

namespace {
struct ConcatToTensor : OpRewritePattern<tosa::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ConcatOp op,
                                PatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!resultType || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static result shape");
    if (!llvm::all_of(op.getInput1(), [](Value v) {
          auto type = dyn_cast<RankedTensorType>(v.getType());
          return type && type.hasStaticShape();
        }))
      return rewriter.notifyMatchFailure(op, "needs static input shapes");
    int64_t axis = op.getAxis();
    if (axis < 0 || axis >= resultType.getRank())
      return rewriter.notifyMatchFailure(op, "axis out of range");
    rewriter.replaceOp(op, tensor::ConcatOp::create(rewriter, op.getLoc(),
                                                    resultType, axis,
                                                    op.getInput1()));
    return success();
  }
};

struct PruneTosaConcatPass
    : prune::impl::PruneTosaConcatBase<PruneTosaConcatPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ConcatToTensor>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
