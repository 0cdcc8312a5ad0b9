//===- Kernels.cpp - register-tiled vector matmul kernels -----------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace mlir::prune;

FailureOr<CPUTarget> mlir::prune::resolveCPUTarget(Operation *module,
                                                   StringRef name) {
  TargetAttr attr;
  MLIRContext *ctx = module->getContext();
  if (!name.empty()) {
    if (!TargetAttr::isBuiltinName(name))
      return module->emitError() << "unknown target '" << name
                                 << "'; built-in targets: x86-avx2, "
                                    "x86-avx512, aarch64-neon";
    attr = TargetAttr::get(ctx, name, {}, {}, std::nullopt, FloatAttr());
  } else if (auto a = module->getAttrOfType<TargetAttr>("prune.target")) {
    attr = a;
  } else {
    attr =
        TargetAttr::get(ctx, "x86-avx512", {}, {}, std::nullopt, FloatAttr());
  }
  attr = attr.resolved();
  StringRef n = attr.getName();
  if (n.starts_with("nvidia"))
    return module->emitError()
           << "target '" << n << "' is not a CPU; prune-sparsify emits CPU "
           << "kernels (x86-avx2, x86-avx512, aarch64-neon or a custom "
           << "target with vector_width)";
  CPUTarget t;
  t.name = n.str();
  t.attr = attr;
  int64_t bits = attr.getVectorWidth().value_or(128);
  t.lanes = std::max<int64_t>(1, bits / 32);
  // AVX2 has 16 vector registers, AVX-512 and NEON 32.
  t.accRegisters = n == "x86-avx2" || bits == 256 ? 12 : 24;
  if (auto r = getRatioValue(attr.getMinSparsity()))
    t.minSparsity = *r;
  return t;
}

KernelTile mlir::prune::chooseTile(const CPUTarget &target, int64_t m,
                                   int64_t rows) {
  KernelTile tile;
  tile.rows = rows;
  tile.lanes = target.lanes;
  // A batch narrower than a vector gets the smallest power of two that
  // holds it (batch 1: scalar code).
  while (tile.lanes > 1 && tile.lanes / 2 >= m)
    tile.lanes /= 2;
  int64_t vectors = llvm::divideCeil(m, tile.lanes);
  int64_t maxUnroll =
      std::max<int64_t>(1, std::min<int64_t>(8, target.accRegisters / rows));
  tile.unroll = 1;
  for (int64_t u = maxUnroll; u >= 1; --u)
    if (vectors % u == 0) {
      tile.unroll = u;
      break;
    }
  return tile;
}

Value mlir::prune::indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value mlir::prune::readX(OpBuilder &b, Location loc, Value xT, Value k,
                         Value mt, int64_t offset, const KernelTile &tile,
                         int64_t m) {
  auto vecTy = VectorType::get({tile.lanes}, b.getF32Type());
  Value col = mt;
  if (offset)
    col = arith::AddIOp::create(b, loc, mt, indexConst(b, loc, offset));
  Value pad = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  bool inBounds = m % (tile.lanes * tile.unroll) == 0;
  return vector::TransferReadOp::create(b, loc, vecTy, xT, ValueRange{k, col},
                                        pad, ArrayRef<bool>{inBounds});
}

Value mlir::prune::buildRowTiledKernel(OpBuilder &b, Location loc, Value x,
                                       Value acc, int64_t n,
                                       const KernelTile &tile,
                                       KernelBody body) {
  auto xTy = cast<RankedTensorType>(x.getType());
  int64_t m = xTy.getDimSize(0), k = xTy.getDimSize(1);
  Type f32 = b.getF32Type();

  // xT = transpose(x): every non-zero then reads a contiguous batch row.
  Value xTEmpty = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{k, m}, f32);
  Value xT =
      linalg::TransposeOp::create(b, loc, x, xTEmpty, ArrayRef<int64_t>{1, 0})
          .getResult()[0];
  Value xTBuf = bufferization::ToBufferOp::create(
      b, loc, MemRefType::get({k, m}, f32), xT, /*read_only=*/true);
  auto yTTy = MemRefType::get({n, m}, f32);
  Value yTBuf = memref::AllocOp::create(b, loc, yTTy, /*alignment=*/
                                        b.getI64IntegerAttr(64));

  auto vecTy = VectorType::get({tile.lanes}, f32);
  int64_t step = tile.lanes * tile.unroll;
  bool inBounds = m % step == 0;
  Value c0 = indexConst(b, loc, 0);
  scf::ParallelOp::create(
      b, loc, ValueRange{c0}, ValueRange{indexConst(b, loc, n)},
      ValueRange{indexConst(b, loc, tile.rows)},
      [&](OpBuilder &b, Location loc, ValueRange ivs) {
        Value row = ivs[0];
        scf::ForOp::create(
            b, loc, indexConst(b, loc, 0), indexConst(b, loc, m),
            indexConst(b, loc, step), ValueRange{},
            [&](OpBuilder &b, Location loc, Value mt, ValueRange) {
              Value zero = arith::ConstantOp::create(
                  b, loc, DenseElementsAttr::get(vecTy, 0.0f));
              SmallVector<Value> init(tile.rows * tile.unroll, zero);
              SmallVector<Value> accs = body(b, loc, xTBuf, row, mt, init);
              for (int64_t r = 0; r < tile.rows; ++r) {
                Value rr = row;
                if (r)
                  rr =
                      arith::AddIOp::create(b, loc, row, indexConst(b, loc, r));
                for (int64_t u = 0; u < tile.unroll; ++u) {
                  Value col = mt;
                  if (u)
                    col = arith::AddIOp::create(
                        b, loc, mt, indexConst(b, loc, u * tile.lanes));
                  vector::TransferWriteOp::create(
                      b, loc, accs[r * tile.unroll + u], yTBuf,
                      ValueRange{rr, col}, ArrayRef<bool>{inBounds});
                }
              }
              scf::YieldOp::create(b, loc);
            });
        scf::ReduceOp::create(b, loc);
      });

  Value yT = bufferization::ToTensorOp::create(
      b, loc, RankedTensorType::get({n, m}, f32), yTBuf, /*restrict=*/true,
      /*writable=*/true);
  // y = acc + transpose(yT).
  MLIRContext *ctx = b.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap tr = AffineMap::getPermutationMap(ArrayRef<unsigned>{1, 0}, ctx);
  auto generic = linalg::GenericOp::create(
      b, loc, acc.getType(), ValueRange{yT}, ValueRange{acc},
      ArrayRef<AffineMap>{tr, id},
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                    utils::IteratorType::parallel},
      [](OpBuilder &b, Location loc, ValueRange args) {
        Value s = arith::AddFOp::create(b, loc, args[1], args[0]);
        linalg::YieldOp::create(b, loc, s);
      });
  return generic.getResult(0);
}
