//===- TosaLayouts.cpp - prune-tosa-layouts -------------------------------===//
//
// Part of mlir-prune. The batch-1 batch_matmul and the OHWI convolution that
// TOSA lowers to, as the linalg.matmul and HWCF convolution the CPU sparse
// kernels take, with the constant weights rewritten at compile time.
//
//===----------------------------------------------------------------------===//

#include "Prune/Analysis/WeightData.h"
#include "Prune/Conversion/TOSA/Pipeline.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cstring>

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNETOSALAYOUTS
#include "Prune/Conversion/TOSA/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

/// True if `op` carries a prune.* attribute (pruning recorded on it).
static bool hasPruneAttr(Operation *op) {
  return llvm::any_of(op->getAttrs(), [](NamedAttribute attr) {
    return attr.getName().getValue().starts_with("prune.");
  });
}

/// The constant that `value` is, when only one op reads it and it carries no
/// prune.* attribute.
static arith::ConstantOp getRewritableWeight(Value value) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  if (!constant || !constant->hasOneUse() || hasPruneAttr(constant) ||
      !isa<RankedTensorType>(constant.getType()))
    return {};
  return constant;
}

/// A new constant of type `type` in place of `old`, whose data is `old`'s
/// with its elements permuted: element at multi-index `i` of the new value
/// is element `perm`-permuted of the old (`newDim d` = old dim `perm[d]`).
static FailureOr<Value> rewriteWeight(PatternRewriter &rewriter,
                                      arith::ConstantOp old,
                                      RankedTensorType type,
                                      ArrayRef<int64_t> perm) {
  FailureOr<WeightData> data = WeightData::get(old);
  if (failed(data))
    return failure();
  auto oldType = cast<RankedTensorType>(old.getType());
  unsigned bytes = data->getElementBytes();
  int64_t count = type.getNumElements();
  std::vector<char> out(count * bytes);
  ArrayRef<char> raw = data->getRaw();
  if (data->isSplat()) {
    for (int64_t e = 0; e < count; ++e)
      std::memcpy(out.data() + e * bytes, raw.data(), bytes);
  } else if (perm.empty()) {
    out.assign(raw.begin(), raw.end());
  } else {
    int64_t rank = oldType.getRank();
    SmallVector<int64_t> oldStrides(rank, 1);
    for (int64_t d = rank - 2; d >= 0; --d)
      oldStrides[d] = oldStrides[d + 1] * oldType.getDimSize(d + 1);
    SmallVector<int64_t> coord(rank, 0);
    for (int64_t e = 0; e < count; ++e) {
      int64_t offset = 0;
      for (int64_t d = 0; d < rank; ++d)
        offset += coord[d] * oldStrides[perm[d]];
      std::memcpy(out.data() + e * bytes, raw.data() + offset * bytes, bytes);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++coord[d] < type.getDimSize(d))
          break;
        coord[d] = 0;
      }
    }
  }
  // Before the new op exists, so that an unshared blob keeps its key.
  ElementsAttr value = makeReplacementValue(old, type, out);
  rewriter.setInsertionPoint(old);
  auto fresh = arith::ConstantOp::create(rewriter, old.getLoc(), type,
                                         cast<TypedAttr>(value));
  // Keep discardable attributes (none prune.*: see getRewritableWeight).
  for (NamedAttribute attr : old->getDiscardableAttrs())
    fresh->setAttr(attr.getName(), attr.getValue());
  return fresh.getResult();
}

namespace {
struct BatchMatmulToMatmul : OpRewritePattern<linalg::BatchMatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::BatchMatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.hasUserDefinedMaps() ||
        hasPruneAttr(op))
      return rewriter.notifyMatchFailure(op, "not a plain tensor batch_matmul");
    Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
    Value init = op.getDpsInits()[0];
    auto lhsType = dyn_cast<RankedTensorType>(lhs.getType());
    auto rhsType = dyn_cast<RankedTensorType>(rhs.getType());
    auto initType = dyn_cast<RankedTensorType>(init.getType());
    if (!lhsType || !rhsType || !initType || !lhsType.hasStaticShape() ||
        !rhsType.hasStaticShape() || !initType.hasStaticShape() ||
        lhsType.getDimSize(0) != 1 || rhsType.getDimSize(0) != 1)
      return rewriter.notifyMatchFailure(op, "needs static shapes, batch 1");
    arith::ConstantOp weight = getRewritableWeight(rhs);
    if (!weight)
      return rewriter.notifyMatchFailure(op, "the right-hand side is not a "
                                             "constant only it reads");
    auto drop = [](RankedTensorType t) {
      return RankedTensorType::get(t.getShape().drop_front(),
                                   t.getElementType());
    };
    SmallVector<ReassociationIndices> reassoc = {{0, 1}, {2}};
    Location loc = op.getLoc();
    FailureOr<Value> newWeight =
        rewriteWeight(rewriter, weight, drop(rhsType), {});
    if (failed(newWeight))
      return failure();
    rewriter.setInsertionPoint(op);
    Value lhs2 = tensor::CollapseShapeOp::create(rewriter, loc, drop(lhsType),
                                                 lhs, reassoc);
    Value init2 = tensor::CollapseShapeOp::create(rewriter, loc, drop(initType),
                                                  init, reassoc);
    auto matmul = linalg::MatmulOp::create(
        rewriter, loc, TypeRange{init2.getType()}, ValueRange{lhs2, *newWeight},
        ValueRange{init2});
    Value result = tensor::ExpandShapeOp::create(rewriter, loc, initType,
                                                 matmul.getResult(0), reassoc);
    rewriter.replaceOp(op, result);
    rewriter.eraseOp(weight);
    return success();
  }
};

struct ConvFhwcToHwcf : OpRewritePattern<linalg::Conv2DNhwcFhwcOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::Conv2DNhwcFhwcOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || hasPruneAttr(op))
      return rewriter.notifyMatchFailure(op, "not a plain tensor convolution");
    Value filter = op.getDpsInputs()[1];
    auto filterType = dyn_cast<RankedTensorType>(filter.getType());
    if (!filterType || !filterType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static filter");
    arith::ConstantOp weight = getRewritableWeight(filter);
    if (!weight)
      return rewriter.notifyMatchFailure(op, "the filter is not a constant "
                                             "only it reads");
    // [F, KH, KW, C] -> [KH, KW, C, F]: new dim d is old dim perm[d].
    SmallVector<int64_t> perm = {1, 2, 3, 0};
    ArrayRef<int64_t> s = filterType.getShape();
    auto hwcf = RankedTensorType::get({s[1], s[2], s[3], s[0]},
                                      filterType.getElementType());
    FailureOr<Value> newFilter = rewriteWeight(rewriter, weight, hwcf, perm);
    if (failed(newFilter))
      return failure();
    rewriter.setInsertionPoint(op);
    SmallVector<NamedAttribute> attrs;
    for (StringRef name : {"strides", "dilations"})
      if (Attribute a = op->getAttr(name))
        attrs.push_back(rewriter.getNamedAttr(name, a));
    auto conv = linalg::Conv2DNhwcHwcfOp::create(
        rewriter, op.getLoc(), op->getResultTypes(),
        ValueRange{op.getDpsInputs()[0], *newFilter},
        ValueRange{op.getDpsInits()[0]}, attrs);
    rewriter.replaceOp(op, conv->getResults());
    rewriter.eraseOp(weight);
    return success();
  }
};

struct PruneTosaLayoutsPass
    : prune::impl::PruneTosaLayoutsBase<PruneTosaLayoutsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<BatchMatmulToMatmul, ConvFhwcToHwcf>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
