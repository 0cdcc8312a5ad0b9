//===- Sparsify.cpp - prune-gpu-sparsify ----------------------------------===//
//
// Part of mlir-prune. f16 and bf16 matmuls to warp-level tensor-core
// kernels: mma.sp for 2:4-pruned constant weights, mma for the others (f16
// on nvgpu.mma.sp.sync / nvgpu.mma.sync; bf16, which MLIR 22's NVGPU-to-NVVM
// lowering cannot type, on the same PTX instructions as inline asm). See
// Passes.td for the contract and SparseMetadata.h for the operand layout.
//
//===----------------------------------------------------------------------===//

#include "Prune/Analysis/WeightData.h"
#include "Prune/Analysis/WeightDiscovery.h"
#include "Prune/Conversion/GPU/Passes.h"
#include "Prune/Conversion/GPU/SparseMetadata.h"
#include "Prune/Dialect/Prune/IR/PruneDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNEGPUSPARSIFY
#include "Prune/Conversion/GPU/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

namespace {

/// What the kernel multiplies: W^T either as compressed 2:4 constants or as
/// the dense [K, N] right-hand side.
struct Operands {
  int64_t m = 0, n = 0, k = 0;
  bool sparse = false;
  Type elt; // f16 or bf16, of both inputs
  Value x, w, c;
  Value values, metadata; // sparse only
};

class GPUSparsifier {
public:
  GPUSparsifier(bool sparse, int64_t threshold)
      : sparse(sparse), threshold(threshold) {}

  /// Lowers `mm` or leaves it alone with a remark. Fails only on errors.
  LogicalResult run(linalg::MatmulOp mm, const WeightDiscovery &discovery,
                    bool &changed);

private:
  /// Compresses the 2:4 weight of `mm`. Returns failure on errors; sets
  /// `why` (and returns success) when the weight cannot use mma.sp.
  LogicalResult compress(linalg::MatmulOp mm, SparsityAttr s,
                         const WeightDiscovery &discovery, Operands &ops,
                         std::string &why);
  Value constant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type elt,
                 ArrayRef<char> raw, StringRef name);
  Value emit(linalg::MatmulOp mm, const Operands &ops);
  void emitKernel(ImplicitLocOpBuilder &b, gpu::LaunchOp launch,
                  const Operands &ops, Value dX, Value dA, Value dMeta,
                  Value dY);

  bool sparse;
  int64_t threshold;
};
} // namespace

template <typename T> static ArrayRef<char> bytesOf(const std::vector<T> &v) {
  return ArrayRef<char>(reinterpret_cast<const char *>(v.data()),
                        v.size() * sizeof(T));
}

Value GPUSparsifier::constant(OpBuilder &b, Location loc,
                              ArrayRef<int64_t> shape, Type elt,
                              ArrayRef<char> raw, StringRef name) {
  auto type = RankedTensorType::get(shape, elt);
  ElementsAttr value;
  if (type.getNumElements() > threshold) {
    unsigned align = elt.getIntOrFloatBitWidth() / 8;
    value = DenseResourceElementsAttr::get(
        type, name, HeapAsmResourceBlob::allocateAndCopyWithAlign(raw, align));
  } else {
    value = DenseElementsAttr::getFromRawBuffer(type, raw);
  }
  return arith::ConstantOp::create(b, loc, cast<TypedAttr>(value));
}

LogicalResult GPUSparsifier::compress(linalg::MatmulOp mm, SparsityAttr s,
                                      const WeightDiscovery &discovery,
                                      Operands &ops, std::string &why) {
  if (s.getPattern() != SparsityKind::NM || s.getN() != 2 || s.getM() != 4) {
    why = "the recorded pattern is not 2:4";
    return success();
  }
  if ((s.getOperand() && *s.getOperand() != 1) ||
      (s.getDim() && *s.getDim() != 0)) {
    why = "2:4 is not along the reduction dim of the right-hand side "
          "(operand = 1, dim = 0)";
    return success();
  }
  auto [weight, use] = discovery.getWeightAt(mm, 1);
  if (!weight) {
    why = "the right-hand side is not a constant weight";
    return success();
  }
  if (weight->type.getRank() != 2 || use->operandToConst.size() != 2 ||
      use->operandToConst[0].size() != 1 ||
      use->operandToConst[1].size() != 1 ||
      !llvm::all_of(use->path, [](Operation *p) {
        return isa<linalg::TransposeOp, tensor::CastOp, linalg::CopyOp>(p);
      })) {
    why = "the weight does not reach the matmul as a permuted 2-D matrix";
    return success();
  }
  FailureOr<WeightData> data = WeightData::get(weight->op);
  if (failed(data))
    return failure();
  if (data->getElementType() != ops.elt) {
    why = "the weight constant's element type is not the matmul's";
    return success();
  }
  int64_t kDim = use->operandToConst[0][0], nDim = use->operandToConst[1][0];
  ArrayRef<int64_t> shape = weight->type.getShape();
  int64_t kStride = kDim == 1 ? 1 : shape[1];
  int64_t nStride = nDim == 1 ? 1 : shape[1];
  // W^T: [N, K] row-major, 2:4 along K.
  std::vector<uint16_t> wt(ops.n * ops.k);
  ArrayRef<char> raw = data->getRaw();
  auto elt = [&](int64_t i) -> uint16_t {
    if (data->isSplat())
      i = 0;
    uint16_t v;
    std::memcpy(&v, raw.data() + 2 * i, 2);
    return v;
  };
  for (int64_t o = 0; o < ops.n; ++o)
    for (int64_t r = 0; r < ops.k; ++r)
      wt[o * ops.k + r] = elt(o * nStride + r * kStride);

  mmasp::Not24Error err;
  FailureOr<mmasp::Sparse24Operand> packed =
      mmasp::compress24(wt, ops.n, ops.k, /*kTile=*/16, &err);
  if (failed(packed)) {
    InFlightDiagnostic diag =
        weight->op.emitError()
        << "prune-gpu-sparsify: weight '" << weight->name
        << "' is recorded as 2:4 but column " << err.row << " has "
        << err.nonZeros << " non-zeros in reduction elements [" << err.group * 4
        << ", " << err.group * 4 + 4 << ")";
    diag.attachNote(mm.getLoc()) << "consumed here";
    return failure();
  }
  OpBuilder b(mm);
  ops.values =
      constant(b, mm.getLoc(), {ops.n, ops.k / 2}, ops.elt,
               bytesOf(packed->values), weight->name + ".mma-sp-values");
  ops.metadata = constant(b, mm.getLoc(), {ops.n / 16, ops.k / 16, 32},
                          b.getIntegerType(32), bytesOf(packed->metadata),
                          weight->name + ".mma-sp-metadata");
  ops.sparse = true;
  return success();
}

void GPUSparsifier::emitKernel(ImplicitLocOpBuilder &b, gpu::LaunchOp launch,
                               const Operands &ops, Value dX, Value dA,
                               Value dMeta, Value dY) {
  auto idx = [&](int64_t v) { return arith::ConstantIndexOp::create(b, v); };
  Type f16 = ops.elt, f32 = b.getF32Type();
  auto v2f16 = VectorType::get({2}, f16);
  bool bf16 = ops.elt.isBF16();
  Value lane = launch.getThreadIds().x;
  Value g = arith::DivUIOp::create(b, lane, idx(4));
  Value t = arith::RemUIOp::create(b, lane, idx(4));
  Value t2 = arith::MulIOp::create(b, t, idx(2));
  Value o0 = arith::MulIOp::create(b, launch.getBlockIds().x, idx(16));
  Value m0 = arith::MulIOp::create(b, launch.getBlockIds().y, idx(8));
  Value rowA0 = arith::AddIOp::create(b, o0, g);
  Value rowA1 = arith::AddIOp::create(b, rowA0, idx(8));
  Value rowB = arith::AddIOp::create(b, m0, g);
  auto accType = VectorType::get({2, 2}, f32);
  Value zero = arith::ConstantOp::create(
      b, accType, DenseElementsAttr::get(accType, b.getF32FloatAttr(0.0f)));

  // Two 2-element registers into a vector<2x2xf16> (or 4 into 4x2).
  auto pack = [&](ArrayRef<Value> regs) -> Value {
    auto type = VectorType::get({(int64_t)regs.size(), 2}, f16);
    Value v = arith::ConstantOp::create(
        b, type, DenseElementsAttr::get(type, b.getFloatAttr(f16, 0.0)));
    for (auto [i, r] : llvm::enumerate(regs))
      v = vector::InsertOp::create(b, r, v, (int64_t)i);
    return v;
  };
  auto pair = [&](Value lo, Value hi) -> Value {
    return vector::FromElementsOp::create(b, v2f16, ValueRange{lo, hi});
  };
  // bf16: one .b32 register holding two bf16 (low half first).
  auto reg = [&](OpBuilder &nb, Location loc, Value v2) -> Value {
    Value v = vector::BitCastOp::create(
        nb, loc, VectorType::get({1}, nb.getI32Type()), v2);
    return vector::ExtractOp::create(nb, loc, v, ArrayRef<int64_t>{0});
  };
  // The PTX instruction on .b32 registers: {d0..d3} = A * B + {c0..c3}.
  auto mmaAsm = [&](OpBuilder &nb, Location loc, StringRef opcode,
                    ArrayRef<Value> a, ArrayRef<Value> bRegs, Value acc,
                    Value meta) -> Value {
    SmallVector<Value> operands(a.begin(), a.end());
    operands.append(bRegs.begin(), bRegs.end());
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t j = 0; j < 2; ++j)
        operands.push_back(
            vector::ExtractOp::create(nb, loc, acc, ArrayRef<int64_t>{i, j}));
    std::string text, cons = "=f,=f,=f,=f";
    llvm::raw_string_ostream os(text);
    unsigned next = 4;
    auto group = [&](size_t count, StringRef kind) {
      os << "{";
      for (size_t i = 0; i < count; ++i) {
        os << (i ? "," : "") << "$" << next++;
        cons += (",") + kind.str();
      }
      os << "}";
    };
    os << opcode << " {$0,$1,$2,$3}, ";
    group(a.size(), "r");
    os << ", ";
    group(bRegs.size(), "r");
    os << ", ";
    group(4, "f");
    if (meta) {
      operands.push_back(meta);
      os << ", $" << next++ << ", 0x0";
      cons += ",r";
    }
    os << ";";
    auto resType = LLVM::LLVMStructType::getLiteral(
        nb.getContext(), SmallVector<Type>(4, nb.getF32Type()));
    auto asmOp = LLVM::InlineAsmOp::create(
        nb, loc, resType, operands, text, cons, /*has_side_effects=*/false,
        /*is_align_stack=*/false, LLVM::tailcallkind::TailCallKind::None,
        LLVM::AsmDialectAttr::get(nb.getContext(), LLVM::AsmDialect::AD_ATT),
        /*operand_attrs=*/ArrayAttr());
    Value d = acc;
    for (int64_t i = 0; i < 4; ++i) {
      Value v = LLVM::ExtractValueOp::create(nb, loc, asmOp.getResult(0),
                                             ArrayRef<int64_t>{i});
      d = vector::InsertOp::create(nb, loc, v, d,
                                   ArrayRef<int64_t>{i / 2, i % 2});
    }
    return d;
  };

  auto loop = scf::ForOp::create(
      b, idx(0), idx(ops.k / 16), idx(1), ValueRange{zero},
      [&](OpBuilder &nb, Location loc, Value kt, ValueRange iter) {
        ImplicitLocOpBuilder lb(loc, nb);
        auto c = [&](int64_t v) {
          return arith::ConstantIndexOp::create(lb, v);
        };
        auto add = [&](Value a, Value b2) -> Value {
          return arith::AddIOp::create(lb, a, b2);
        };
        Value k0 = arith::MulIOp::create(lb, kt, c(16));
        Value kb = add(k0, t2);
        Value kb8 = add(kb, c(8));
        // B fragment: X[m0 + g, k0 + 2t + {0,1}] and [.., k0 + 2t + 8 + ..].
        Value b0 = vector::LoadOp::create(lb, v2f16, dX, ValueRange{rowB, kb});
        Value b1 = vector::LoadOp::create(lb, v2f16, dX, ValueRange{rowB, kb8});
        Value bFrag = bf16 ? Value() : pack({b0, b1});
        Value d;
        if (ops.sparse) {
          // A fragment: the two kept values of group t of rows g and g + 8.
          Value ka = add(arith::MulIOp::create(lb, kt, c(8)), t2);
          Value a0 =
              vector::LoadOp::create(lb, v2f16, dA, ValueRange{rowA0, ka});
          Value a1 =
              vector::LoadOp::create(lb, v2f16, dA, ValueRange{rowA1, ka});
          Value meta = memref::LoadOp::create(
              lb, dMeta, ValueRange{launch.getBlockIds().x, kt, lane});
          if (bf16) {
            d = mmaAsm(lb, loc,
                       "mma.sp.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32",
                       {reg(lb, loc, a0), reg(lb, loc, a1)},
                       {reg(lb, loc, b0), reg(lb, loc, b1)}, iter[0], meta);
            scf::YieldOp::create(lb, d);
            return;
          }
          Value metaV = vector::FromElementsOp::create(
              lb, VectorType::get({1}, lb.getI32Type()), ValueRange{meta});
          Value metaI16 = vector::BitCastOp::create(
              lb, VectorType::get({2}, lb.getI16Type()), metaV);
          d = nvgpu::MmaSparseSyncOp::create(lb, pack({a0, a1}), bFrag, iter[0],
                                             metaI16, {16, 8, 16});
        } else {
          // A = W^T: A[o][k] = W[k][o].
          auto w = [&](Value k, Value o) -> Value {
            return memref::LoadOp::create(lb, dA, ValueRange{k, o});
          };
          Value kb1 = add(kb, c(1)), kb9 = add(kb, c(9));
          Value a0 = pair(w(kb, rowA0), w(kb1, rowA0));
          Value a1 = pair(w(kb, rowA1), w(kb1, rowA1));
          Value a2 = pair(w(kb8, rowA0), w(kb9, rowA0));
          Value a3 = pair(w(kb8, rowA1), w(kb9, rowA1));
          if (bf16) {
            d = mmaAsm(lb, loc,
                       "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32",
                       {reg(lb, loc, a0), reg(lb, loc, a1), reg(lb, loc, a2),
                        reg(lb, loc, a3)},
                       {reg(lb, loc, b0), reg(lb, loc, b1)}, iter[0], Value());
            scf::YieldOp::create(lb, d);
            return;
          }
          d = nvgpu::MmaSyncOp::create(lb, pack({a0, a1, a2, a3}), bFrag,
                                       iter[0], ArrayRef<int64_t>{16, 8, 16});
        }
        scf::YieldOp::create(lb, d);
      });
  // D fragment: rows (of Y^T) g and g + 8, columns 2t and 2t + 1.
  Value acc = loop.getResult(0);
  Value col0 = arith::AddIOp::create(b, m0, t2);
  Value col1 = arith::AddIOp::create(b, col0, idx(1));
  Value rows[2] = {rowA0, rowA1};
  Value cols[2] = {col0, col1};
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 2; ++j) {
      Value v = vector::ExtractOp::create(b, acc, ArrayRef<int64_t>{i, j});
      memref::StoreOp::create(b, v, dY, ValueRange{cols[j], rows[i]});
    }
  gpu::TerminatorOp::create(b);
}

Value GPUSparsifier::emit(linalg::MatmulOp mm, const Operands &ops) {
  ImplicitLocOpBuilder b(mm.getLoc(), mm);
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, v);
  };
  Type f16 = ops.elt, f32 = b.getF32Type();
  Type tokenType = gpu::AsyncTokenType::get(b.getContext());
  auto xType = MemRefType::get({ops.m, ops.k}, f16);
  auto yType = MemRefType::get({ops.m, ops.n}, f32);
  MemRefType aType, metaType;
  Value aTensor;
  if (ops.sparse) {
    aType = MemRefType::get({ops.n, ops.k / 2}, f16);
    metaType = MemRefType::get({ops.n / 16, ops.k / 16, 32}, b.getI32Type());
    aTensor = ops.values;
  } else {
    aType = MemRefType::get({ops.k, ops.n}, f16);
    aTensor = ops.w;
  }
  Value xHost =
      bufferization::ToBufferOp::create(b, xType, ops.x, b.getUnitAttr());
  Value aHost =
      bufferization::ToBufferOp::create(b, aType, aTensor, b.getUnitAttr());
  Value metaHost;
  if (ops.sparse)
    metaHost = bufferization::ToBufferOp::create(b, metaType, ops.metadata,
                                                 b.getUnitAttr());
  Value yHost = memref::AllocOp::create(b, yType);

  // One chain of async tokens: copy in, launch, copy out, free.
  Value token = gpu::WaitOp::create(b, tokenType, ValueRange{}).getAsyncToken();
  SmallVector<Value> deviceBuffers;
  auto toDevice = [&](Value host, MemRefType type, bool copy) -> Value {
    auto alloc = gpu::AllocOp::create(b, type, tokenType, ValueRange{token},
                                      ValueRange{}, ValueRange{});
    token = alloc.getAsyncToken();
    deviceBuffers.push_back(alloc.getMemref());
    if (copy)
      token = gpu::MemcpyOp::create(b, tokenType, ValueRange{token},
                                    alloc.getMemref(), host)
                  .getAsyncToken();
    return alloc.getMemref();
  };
  Value dX = toDevice(xHost, xType, true);
  Value dA = toDevice(aHost, aType, true);
  Value dMeta = ops.sparse ? toDevice(metaHost, metaType, true) : Value();
  Value dY = toDevice(yHost, yType, false);

  auto launch = gpu::LaunchOp::create(
      b, idx(ops.n / 16), idx(ops.m / 8), idx(1), idx(32), idx(1), idx(1),
      /*dynamicSharedMemorySize=*/nullptr, tokenType, ValueRange{token});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&launch.getBody().front());
    emitKernel(b, launch, ops, dX, dA, dMeta, dY);
  }
  token = launch.getAsyncToken();
  token = gpu::MemcpyOp::create(b, tokenType, ValueRange{token}, yHost, dY)
              .getAsyncToken();
  for (Value buf : deviceBuffers)
    token = gpu::DeallocOp::create(b, tokenType, ValueRange{token}, buf)
                .getAsyncToken();
  gpu::WaitOp::create(b, Type(), ValueRange{token});

  Value y = bufferization::ToTensorOp::create(
      b, RankedTensorType::get({ops.m, ops.n}, f32), yHost, b.getUnitAttr(),
      b.getUnitAttr());
  // C + Y on the host, in C's element type.
  auto cType = cast<RankedTensorType>(ops.c.getType());
  AffineMap id = b.getMultiDimIdentityMap(2);
  auto generic = linalg::GenericOp::create(
      b, TypeRange{cType}, ValueRange{y}, ValueRange{ops.c},
      ArrayRef<AffineMap>{id, id},
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                    utils::IteratorType::parallel},
      [&](OpBuilder &nb, Location loc, ValueRange args) {
        Value acc = args[1];
        if (!acc.getType().isF32())
          acc = arith::ExtFOp::create(nb, loc, f32, acc);
        Value sum = arith::AddFOp::create(nb, loc, acc, args[0]);
        if (!cType.getElementType().isF32())
          sum = arith::TruncFOp::create(nb, loc, cType.getElementType(), sum);
        linalg::YieldOp::create(nb, loc, sum);
      });
  return generic.getResult(0);
}

LogicalResult GPUSparsifier::run(linalg::MatmulOp mm,
                                 const WeightDiscovery &discovery,
                                 bool &changed) {
  auto skip = [&](const Twine &why) {
    mm.emitRemark() << "prune-gpu-sparsify: kept on the host: " << why;
    return success();
  };
  if (!mm.hasPureTensorSemantics() || mm.hasUserDefinedMaps())
    return skip("matmul with user-defined indexing maps or on buffers");
  Operands ops;
  ops.x = mm.getDpsInputs()[0];
  ops.w = mm.getDpsInputs()[1];
  ops.c = mm.getDpsInits()[0];
  auto xt = dyn_cast<RankedTensorType>(ops.x.getType());
  auto wt = dyn_cast<RankedTensorType>(ops.w.getType());
  auto ct = dyn_cast<RankedTensorType>(ops.c.getType());
  if (!xt || !wt || !ct || !xt.hasStaticShape() || !wt.hasStaticShape() ||
      !ct.hasStaticShape())
    return skip("not a static 2-D matmul");
  Type elt = xt.getElementType();
  if (!(elt.isF16() || elt.isBF16()) || wt.getElementType() != elt ||
      !(ct.getElementType() == elt || ct.getElementType().isF32()))
    return skip("only f16 or bf16 inputs (both the same) with a result of "
                "that type or f32 run on the tensor-core kernels");
  ops.elt = elt;
  ops.m = xt.getDimSize(0);
  ops.k = xt.getDimSize(1);
  ops.n = wt.getDimSize(1);
  if (ops.m % 8 || ops.n % 16 || ops.k % 16)
    return skip("the shape is not a multiple of the 8 x 16 x 16 tile (M % 8, "
                "N % 16, K % 16)");

  std::string why;
  auto s = mm->getAttrOfType<SparsityAttr>("prune.sparsity");
  if (s && !sparse)
    mm.emitRemark() << "prune-gpu-sparsify: dense MMA: sparse=false";
  else if (s) {
    if (failed(compress(mm, s, discovery, ops, why)))
      return failure();
    if (!why.empty())
      mm.emitRemark() << "prune-gpu-sparsify: dense MMA: " << why;
  }
  Value y = emit(mm, ops);
  mm.getResult(0).replaceAllUsesWith(y);
  if (elt.isF16())
    mm.emitRemark() << "prune-gpu-sparsify: "
                    << (ops.sparse ? "2:4 kernel on nvgpu.mma.sp.sync"
                                   : "dense kernel on nvgpu.mma.sync");
  else
    mm.emitRemark() << "prune-gpu-sparsify: "
                    << (ops.sparse ? "bf16 2:4 kernel on mma.sp (inline PTX)"
                                   : "bf16 dense kernel on mma (inline PTX)");
  mm.erase();
  changed = true;
  return success();
}

namespace {
struct PruneGPUSparsifyPass
    : public prune::impl::PruneGPUSparsifyBase<PruneGPUSparsifyPass> {
  using Base::Base;

  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    // gpu-module-to-binary, later in prune-gpu-pipeline, translates the
    // kernels to LLVM IR; register the translations a tool built on
    // registerAllDialects lacks (see registerAllGPUToLLVMIRTranslations).
    registerBuiltinDialectTranslation(registry);
    registerGPUDialectTranslation(registry);
    registerLLVMDialectTranslation(registry);
    registerNVVMDialectTranslation(registry);
    gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    WeightDiscovery discovery(module);
    SmallVector<linalg::MatmulOp> matmuls;
    module.walk([&](linalg::MatmulOp mm) { matmuls.push_back(mm); });
    GPUSparsifier sparsifier(sparse, resourceThreshold);
    bool changed = false;
    for (linalg::MatmulOp mm : matmuls)
      if (failed(sparsifier.run(mm, discovery, changed)))
        return signalPassFailure();
    if (changed)
      module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                      UnitAttr::get(module.getContext()));
  }
};
} // namespace
