//===- ReluSkip.cpp - prune-relu-skip -------------------------------------===//
//
// Part of mlir-prune. Input-dependent (dynamic) pruning at inference: in a
// ReLU MLP, `matmul(relu(h), W)` only does work for the hidden units that are
// non-zero at run time.
//
//===----------------------------------------------------------------------===//

#include "Prune/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNERELUSKIP
#include "Prune/Transforms/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

/// True if `v` is a float constant +0.0 or -0.0.
static bool isZeroFloat(Value v) { return matchPattern(v, m_AnyZeroFloat()); }

/// Returns a reason when `op` is not an elementwise ReLU: a linalg.generic
/// with one input, identity maps, parallel loops and a body computing
/// max(x, 0) (maximumf / maxnumf, either order) or select(x > 0, x, 0).
static std::string whyNotRelu(Operation *op) {
  if (!op)
    return "it is a block argument";
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic)
    return ("it is produced by '" + op->getName().getStringRef() + "'").str();
  if (generic.getNumDpsInputs() != 1 || generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops() ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); }))
    return "it is produced by a linalg.generic that is not elementwise on one "
           "input";
  Block &body = generic.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  BlockArgument in = body.getArgument(0);
  Value result = yield.getValues()[0];
  auto isMaxWithZero = [&](Value lhs, Value rhs) {
    return (lhs == in && isZeroFloat(rhs)) || (rhs == in && isZeroFloat(lhs));
  };
  Operation *def = result.getDefiningOp();
  if (auto max = dyn_cast_or_null<arith::MaximumFOp>(def))
    if (isMaxWithZero(max.getLhs(), max.getRhs()))
      return "";
  if (auto max = dyn_cast_or_null<arith::MaxNumFOp>(def))
    if (isMaxWithZero(max.getLhs(), max.getRhs()))
      return "";
  if (auto select = dyn_cast_or_null<arith::SelectOp>(def)) {
    auto cmp = select.getCondition().getDefiningOp<arith::CmpFOp>();
    if (cmp && select.getTrueValue() == in &&
        isZeroFloat(select.getFalseValue()) && cmp.getLhs() == in &&
        isZeroFloat(cmp.getRhs()) &&
        (cmp.getPredicate() == arith::CmpFPredicate::UGT ||
         cmp.getPredicate() == arith::CmpFPredicate::OGT))
      return "";
  }
  return "it is produced by a linalg.generic that is not a ReLU";
}

/// Returns a reason when `op` cannot be rewritten.
static std::string whyNotReluChain(linalg::MatmulOp op) {
  if (op.hasUserDefinedMaps())
    return "it has user-defined indexing maps";
  if (!op.hasPureTensorSemantics())
    return "it works on buffers, not tensors";
  Value lhs = op.getDpsInputOperand(0)->get();
  Value rhs = op.getDpsInputOperand(1)->get();
  Value acc = op.getDpsInitOperand(0)->get();
  auto lhsType = dyn_cast<RankedTensorType>(lhs.getType());
  auto rhsType = dyn_cast<RankedTensorType>(rhs.getType());
  auto accType = dyn_cast<RankedTensorType>(acc.getType());
  if (!lhsType || !rhsType || !accType || !lhsType.hasStaticShape() ||
      !rhsType.hasStaticShape() || !accType.hasStaticShape())
    return "its shapes are not static";
  Type elementType = accType.getElementType();
  if (!isa<FloatType>(elementType) || lhsType.getElementType() != elementType ||
      rhsType.getElementType() != elementType)
    return "its operands are not all of one float type";
  std::string why = whyNotRelu(lhs.getDefiningOp());
  if (!why.empty())
    return "not a ReLU chain: its left operand is not a ReLU (" + why + ")";
  return "";
}

namespace {
/// matmul(relu(h), W) -> loops that skip zero activations.
struct ReluSkipPattern : OpRewritePattern<linalg::MatmulOp> {
  ReluSkipPattern(MLIRContext *context, bool perRow)
      : OpRewritePattern(context), perRow(perRow) {}

  LogicalResult matchAndRewrite(linalg::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    std::string why = whyNotReluChain(op);
    if (!why.empty())
      return rewriter.notifyMatchFailure(op, why);
    Location loc = op.getLoc();
    Value lhs = op.getDpsInputOperand(0)->get();
    Value rhs = op.getDpsInputOperand(1)->get();
    Value acc = op.getDpsInitOperand(0)->get();
    auto accType = cast<RankedTensorType>(acc.getType());
    Type elementType = accType.getElementType();
    int64_t rows = accType.getDimSize(0), cols = accType.getDimSize(1);
    int64_t units = cast<RankedTensorType>(lhs.getType()).getDimSize(1);

    Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value numRows = arith::ConstantIndexOp::create(rewriter, loc, rows);
    Value numUnits = arith::ConstantIndexOp::create(rewriter, loc, units);
    Value zero = arith::ConstantOp::create(rewriter, loc, elementType,
                                           rewriter.getZeroAttr(elementType));
    auto vecType = RankedTensorType::get({cols}, elementType);

    // o + a * w, with the multiply and add in the order of linalg.matmul's
    // body, so that every output sums the same terms in the same order.
    auto axpyBody = [](OpBuilder &b, Location l, ValueRange args) {
      Value mul = arith::MulFOp::create(b, l, args[0], args[1]);
      Value add = arith::AddFOp::create(b, l, args[2], mul);
      linalg::YieldOp::create(b, l, add);
    };
    // The weight row `k` as tensor<cols>.
    auto weightRow = [&](OpBuilder &b, Location l, Value k) -> Value {
      SmallVector<OpFoldResult> offsets = {k, b.getIndexAttr(0)};
      SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1),
                                         b.getIndexAttr(cols)};
      SmallVector<OpFoldResult> strides = {b.getIndexAttr(1),
                                           b.getIndexAttr(1)};
      return tensor::ExtractSliceOp::create(b, l, vecType, rhs, offsets, sizes,
                                            strides);
    };

    Value result;
    if (perRow) {
      // for i, for k: if a[i,k] != 0: o[i,:] = o[i,:] + a[i,k] * w[k,:]
      auto outer = scf::ForOp::create(
          rewriter, loc, c0, numRows, c1, ValueRange{acc},
          [&](OpBuilder &b, Location l, Value i, ValueRange outerArgs) {
            auto inner = scf::ForOp::create(
                b, l, c0, numUnits, c1, ValueRange{outerArgs[0]},
                [&](OpBuilder &b, Location l, Value k, ValueRange args) {
                  Value o = args[0];
                  Value a = tensor::ExtractOp::create(b, l, lhs, {i, k});
                  Value live = arith::CmpFOp::create(
                      b, l, arith::CmpFPredicate::UNE, a, zero);
                  auto ifOp = scf::IfOp::create(
                      b, l, live,
                      [&](OpBuilder &b, Location l) {
                        SmallVector<OpFoldResult> offsets = {i,
                                                             b.getIndexAttr(0)};
                        SmallVector<OpFoldResult> sizes = {
                            b.getIndexAttr(1), b.getIndexAttr(cols)};
                        SmallVector<OpFoldResult> strides = {b.getIndexAttr(1),
                                                             b.getIndexAttr(1)};
                        Value orow = tensor::ExtractSliceOp::create(
                            b, l, vecType, o, offsets, sizes, strides);
                        Value wrow = weightRow(b, l, k);
                        AffineMap scalar =
                            AffineMap::get(1, 0, {}, b.getContext());
                        AffineMap id = b.getMultiDimIdentityMap(1);
                        auto axpy = linalg::GenericOp::create(
                            b, l, vecType, ValueRange{a, wrow},
                            ValueRange{orow},
                            ArrayRef<AffineMap>{scalar, id, id},
                            {utils::IteratorType::parallel}, axpyBody);
                        Value updated = tensor::InsertSliceOp::create(
                            b, l, axpy.getResult(0), o, offsets, sizes,
                            strides);
                        scf::YieldOp::create(b, l, updated);
                      },
                      [&](OpBuilder &b, Location l) {
                        scf::YieldOp::create(b, l, o);
                      });
                  scf::YieldOp::create(b, l, ifOp.getResult(0));
                });
            scf::YieldOp::create(b, l, inner.getResult(0));
          });
      result = outer.getResult(0);
    } else {
      // for k: if any(a[:,k] != 0): o = o + a[:,k] (x) w[k,:]
      auto colType = RankedTensorType::get({rows}, elementType);
      auto outer = scf::ForOp::create(
          rewriter, loc, c0, numUnits, c1, ValueRange{acc},
          [&](OpBuilder &b, Location l, Value k, ValueRange args) {
            Value o = args[0];
            Value no = arith::ConstantIntOp::create(b, l, 0, 1);
            auto scan = scf::ForOp::create(
                b, l, c0, numRows, c1, ValueRange{no},
                [&](OpBuilder &b, Location l, Value i, ValueRange scanArgs) {
                  Value a = tensor::ExtractOp::create(b, l, lhs, {i, k});
                  Value nz = arith::CmpFOp::create(
                      b, l, arith::CmpFPredicate::UNE, a, zero);
                  Value any = arith::OrIOp::create(b, l, scanArgs[0], nz);
                  scf::YieldOp::create(b, l, any);
                });
            auto ifOp = scf::IfOp::create(
                b, l, scan.getResult(0),
                [&](OpBuilder &b, Location l) {
                  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), k};
                  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(rows),
                                                     b.getIndexAttr(1)};
                  SmallVector<OpFoldResult> strides = {b.getIndexAttr(1),
                                                       b.getIndexAttr(1)};
                  Value col = tensor::ExtractSliceOp::create(
                      b, l, colType, lhs, offsets, sizes, strides);
                  Value wrow = weightRow(b, l, k);
                  MLIRContext *ctx = b.getContext();
                  AffineExpr d0 = getAffineDimExpr(0, ctx);
                  AffineExpr d1 = getAffineDimExpr(1, ctx);
                  auto update = linalg::GenericOp::create(
                      b, l, accType, ValueRange{col, wrow}, ValueRange{o},
                      ArrayRef<AffineMap>{AffineMap::get(2, 0, {d0}, ctx),
                                          AffineMap::get(2, 0, {d1}, ctx),
                                          AffineMap::get(2, 0, {d0, d1}, ctx)},
                      {utils::IteratorType::parallel,
                       utils::IteratorType::parallel},
                      axpyBody);
                  scf::YieldOp::create(b, l, update.getResult(0));
                },
                [&](OpBuilder &b, Location l) {
                  scf::YieldOp::create(b, l, o);
                });
            scf::YieldOp::create(b, l, ifOp.getResult(0));
          });
      result = outer.getResult(0);
    }
    rewriter.replaceOp(op, result);
    return success();
  }

  bool perRow;
};

struct PruneReluSkipPass : prune::impl::PruneReluSkipBase<PruneReluSkipPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (granularity != "row" && granularity != "batch") {
      module.emitError("prune-relu-skip: unknown granularity '")
          << granularity << "'; expected 'row' or 'batch'";
      return signalPassFailure();
    }
    // Say why every matmul that stays dense does.
    int64_t candidates = 0;
    module.walk([&](linalg::MatmulOp op) {
      std::string why = whyNotReluChain(op);
      if (why.empty())
        ++candidates;
      else
        op.emitRemark("prune-relu-skip: left dense: ") << why;
    });
    if (!candidates)
      return;
    RewritePatternSet patterns(&getContext());
    patterns.add<ReluSkipPattern>(&getContext(), granularity == "row");
    // One walk: the loops the pattern creates contain no matmul, and nothing
    // else in the module is folded or canonicalised.
    walkAndApplyPatterns(module, std::move(patterns));
  }
};
} // namespace
