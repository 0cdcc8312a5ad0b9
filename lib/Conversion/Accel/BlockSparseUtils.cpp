//===- BlockSparseUtils.cpp - shared by the Accel block-sparse passes -----===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "BlockSparseUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::prune;
using namespace mlir::prune::accel;

FailureOr<StaticMatmul> accel::matchStaticMatmul(linalg::MatmulOp mm,
                                                 Type inputType,
                                                 StringRef typeMismatch,
                                                 SkipFn skip) {
  if (!mm.hasPureTensorSemantics() || mm.hasUserDefinedMaps()) {
    skip("matmul with user-defined indexing maps or on buffers");
    return failure();
  }
  StaticMatmul s;
  s.x = mm.getDpsInputs()[0];
  s.w = mm.getDpsInputs()[1];
  s.c = mm.getDpsInits()[0];
  s.xType = dyn_cast<RankedTensorType>(s.x.getType());
  s.wType = dyn_cast<RankedTensorType>(s.w.getType());
  s.cType = dyn_cast<RankedTensorType>(s.c.getType());
  if (!s.xType || !s.wType || !s.cType || !s.xType.hasStaticShape() ||
      !s.wType.hasStaticShape() || !s.cType.hasStaticShape()) {
    skip("not a static 2-D matmul");
    return failure();
  }
  if (s.xType.getElementType() != inputType ||
      s.wType.getElementType() != inputType ||
      !s.cType.getElementType().isF32()) {
    skip(typeMismatch);
    return failure();
  }
  s.m = s.xType.getDimSize(0);
  s.k = s.xType.getDimSize(1);
  s.n = s.wType.getDimSize(1);
  return s;
}

FailureOr<ConstantRhs> accel::matchConstantRhs(linalg::MatmulOp mm,
                                               const WeightDiscovery &discovery,
                                               Type elementType, SkipFn skip) {
  auto [weight, use] = discovery.getWeightAt(mm, 1);
  if (!weight) {
    skip("the right-hand side is not a constant weight");
    return failure();
  }
  if (weight->type.getRank() != 2 || use->operandToConst.size() != 2 ||
      use->operandToConst[0].size() != 1 ||
      use->operandToConst[1].size() != 1 ||
      !llvm::all_of(use->path, [](Operation *p) {
        return isa<linalg::TransposeOp, tensor::CastOp, linalg::CopyOp>(p);
      })) {
    skip("the weight does not reach the matmul as a permuted 2-D matrix");
    return failure();
  }
  FailureOr<WeightData> data = WeightData::get(weight->op);
  if (failed(data) || data->getElementType() != elementType) {
    std::string type;
    llvm::raw_string_ostream os(type);
    os << elementType;
    skip("the weight constant is not readable " + type + " data");
    return failure();
  }
  int64_t kDim = use->operandToConst[0][0], nDim = use->operandToConst[1][0];
  int64_t cols = weight->type.getShape()[1];
  ConstantRhs rhs{weight, *data, kDim == 1 ? 1 : cols, nDim == 1 ? 1 : cols};
  return rhs;
}

Value accel::constIndex(ImplicitLocOpBuilder &b, int64_t v) {
  return arith::ConstantIndexOp::create(b, v);
}

void accel::buildRowLoop(
    ImplicitLocOpBuilder &b, int64_t m, int64_t rowStep,
    function_ref<void(ImplicitLocOpBuilder &, Value)> body) {
  scf::ForOp::create(b, constIndex(b, 0), constIndex(b, m),
                     constIndex(b, rowStep), ValueRange{},
                     [&](OpBuilder &nb, Location loc, Value row, ValueRange) {
                       ImplicitLocOpBuilder lb(loc, nb);
                       body(lb, row);
                       scf::YieldOp::create(lb);
                     });
}

Value accel::allocResultBuffer(ImplicitLocOpBuilder &b,
                               const StaticMatmul &mm) {
  auto yType = MemRefType::get({mm.m, mm.n}, b.getF32Type());
  Value yBuf = memref::AllocOp::create(b, yType);
  Value cBuf =
      bufferization::ToBufferOp::create(b, yType, mm.c, b.getUnitAttr());
  memref::CopyOp::create(b, cBuf, yBuf);
  return yBuf;
}

void accel::replaceWithBuffer(ImplicitLocOpBuilder &b, linalg::MatmulOp mm,
                              Value yBuf) {
  auto yType = cast<MemRefType>(yBuf.getType());
  Value y = bufferization::ToTensorOp::create(
      b, RankedTensorType::get(yType.getShape(), yType.getElementType()), yBuf,
      b.getUnitAttr(), b.getUnitAttr());
  mm.getResult(0).replaceAllUsesWith(y);
  mm.erase();
}
