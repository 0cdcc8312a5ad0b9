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
#include "mlir/IR/Matchers.h"

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
  tile.vecLanes = target.lanes;
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
  tile.inBounds = m % (tile.lanes * tile.unroll) == 0;
  return tile;
}

void mlir::prune::chooseKBlock(KernelTile &tile, int64_t k, int64_t n,
                               int64_t align) {
  tile.kBlock = 0;
  tile.chunkRows = tile.rows;
  // Bytes of activation one reduction step reads for a row tile.
  int64_t rowBytes = tile.lanes * tile.unroll * 4;
  const int64_t budget = 24 * 1024;
  // A chunk of output rows shares the cached activation block; chunks are
  // also the unit of work of a thread.
  int64_t chunk = tile.rows;
  while (chunk * 2 <= 64 && n % (chunk * 2) == 0)
    chunk *= 2;
  tile.chunkRows = chunk;
  if (k * rowBytes <= budget || tile.lanes == 1)
    return;
  int64_t best = 0;
  for (int64_t kb = align; kb < k; kb += align)
    if (k % kb == 0 && kb * rowBytes <= budget)
      best = kb;
  // Tiny blocks cost more in accumulator traffic than they save.
  if (best >= 16)
    tile.kBlock = best;
}

Value mlir::prune::indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value mlir::prune::readX(OpBuilder &b, Location loc, Value xT, Value k,
                         int64_t col, const KernelTile &tile) {
  auto vecTy = VectorType::get({tile.lanes}, b.getF32Type());
  Value pad = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  // Panels are padded to whole tiles: always in bounds.
  return vector::TransferReadOp::create(b, loc, vecTy, xT,
                                        ValueRange{k, indexConst(b, loc, col)},
                                        pad, ArrayRef<bool>{true});
}

SmallVector<Value> mlir::prune::readXRow(OpBuilder &b, Location loc, Value xT,
                                         Value k, const KernelTile &tile) {
  SmallVector<Value> xv;
  for (int64_t u = 0; u < tile.unroll; ++u)
    xv.push_back(readX(b, loc, xT, k, u * tile.lanes, tile));
  return xv;
}

void mlir::prune::broadcastFMA(OpBuilder &b, Location loc, Value w,
                               ArrayRef<Value> xv, MutableArrayRef<Value> accs,
                               int64_t r, const KernelTile &tile) {
  auto vecTy = VectorType::get({tile.lanes}, b.getF32Type());
  Value bw = vector::BroadcastOp::create(b, loc, vecTy, w);
  for (int64_t u = 0; u < tile.unroll; ++u) {
    Value &a = accs[r * tile.unroll + u];
    a = vector::FMAOp::create(b, loc, bw, xv[u], a);
  }
}

/// x [M, K] -> xP [P, K, W], P = ceil(M / W): the activation transposed
/// into panels of W batch columns (the batch padded with zeros), so the rows
/// of xT that a row tile reads are contiguous. Square tiles of the target's
/// vector width are transposed in registers (vector.transpose); shapes the
/// tile does not divide use scalar loops.
static Value packActivation(OpBuilder &b, Location loc, Value x, int64_t w,
                            int64_t vecLanes) {
  auto xTy = cast<RankedTensorType>(x.getType());
  int64_t m = xTy.getDimSize(0), k = xTy.getDimSize(1);
  int64_t panels = llvm::divideCeil(m, w);
  Type f32 = b.getF32Type();
  Value xBuf = bufferization::ToBufferOp::create(
      b, loc, MemRefType::get({m, k}, f32), x, /*read_only=*/true);
  Value xP = memref::AllocOp::create(
      b, loc, MemRefType::get({panels, k, w}, f32), b.getI64IntegerAttr(64));
  int64_t t = vecLanes;
  while (t > 1 && (m % t || k % t || w % t))
    t /= 2;
  Value zeroF = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  auto forLoop = [&](OpBuilder &b, Location loc, int64_t hi, int64_t step,
                     function_ref<void(OpBuilder &, Location, Value)> fn) {
    scf::ForOp::create(b, loc, indexConst(b, loc, 0), indexConst(b, loc, hi),
                       indexConst(b, loc, step), ValueRange{},
                       [&](OpBuilder &b, Location loc, Value iv, ValueRange) {
                         fn(b, loc, iv);
                         scf::YieldOp::create(b, loc);
                       });
  };
  auto add = [&](OpBuilder &b, Location loc, Value v, int64_t c) -> Value {
    return c ? arith::AddIOp::create(b, loc, v, indexConst(b, loc, c))
                   .getResult()
             : v;
  };
  scf::ParallelOp::create(
      b, loc, ValueRange{indexConst(b, loc, 0)},
      ValueRange{indexConst(b, loc, panels)}, ValueRange{indexConst(b, loc, 1)},
      [&](OpBuilder &b, Location loc, ValueRange ivs) {
        Value p = ivs[0];
        Value pw = arith::MulIOp::create(b, loc, p, indexConst(b, loc, w));
        if (t < 4) {
          // Scalar: xP[p, kk, c] = x[p * W + c, kk] or 0 past the batch.
          forLoop(b, loc, k, 1, [&](OpBuilder &b, Location loc, Value kk) {
            forLoop(b, loc, w, 1, [&](OpBuilder &b, Location loc, Value c) {
              Value mrow = arith::AddIOp::create(b, loc, pw, c);
              Value in =
                  arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, mrow,
                                        indexConst(b, loc, m));
              Value safe = arith::MinUIOp::create(b, loc, mrow,
                                                  indexConst(b, loc, m - 1));
              Value v =
                  memref::LoadOp::create(b, loc, xBuf, ValueRange{safe, kk});
              v = arith::SelectOp::create(b, loc, in, v, zeroF);
              memref::StoreOp::create(b, loc, v, xP, ValueRange{p, kk, c});
            });
          });
          scf::ReduceOp::create(b, loc);
          return;
        }
        auto rowTy = VectorType::get({t}, f32);
        auto matTy = VectorType::get({t, t}, f32);
        forLoop(b, loc, k, t, [&](OpBuilder &b, Location loc, Value k0) {
          forLoop(b, loc, w, t, [&](OpBuilder &b, Location loc, Value c0) {
            Value m0 = arith::AddIOp::create(b, loc, pw, c0);
            auto transposeTile = [&](OpBuilder &b, Location loc) {
              Value mat = arith::ConstantOp::create(
                  b, loc, DenseElementsAttr::get(matTy, 0.0f));
              for (int64_t i = 0; i < t; ++i) {
                Value v = vector::TransferReadOp::create(
                    b, loc, rowTy, xBuf, ValueRange{add(b, loc, m0, i), k0},
                    zeroF, ArrayRef<bool>{true});
                mat = vector::InsertOp::create(b, loc, v, mat,
                                               ArrayRef<int64_t>{i});
              }
              Value tr = vector::TransposeOp::create(b, loc, mat,
                                                     ArrayRef<int64_t>{1, 0});
              for (int64_t i = 0; i < t; ++i) {
                Value v =
                    vector::ExtractOp::create(b, loc, tr, ArrayRef<int64_t>{i});
                vector::TransferWriteOp::create(
                    b, loc, v, xP, ValueRange{p, add(b, loc, k0, i), c0},
                    ArrayRef<bool>{true});
              }
            };
            if (m % w == 0) {
              transposeTile(b, loc);
              return;
            }
            // The last panel is padded with zeros.
            Value in = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                             m0, indexConst(b, loc, m));
            Value zeroRow = arith::ConstantOp::create(
                b, loc, DenseElementsAttr::get(rowTy, 0.0f));
            scf::IfOp::create(
                b, loc, in,
                [&](OpBuilder &b, Location loc) {
                  transposeTile(b, loc);
                  scf::YieldOp::create(b, loc);
                },
                [&](OpBuilder &b, Location loc) {
                  for (int64_t i = 0; i < t; ++i)
                    vector::TransferWriteOp::create(
                        b, loc, zeroRow, xP,
                        ValueRange{p, add(b, loc, k0, i), c0},
                        ArrayRef<bool>{true});
                  scf::YieldOp::create(b, loc);
                });
          });
        });
        scf::ReduceOp::create(b, loc);
      });
  return xP;
}

bool mlir::prune::isZeroFill(Value acc) {
  auto fill = acc.getDefiningOp<linalg::FillOp>();
  if (!fill)
    return false;
  FloatAttr f;
  if (!matchPattern(fill.getInputs()[0], m_Constant(&f)))
    return false;
  return f.getValue().isPosZero();
}

Value mlir::prune::buildRowTiledKernel(OpBuilder &b, Location loc, Value x,
                                       Value acc, int64_t n, int64_t k,
                                       const KernelTile &tile,
                                       KernelBody body) {
  auto xTy = cast<RankedTensorType>(x.getType());
  int64_t m = xTy.getDimSize(0);
  Type f32 = b.getF32Type();

  int64_t width = tile.lanes * tile.unroll;
  // xT = transpose(x) in panels of `width` batch columns: every non-zero
  // then reads a contiguous batch row.
  Value xP = packActivation(b, loc, x, width, tile.vecLanes);

  // The result is written in place: each row tile transposes its
  // accumulators in registers and stores (or adds) rows of y.
  auto yTy = MemRefType::get({m, n}, f32);
  Value yBuf = memref::AllocOp::create(b, loc, yTy, b.getI64IntegerAttr(64));
  bool overwrite = isZeroFill(acc);
  if (!overwrite) {
    Value accBuf = bufferization::ToBufferOp::create(b, loc, yTy, acc,
                                                     /*read_only=*/true);
    memref::CopyOp::create(b, loc, accBuf, yBuf);
  }

  int64_t kb = tile.kBlock ? tile.kBlock : k;
  int64_t nKB = k / kb;
  int64_t chunk = tile.chunkRows ? tile.chunkRows : tile.rows;
  // Partial sums of a chunk between reduction blocks.
  Value scratch;
  if (nKB > 1)
    scratch = memref::AllocOp::create(b, loc, MemRefType::get({n, width}, f32),
                                      b.getI64IntegerAttr(64));

  auto vecTy = VectorType::get({tile.lanes}, f32);
  auto matTy = VectorType::get({tile.rows, tile.lanes}, f32);
  auto outTy = VectorType::get({tile.rows}, f32);

  // Stores the finished accumulators of row tile `row` at batch `mt`.
  auto epilogue = [&](OpBuilder &b, Location loc, Value row, Value mt,
                      ArrayRef<Value> accs) {
    Value pad = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    for (int64_t u = 0; u < tile.unroll; ++u) {
      Value mat = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(matTy, 0.0f));
      for (int64_t r = 0; r < tile.rows; ++r)
        mat = vector::InsertOp::create(b, loc, accs[r * tile.unroll + u], mat,
                                       ArrayRef<int64_t>{r});
      Value tr =
          vector::TransposeOp::create(b, loc, mat, ArrayRef<int64_t>{1, 0});
      for (int64_t l = 0; l < tile.lanes; ++l) {
        Value mrow = arith::AddIOp::create(
            b, loc, mt, indexConst(b, loc, u * tile.lanes + l));
        Value v = vector::ExtractOp::create(b, loc, tr, ArrayRef<int64_t>{l});
        auto store = [&](OpBuilder &b, Location loc) {
          if (!overwrite) {
            Value old = vector::TransferReadOp::create(
                b, loc, outTy, yBuf, ValueRange{mrow, row}, pad,
                ArrayRef<bool>{true});
            v = arith::AddFOp::create(b, loc, old, v);
          }
          vector::TransferWriteOp::create(
              b, loc, v, yBuf, ValueRange{mrow, row}, ArrayRef<bool>{true});
        };
        if (tile.inBounds) {
          store(b, loc);
          continue;
        }
        Value in = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                         mrow, indexConst(b, loc, m));
        scf::IfOp::create(b, loc, in, [&](OpBuilder &b, Location loc) {
          store(b, loc);
          scf::YieldOp::create(b, loc);
        });
      }
    }
  };

  auto forLoop = [&](OpBuilder &b, Location loc, int64_t lo, Value loV,
                     int64_t hi, Value hiV, int64_t step,
                     function_ref<void(OpBuilder &, Location, Value)> fn) {
    scf::ForOp::create(b, loc, loV ? loV : indexConst(b, loc, lo),
                       hiV ? hiV : indexConst(b, loc, hi),
                       indexConst(b, loc, step), ValueRange{},
                       [&](OpBuilder &b, Location loc, Value iv, ValueRange) {
                         fn(b, loc, iv);
                         scf::YieldOp::create(b, loc);
                       });
  };

  scf::ParallelOp::create(
      b, loc, ValueRange{indexConst(b, loc, 0)},
      ValueRange{indexConst(b, loc, n)}, ValueRange{indexConst(b, loc, chunk)},
      [&](OpBuilder &b, Location loc, ValueRange ivs) {
        Value c0 = ivs[0];
        Value cEnd =
            arith::AddIOp::create(b, loc, c0, indexConst(b, loc, chunk));
        forLoop(
            b, loc, 0, {}, m, {}, width,
            [&](OpBuilder &b, Location loc, Value mt) {
              // The tile's panel of xT.
              Value panel =
                  arith::DivUIOp::create(b, loc, mt, indexConst(b, loc, width));
              auto viewTy = MemRefType::get(
                  {k, width}, f32,
                  StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic,
                                         {width, 1}));
              Value view = memref::SubViewOp::create(
                  b, loc, viewTy, xP,
                  ArrayRef<OpFoldResult>{panel, b.getIndexAttr(0),
                                         b.getIndexAttr(0)},
                  ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(k),
                                         b.getIndexAttr(width)},
                  ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1),
                                         b.getIndexAttr(1)});
              forLoop(
                  b, loc, 0, {}, k, {}, kb,
                  [&](OpBuilder &b, Location loc, Value k0) {
                    Value k1 = arith::AddIOp::create(b, loc, k0,
                                                     indexConst(b, loc, kb));
                    forLoop(
                        b, loc, 0, c0, 0, cEnd, tile.rows,
                        [&](OpBuilder &b, Location loc, Value row) {
                          Value zero = arith::ConstantOp::create(
                              b, loc, DenseElementsAttr::get(vecTy, 0.0f));
                          SmallVector<Value> init(tile.rows * tile.unroll,
                                                  zero);
                          auto rowOf = [&](OpBuilder &b, int64_t r) -> Value {
                            return r ? arith::AddIOp::create(
                                           b, loc, row, indexConst(b, loc, r))
                                           .getResult()
                                     : row;
                          };
                          if (nKB > 1) {
                            // Block 0 starts from zero, the others from the
                            // scratch.
                            Value first = arith::CmpIOp::create(
                                b, loc, arith::CmpIPredicate::eq, k0,
                                indexConst(b, loc, 0));
                            auto ifOp = scf::IfOp::create(
                                b, loc, first,
                                [&](OpBuilder &b, Location loc) {
                                  scf::YieldOp::create(b, loc, init);
                                },
                                [&](OpBuilder &b, Location loc) {
                                  SmallVector<Value> loaded;
                                  Value pad = arith::ConstantOp::create(
                                      b, loc, b.getF32FloatAttr(0.0f));
                                  for (int64_t r = 0; r < tile.rows; ++r)
                                    for (int64_t u = 0; u < tile.unroll; ++u)
                                      loaded.push_back(
                                          vector::TransferReadOp::create(
                                              b, loc, vecTy, scratch,
                                              ValueRange{
                                                  rowOf(b, r),
                                                  indexConst(b, loc,
                                                             u * tile.lanes)},
                                              pad, ArrayRef<bool>{true}));
                                  scf::YieldOp::create(b, loc, loaded);
                                });
                            init.assign(ifOp.getResults().begin(),
                                        ifOp.getResults().end());
                          }
                          SmallVector<Value> accs =
                              body(b, loc, view, row, k0, k1, init);
                          if (nKB == 1) {
                            epilogue(b, loc, row, mt, accs);
                            return;
                          }
                          Value last = arith::CmpIOp::create(
                              b, loc, arith::CmpIPredicate::eq, k0,
                              indexConst(b, loc, k - kb));
                          scf::IfOp::create(
                              b, loc, last,
                              [&](OpBuilder &b, Location loc) {
                                epilogue(b, loc, row, mt, accs);
                                scf::YieldOp::create(b, loc);
                              },
                              [&](OpBuilder &b, Location loc) {
                                for (int64_t r = 0; r < tile.rows; ++r)
                                  for (int64_t u = 0; u < tile.unroll; ++u)
                                    vector::TransferWriteOp::create(
                                        b, loc, accs[r * tile.unroll + u],
                                        scratch,
                                        ValueRange{
                                            rowOf(b, r),
                                            indexConst(b, loc, u * tile.lanes)},
                                        ArrayRef<bool>{true});
                                scf::YieldOp::create(b, loc);
                              });
                        });
                  });
            });
        scf::ReduceOp::create(b, loc);
      });

  return bufferization::ToTensorOp::create(b, loc, acc.getType(), yBuf,
                                           /*restrict=*/true,
                                           /*writable=*/true);
}
