//===- Sparsify.cpp - prune-sparsify --------------------------------------===//
//
// Part of mlir-prune. Compresses pruned matmul weights at compile time (N:M
// values + positions, BSR, CSR) and replaces the matmul with a register-tiled
// vector kernel that touches only the stored non-zeros.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "Prune/Analysis/WeightData.h"
#include "Prune/Analysis/WeightDiscovery.h"
#include "Prune/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNESPARSIFY
#include "Prune/Conversion/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

namespace {

/// The weight as the kernels see it: wt[o * k + r], o an output column of
/// the matmul, r a reduction index.
struct Matrix {
  int64_t n = 0, k = 0;
  std::vector<float> wt;
  float at(int64_t o, int64_t r) const { return wt[o * k + r]; }
};

/// A compressed weight and how to emit its kernel.
struct Plan {
  SparsityKind kind;
  int64_t n = 0, m = 0;      // N:M
  int64_t br = 1, bc = 1;    // BSR block (1x1: CSR)
  std::vector<float> values; // N:M [N, K*n/m]; BSR [nnzb, br, bc]
  std::vector<int8_t> positions;
  std::vector<int32_t> rowptr, cols;
  int64_t nnzb = 0;
  int64_t denseBytes = 0, packedBytes = 0;
  /// Kernel variant for the remark ("" or "dot": the small-batch N:M
  /// kernel with position bit masks).
  std::string kernel;
};

class Sparsifier {
public:
  Sparsifier(ModuleOp module, const CPUTarget &target, int64_t threshold)
      : module(module), target(target), threshold(threshold) {}

  /// Lowers `op` or leaves it dense with a remark. Fails only on errors
  /// (unreadable weight data).
  LogicalResult run(linalg::LinalgOp op, SparsityAttr sparsity,
                    const WeightDiscovery &discovery);

private:
  /// Returns a reason to stay dense, or empty on success.
  /// `nmDim`: the weight dim N:M groups must run along (the reduction dim
  /// of the matmul's [K, N] operand; the input channels of a filter).
  std::string plan(SparsityAttr s, const Matrix &w, Plan &p, int64_t nmDim = 0);
  Value constant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type elt,
                 ArrayRef<char> raw, StringRef name, StringRef what);
  /// Emits the kernel of `p`; updates `p.packedBytes` and `p.kernel` for
  /// the format the kernel reads.
  Value emit(OpBuilder &b, Location loc, Value x, Value acc, Plan &p,
             StringRef weightName);
  /// Lanes of the small-batch N:M kernel, or 0 when it does not apply (not
  /// x86, batch above kNMDotMaxBatch, m > 16, kept weights per row not a
  /// multiple of the vector width).
  int64_t nmDotLanes(const Plan &p, int64_t batch, int64_t k) const;
  /// Selection mask bits per kept weight of that kernel: ceil(log2 m).
  static int64_t nmDotBits(const Plan &p);
  /// Small-batch N:M kernel: dot products along K, a vector of kept weights
  /// per step, their activations selected in registers by position bit
  /// masks (no gathers, 2 bits of metadata per kept weight for m = 4).
  Value emitNMDot(OpBuilder &b, Location loc, Value x, Value acc, const Plan &p,
                  StringRef weightName);
  /// Lowers a pruned linalg.conv_2d_nhwc_hwcf: im2col patches [N*OH*OW,
  /// KH*KW*C] times the filter as an [F, KH*KW*C] matrix, by the same
  /// kernels.
  LogicalResult runConv(linalg::Conv2DNhwcHwcfOp conv, SparsityAttr s,
                        const WeightDiscovery &discovery,
                        function_ref<LogicalResult(const Twine &)> dense);

  ModuleOp module;
  CPUTarget target;
  int64_t threshold;
};
} // namespace

/// String attribute prune-sparsify leaves on a contraction it kept dense
/// ("kept dense: <why>") and on the result of a kernel it emitted.
static constexpr StringLiteral kLoweringAttr = PruneDialect::kLoweringAttrName;

static std::string fmtBytes(int64_t b) { return std::to_string(b) + " B"; }

LogicalResult Sparsifier::run(linalg::LinalgOp linalgOp, SparsityAttr s,
                              const WeightDiscovery &discovery) {
  Operation *op = linalgOp;
  // The decision is also recorded on the op (prune-report lists it).
  auto dense = [&](const Twine &why) {
    op->emitRemark() << "prune-sparsify: kept dense: " << why;
    op->setAttr(kLoweringAttr,
                StringAttr::get(op->getContext(), "kept dense: " + why));
    // The record names a tensor operand; the op is bufferized as it is
    // (the weight constant keeps its own record for prune-report).
    op->removeAttr(PruneDialect::kSparsityAttrName);
    return success();
  };
  if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op))
    return runConv(conv, s, discovery, dense);
  auto mm = dyn_cast<linalg::MatmulOp>(op);
  if (!mm)
    return dense("only linalg.matmul and linalg.conv_2d_nhwc_hwcf are "
                 "lowered to sparse kernels");
  if (!mm.hasPureTensorSemantics() || mm.hasUserDefinedMaps())
    return dense("matmul with user-defined indexing maps or on buffers");
  for (Value v : op->getOperands()) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t || t.getRank() != 2 || !t.hasStaticShape() ||
        !t.getElementType().isF32())
      return dense("not a static 2-D f32 matmul");
  }
  if (s.isStructural())
    return dense("structural patterns are removed by pruning, not lowered");
  if (s.getOperand() && *s.getOperand() != 1)
    return dense("the weight is not the right-hand side (operand 1)");

  auto [weight, use] = discovery.getWeightAt(op, 1);
  if (!weight)
    return dense("the right-hand side is not a constant weight");
  if (weight->type.getRank() != 2 || use->operandToConst.size() != 2 ||
      use->operandToConst[0].size() != 1 || use->operandToConst[1].size() != 1)
    return dense("the weight does not reach the matmul as a permuted 2-D "
                 "matrix");
  for (Operation *p : use->path)
    if (!isa<linalg::TransposeOp, tensor::CastOp, linalg::CopyOp,
             arith::ExtFOp>(p))
      return dense(Twine("the weight reaches the matmul through '") +
                   p->getName().getStringRef() + "'");

  FailureOr<WeightData> data = WeightData::get(weight->op);
  if (failed(data))
    return failure();
  Matrix w;
  w.k = cast<RankedTensorType>(op->getOperand(1).getType()).getDimSize(0);
  w.n = cast<RankedTensorType>(op->getOperand(1).getType()).getDimSize(1);
  int64_t kDim = use->operandToConst[0][0], nDim = use->operandToConst[1][0];
  ArrayRef<int64_t> shape = weight->type.getShape();
  if (shape[kDim] != w.k || shape[nDim] != w.n)
    return dense("weight shape does not match the matmul");
  int64_t kStride = kDim == 1 ? 1 : shape[1];
  int64_t nStride = nDim == 1 ? 1 : shape[1];
  w.wt.resize(w.n * w.k);
  std::vector<float> flat;
  data->toFloat(flat);
  for (int64_t o = 0; o < w.n; ++o)
    for (int64_t r = 0; r < w.k; ++r)
      w.wt[o * w.k + r] = flat[o * nStride + r * kStride];

  Plan p;
  std::string why = plan(s, w, p);
  if (!why.empty())
    return dense(why);

  OpBuilder b(op);
  Value y = emit(b, op->getLoc(), mm.getInputs()[0], mm.getOutputs()[0], p,
                 weight->name);
  op->getResult(0).replaceAllUsesWith(y);
  std::string desc;
  llvm::raw_string_ostream os(desc);
  if (p.kind == SparsityKind::NM)
    os << p.n << ":" << p.m << " kernel"
       << (p.kernel == "dot" ? " (dot, position masks)" : "");
  else if (p.kind == SparsityKind::Block)
    os << "BSR " << p.br << "x" << p.bc << " kernel (" << p.nnzb << " blocks)";
  else
    os << "CSR kernel (" << p.nnzb << " non-zeros)";
  os << " for " << target.name << ", weight " << fmtBytes(p.denseBytes)
     << " -> " << fmtBytes(p.packedBytes);
  op->emitRemark() << "prune-sparsify: " << desc;
  if (Operation *def = y.getDefiningOp())
    def->setAttr(kLoweringAttr,
                 StringAttr::get(op->getContext(), "sparse: " + desc +
                                                       " (weight '" +
                                                       weight->name + "')"));
  return success();
}

LogicalResult
Sparsifier::runConv(linalg::Conv2DNhwcHwcfOp conv, SparsityAttr s,
                    const WeightDiscovery &discovery,
                    function_ref<LogicalResult(const Twine &)> dense) {
  Operation *op = conv;
  if (!conv.hasPureTensorSemantics())
    return dense("convolution on buffers");
  for (Value v : op->getOperands()) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t || t.getRank() != 4 || !t.hasStaticShape() ||
        !t.getElementType().isF32())
      return dense("not a static 4-D f32 convolution");
  }
  if (s.isStructural())
    return dense("structural patterns are removed by pruning, not lowered");
  if (s.getOperand() && *s.getOperand() != 1)
    return dense("the weight is not the filter (operand 1)");
  if (s.getPattern() == SparsityKind::Block)
    return dense("block patterns on convolution filters are not lowered");
  auto [weight, use] = discovery.getWeightAt(op, 1);
  if (!weight || !use->path.empty() ||
      weight->type != op->getOperand(1).getType())
    return dense("the filter is not a constant used as is");
  ArrayRef<int64_t> fs = weight->type.getShape(); // [KH, KW, C, F]
  int64_t kh = fs[0], kw = fs[1], c = fs[2], f = fs[3];
  if (s.getPattern() == SparsityKind::NM) {
    if (s.getDim() && *s.getDim() != 2)
      return dense("N:M groups do not run along the input channels");
    if (s.getM() && c % *s.getM())
      return dense("input channels " + std::to_string(c) +
                   " are not a multiple of m = " + std::to_string(*s.getM()));
  }
  FailureOr<WeightData> data = WeightData::get(weight->op);
  if (failed(data))
    return failure();
  std::vector<float> flat;
  data->toFloat(flat);
  // wt[f][(i * KW + j) * C + ch] = filter[i][j][ch][f]: N:M groups along the
  // channels stay contiguous.
  Matrix w;
  w.n = f;
  w.k = kh * kw * c;
  w.wt.resize(w.n * w.k);
  for (int64_t r = 0; r < w.k; ++r)
    for (int64_t o = 0; o < f; ++o)
      w.wt[o * w.k + r] = flat[r * f + o];
  Plan p;
  std::string why = plan(s, w, p, /*nmDim=*/2);
  if (!why.empty())
    return dense(why);

  auto strides = llvm::to_vector(conv.getStrides().getValues<int64_t>());
  auto dil = llvm::to_vector(conv.getDilations().getValues<int64_t>());
  Value x = conv.getInputs()[0], acc = conv.getOutputs()[0];
  auto xTy = cast<RankedTensorType>(x.getType());
  auto yTy = cast<RankedTensorType>(acc.getType()); // [N, OH, OW, F]
  int64_t nb = yTy.getDimSize(0), oh = yTy.getDimSize(1),
          ow = yTy.getDimSize(2);
  OpBuilder b(op);
  Location loc = op->getLoc();
  MLIRContext *ctx = b.getContext();
  // patches[n, y, x, i, j, ch] = input[n, y*sh + i*dh, x*sw + j*dw, ch].
  SmallVector<AffineExpr> d;
  for (unsigned i = 0; i < 6; ++i)
    d.push_back(getAffineDimExpr(i, ctx));
  AffineMap inMap = AffineMap::get(6, 0,
                                   {d[0], d[1] * strides[0] + d[3] * dil[0],
                                    d[2] * strides[1] + d[4] * dil[1], d[5]},
                                   ctx);
  AffineMap outMap = AffineMap::getMultiDimIdentityMap(6, ctx);
  auto pTy = RankedTensorType::get({nb, oh, ow, kh, kw, c}, b.getF32Type());
  Value empty = tensor::EmptyOp::create(b, loc, pTy.getShape(), b.getF32Type());
  auto im2col = linalg::GenericOp::create(
      b, loc, TypeRange{pTy}, ValueRange{x}, ValueRange{empty},
      ArrayRef<AffineMap>{inMap, outMap},
      SmallVector<utils::IteratorType>(6, utils::IteratorType::parallel),
      [](OpBuilder &b, Location loc, ValueRange args) {
        linalg::YieldOp::create(b, loc, args[0]);
      });
  (void)xTy;
  Value patches = tensor::CollapseShapeOp::create(
      b, loc,
      RankedTensorType::get({nb * oh * ow, kh * kw * c}, b.getF32Type()),
      im2col.getResult(0),
      ArrayRef<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}});
  Value acc2 = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({nb * oh * ow, f}, b.getF32Type()), acc,
      ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}});
  Value y2 = emit(b, loc, patches, acc2, p, weight->name);
  Operation *kernel = y2.getDefiningOp();
  Value y = tensor::ExpandShapeOp::create(
      b, loc, yTy, y2, ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}});
  op->getResult(0).replaceAllUsesWith(y);
  std::string desc;
  llvm::raw_string_ostream os(desc);
  if (p.kind == SparsityKind::NM)
    os << p.n << ":" << p.m << " kernel"
       << (p.kernel == "dot" ? " (dot, position masks)" : "");
  else
    os << "CSR kernel (" << p.nnzb << " non-zeros)";
  os << " on im2col patches for " << target.name << ", weight "
     << fmtBytes(p.denseBytes) << " -> " << fmtBytes(p.packedBytes);
  op->emitRemark() << "prune-sparsify: " << desc;
  if (kernel)
    kernel->setAttr(kLoweringAttr,
                    StringAttr::get(ctx, "sparse: " + desc + " (weight '" +
                                             weight->name + "')"));
  return success();
}

std::string Sparsifier::plan(SparsityAttr s, const Matrix &w, Plan &p,
                             int64_t nmDim) {
  p.kind = s.getPattern();
  p.denseBytes = w.n * w.k * 4;
  switch (p.kind) {
  case SparsityKind::NM: {
    if (!s.getN() || !s.getM())
      return "N:M pattern without n and m";
    p.n = *s.getN();
    p.m = *s.getM();
    if (s.getDim() && *s.getDim() != nmDim)
      return "N:M groups do not run along the reduction dim";
    if (!target.attr.supportsNM(p.n, p.m))
      return "target '" + target.name + "' does not run " +
             std::to_string(p.n) + ":" + std::to_string(p.m);
    if (p.m > 127)
      return "group size does not fit the i8 positions";
    if (w.k % p.m)
      return "reduction size " + std::to_string(w.k) +
             " is not a multiple of m = " + std::to_string(p.m);
    int64_t groups = w.k / p.m, j = groups * p.n;
    p.values.assign(w.n * j, 0.0f);
    p.positions.assign(w.n * j, 0);
    for (int64_t o = 0; o < w.n; ++o)
      for (int64_t g = 0; g < groups; ++g) {
        int64_t cnt = 0;
        SmallVector<int64_t, 8> zeros;
        for (int64_t q = 0; q < p.m; ++q) {
          float v = w.at(o, g * p.m + q);
          if (v == 0.0f) {
            zeros.push_back(q);
            continue;
          }
          if (cnt == p.n)
            return "weight data does not match the recorded " +
                   std::to_string(p.n) + ":" + std::to_string(p.m) +
                   " pattern (output " + std::to_string(o) + ", group " +
                   std::to_string(g) + " has more than " + std::to_string(p.n) +
                   " non-zeros)";
          p.values[o * j + g * p.n + cnt] = v;
          p.positions[o * j + g * p.n + cnt] = q;
          ++cnt;
        }
        // Pad with zero values at positions that hold zeros.
        for (int64_t z = 0; cnt < p.n; ++cnt, ++z)
          p.positions[o * j + g * p.n + cnt] = zeros[z];
      }
    p.packedBytes = w.n * j * 5;
    return "";
  }
  case SparsityKind::Block:
  case SparsityKind::Unstructured: {
    if (p.kind == SparsityKind::Block) {
      ArrayRef<int64_t> blk = s.getBlock();
      if (blk.size() != 2)
        return "block pattern without a 2-D block shape";
      p.br = blk[0];
      p.bc = blk[1];
      if (w.n % p.br || w.k % p.bc)
        return "block " + std::to_string(p.br) + "x" + std::to_string(p.bc) +
               " does not tile the " + std::to_string(w.n) + "x" +
               std::to_string(w.k) + " (output x reduction) weight";
    }
    int64_t nbr = w.n / p.br, nbc = w.k / p.bc;
    p.rowptr.assign(nbr + 1, 0);
    for (int64_t i = 0; i < nbr; ++i) {
      for (int64_t jb = 0; jb < nbc; ++jb) {
        bool any = false;
        for (int64_t r = 0; r < p.br && !any; ++r)
          for (int64_t c = 0; c < p.bc && !any; ++c)
            any = w.at(i * p.br + r, jb * p.bc + c) != 0.0f;
        if (!any)
          continue;
        p.cols.push_back(jb);
        for (int64_t r = 0; r < p.br; ++r)
          for (int64_t c = 0; c < p.bc; ++c)
            p.values.push_back(w.at(i * p.br + r, jb * p.bc + c));
      }
      p.rowptr[i + 1] = p.cols.size();
    }
    p.nnzb = p.cols.size();
    double zeroFrac = 1.0 - double(p.nnzb) / double(nbr * nbc);
    // Block kernels reuse every activation load over the block rows, so they
    // pay off from half zeros; 1x1 (CSR) needs the target's min_sparsity.
    double minZero = p.kind == SparsityKind::Block ? 0.5 : target.minSparsity;
    if (zeroFrac < minZero) {
      std::string pct = std::to_string(int64_t(zeroFrac * 1000 + 0.5) / 10);
      return "cost model: " + pct + "% zero " +
             (p.kind == SparsityKind::Block ? "blocks" : "weights") +
             " is below the " + std::to_string(int64_t(minZero * 100)) +
             "% where sparse code beats dense on '" + target.name + "'";
    }
    if (p.nnzb == 0) {
      p.values.assign(p.br * p.bc, 0.0f);
      p.cols.assign(1, 0);
    }
    p.packedBytes = p.nnzb * (p.br * p.bc * 4 + 4) + (nbr + 1) * 4;
    return "";
  }
  default:
    return "pattern is not lowered";
  }
}

Value Sparsifier::constant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                           Type elt, ArrayRef<char> raw, StringRef name,
                           StringRef what) {
  auto type = RankedTensorType::get(shape, elt);
  ElementsAttr value;
  if (type.getNumElements() > threshold) {
    unsigned align = elt.getIntOrFloatBitWidth() / 8;
    value = DenseResourceElementsAttr::get(
        type, (name + "." + what).str(),
        HeapAsmResourceBlob::allocateAndCopyWithAlign(raw, align));
  } else {
    value = DenseElementsAttr::getFromRawBuffer(type, raw);
  }
  return arith::ConstantOp::create(b, loc, cast<TypedAttr>(value));
}

template <typename T> static ArrayRef<char> bytes(const std::vector<T> &v) {
  return ArrayRef<char>(reinterpret_cast<const char *>(v.data()),
                        v.size() * sizeof(T));
}

Value Sparsifier::emit(OpBuilder &b, Location loc, Value x, Value acc, Plan &p,
                       StringRef weightName) {
  auto xTy = cast<RankedTensorType>(x.getType());
  int64_t mBatch = xTy.getDimSize(0), k = xTy.getDimSize(1);
  int64_t n = cast<RankedTensorType>(acc.getType()).getDimSize(1);
  Type f32 = b.getF32Type(), i8 = b.getI8Type(), i32 = b.getI32Type();
  auto toBuf = [&](Value t) -> Value {
    auto ty = cast<RankedTensorType>(t.getType());
    return bufferization::ToBufferOp::create(
        b, loc, MemRefType::get(ty.getShape(), ty.getElementType()), t,
        /*read_only=*/true);
  };
  auto castIdx = [&](OpBuilder &b, Value v) -> Value {
    return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), v);
  };

  if (p.kind == SparsityKind::NM && nmDotLanes(p, mBatch, k)) {
    int64_t j = k / p.m * p.n;
    p.packedBytes = n * j * 4 + n * j * nmDotBits(p) / 8;
    p.kernel = "dot";
    return emitNMDot(b, loc, x, acc, p, weightName);
  }
  if (p.kind == SparsityKind::NM) {
    int64_t j = k / p.m * p.n;
    int64_t rows = 1;
    for (int64_t r : {4, 2})
      if (n % r == 0) {
        rows = r;
        break;
      }
    KernelTile tile = chooseTile(target, mBatch, rows);
    // Every kept weight reads its own activation row (no reuse across the
    // row tile), so the rows of a reduction block are kept in L1.
    chooseKBlock(tile, k, n, p.m);
    // The kernel visits (chunk of rows, reduction block, row): values and
    // positions are stored in that order, [N * nKB, jb] with row
    // ((o / chunk) * nKB + kb) * chunk + o % chunk, so that they stream
    // (with one block this is the plain [N, K*n/m] layout).
    int64_t nKB = tile.kBlock ? k / tile.kBlock : 1;
    int64_t chunk = tile.chunkRows ? tile.chunkRows : rows;
    int64_t jb = j / nKB;
    std::vector<float> bv(p.values.size());
    std::vector<int8_t> bpos(p.positions.size());
    for (int64_t o = 0; o < n; ++o)
      for (int64_t kb = 0; kb < nKB; ++kb) {
        int64_t prow = ((o / chunk) * nKB + kb) * chunk + o % chunk;
        for (int64_t t = 0; t < jb; ++t) {
          bv[prow * jb + t] = p.values[o * j + kb * jb + t];
          bpos[prow * jb + t] = p.positions[o * j + kb * jb + t];
        }
      }
    Value vals = toBuf(constant(b, loc, {n * nKB, jb}, f32, bytes(bv),
                                weightName, "nm-values"));
    Value pos = toBuf(constant(b, loc, {n * nKB, jb}, i8, bytes(bpos),
                               weightName, "nm-positions"));
    return buildRowTiledKernel(
        b, loc, x, acc, n, k, tile,
        [&](OpBuilder &b, Location loc, Value xT, Value row, Value kLo,
            Value kHi, ValueRange init) -> SmallVector<Value> {
          Value mC = indexConst(b, loc, p.m);
          Value gLo = arith::DivUIOp::create(b, loc, kLo, mC);
          // Physical row of output `o` in this block.
          Value kbIdx =
              arith::DivUIOp::create(b, loc, kLo, indexConst(b, loc, k / nKB));
          Value chunkC = indexConst(b, loc, chunk);
          Value pBase = arith::MulIOp::create(
              b, loc,
              arith::AddIOp::create(
                  b, loc,
                  arith::MulIOp::create(
                      b, loc, arith::DivUIOp::create(b, loc, row, chunkC),
                      indexConst(b, loc, nKB)),
                  kbIdx),
              chunkC);
          Value pRow = arith::AddIOp::create(
              b, loc, pBase, arith::RemUIOp::create(b, loc, row, chunkC));
          auto loop = scf::ForOp::create(
              b, loc, gLo, arith::DivUIOp::create(b, loc, kHi, mC),
              indexConst(b, loc, 1), init,
              [&](OpBuilder &b, Location loc, Value g, ValueRange accs) {
                SmallVector<Value> next(accs.begin(), accs.end());
                Value base =
                    arith::MulIOp::create(b, loc, g, indexConst(b, loc, p.m));
                Value jBase = arith::MulIOp::create(
                    b, loc, arith::SubIOp::create(b, loc, g, gLo),
                    indexConst(b, loc, p.n));
                for (int64_t r = 0; r < tile.rows; ++r) {
                  // Rows of a tile are consecutive inside one chunk.
                  Value o = r ? arith::AddIOp::create(b, loc, pRow,
                                                      indexConst(b, loc, r))
                                    .getResult()
                              : pRow;
                  for (int64_t q = 0; q < p.n; ++q) {
                    Value jj = q ? arith::AddIOp::create(b, loc, jBase,
                                                         indexConst(b, loc, q))
                                       .getResult()
                                 : jBase;
                    Value v =
                        memref::LoadOp::create(b, loc, vals, ValueRange{o, jj});
                    Value ps =
                        memref::LoadOp::create(b, loc, pos, ValueRange{o, jj});
                    Value kk =
                        arith::AddIOp::create(b, loc, base, castIdx(b, ps));
                    SmallVector<Value> xv = readXRow(b, loc, xT, kk, tile);
                    broadcastFMA(b, loc, v, xv, next, r, tile);
                  }
                }
                scf::YieldOp::create(b, loc, next);
              });
          return SmallVector<Value>(loop.getResults());
        });
  }

  // BSR (CSR: 1x1 blocks).
  StringRef prefix = p.kind == SparsityKind::Block ? "bsr" : "csr";
  int64_t nb = std::max<int64_t>(p.nnzb, 1);
  Value vals = toBuf(constant(b, loc, {nb, p.br, p.bc}, f32, bytes(p.values),
                              weightName, (prefix + "-values").str()));
  Value cols = toBuf(constant(b, loc, {nb}, i32, bytes(p.cols), weightName,
                              (prefix + "-cols").str()));
  Value rowptr =
      toBuf(constant(b, loc, {(int64_t)p.rowptr.size()}, i32, bytes(p.rowptr),
                     weightName, (prefix + "-rowptr").str()));
  // Block rows taller than the register file run as several row tiles over
  // the same blocks. CSR rows are independent: a tile takes several of
  // them (one loop over the non-zeros of each), so that the epilogue
  // writes vectors of the result rather than single elements.
  bool csr = p.br == 1 && p.bc == 1;
  int64_t rows = p.br;
  while (rows > target.accRegisters || p.br % rows)
    --rows;
  if (csr)
    for (int64_t r : {4, 2})
      if (n % r == 0) {
        rows = r;
        break;
      }
  KernelTile tile = chooseTile(target, mBatch, rows);
  tile.chunkRows = rows;
  return buildRowTiledKernel(
      b, loc, x, acc, n, k, tile,
      [&](OpBuilder &b, Location loc, Value xT, Value row, Value, Value,
          ValueRange init) -> SmallVector<Value> {
        // Adds block `blk` to the accumulators `next` of `count` rows,
        // block row offset `rOff`.
        auto addBlock = [&](OpBuilder &b, Location loc, Value blk, Value rOff,
                            int64_t count, MutableArrayRef<Value> next) {
          Value kc = castIdx(b, memref::LoadOp::create(b, loc, cols, blk));
          if (p.bc != 1)
            kc = arith::MulIOp::create(b, loc, kc, indexConst(b, loc, p.bc));
          for (int64_t c = 0; c < p.bc; ++c) {
            Value kk =
                c ? arith::AddIOp::create(b, loc, kc, indexConst(b, loc, c))
                        .getResult()
                  : kc;
            SmallVector<Value> xv = readXRow(b, loc, xT, kk, tile);
            for (int64_t r = 0; r < count; ++r) {
              Value rr =
                  arith::AddIOp::create(b, loc, rOff, indexConst(b, loc, r));
              Value v = memref::LoadOp::create(
                  b, loc, vals, ValueRange{blk, rr, indexConst(b, loc, c)});
              broadcastFMA(b, loc, v, xv, next, r, tile);
            }
          }
        };
        // Runs blocks [lo, hi) of one block row into `accsIn`.
        auto runBlocks = [&](OpBuilder &b, Location loc, Value lo, Value hi,
                             Value rOff, int64_t count,
                             ArrayRef<Value> accsIn) -> SmallVector<Value> {
          SmallVector<Value> accs0(accsIn);
          int64_t nAcc = accs0.size();
          // Few accumulators (CSR at a small batch): one FMA chain per
          // accumulator would be latency bound, so `sets` blocks are
          // processed at once into independent accumulator sets, summed
          // before the remaining blocks.
          int64_t sets = 1;
          while (sets < 4 && nAcc * sets * 2 <= 8)
            sets *= 2;
          Value from = lo;
          if (sets > 1) {
            Value cnt = arith::SubIOp::create(b, loc, hi, lo);
            Value mainHi = arith::AddIOp::create(
                b, loc, lo,
                arith::MulIOp::create(
                    b, loc,
                    arith::DivUIOp::create(b, loc, cnt,
                                           indexConst(b, loc, sets)),
                    indexConst(b, loc, sets)));
            auto vecTy = VectorType::get({tile.lanes}, b.getF32Type());
            Value zero = arith::ConstantOp::create(
                b, loc, DenseElementsAttr::get(vecTy, 0.0f));
            SmallVector<Value> initSets(accs0);
            initSets.append((sets - 1) * nAcc, zero);
            auto mainLoop = scf::ForOp::create(
                b, loc, lo, mainHi, indexConst(b, loc, sets), initSets,
                [&](OpBuilder &b, Location loc, Value blk, ValueRange accs) {
                  SmallVector<Value> next(accs.begin(), accs.end());
                  for (int64_t st = 0; st < sets; ++st) {
                    Value bi = st ? arith::AddIOp::create(
                                        b, loc, blk, indexConst(b, loc, st))
                                        .getResult()
                                  : blk;
                    addBlock(
                        b, loc, bi, rOff, count,
                        MutableArrayRef<Value>(next).slice(st * nAcc, nAcc));
                  }
                  scf::YieldOp::create(b, loc, next);
                });
            for (int64_t a = 0; a < nAcc; ++a) {
              Value sum = mainLoop.getResult(a);
              for (int64_t st = 1; st < sets; ++st)
                sum = arith::AddFOp::create(b, loc, sum,
                                            mainLoop.getResult(st * nAcc + a));
              accs0[a] = sum;
            }
            from = mainHi;
          }
          auto loop = scf::ForOp::create(
              b, loc, from, hi, indexConst(b, loc, 1), accs0,
              [&](OpBuilder &b, Location loc, Value blk, ValueRange accs) {
                SmallVector<Value> next(accs.begin(), accs.end());
                addBlock(b, loc, blk, rOff, count, next);
                scf::YieldOp::create(b, loc, next);
              });
          return SmallVector<Value>(loop.getResults());
        };
        auto rowRange = [&](OpBuilder &b, Value r) {
          Value r1 = arith::AddIOp::create(b, loc, r, indexConst(b, loc, 1));
          return std::make_pair(
              castIdx(b, memref::LoadOp::create(b, loc, rowptr, r)),
              castIdx(b, memref::LoadOp::create(b, loc, rowptr, r1)));
        };
        Value zeroIdx = indexConst(b, loc, 0);
        if (csr) {
          SmallVector<Value> out;
          for (int64_t r = 0; r < rows; ++r) {
            Value o =
                r ? arith::AddIOp::create(b, loc, row, indexConst(b, loc, r))
                        .getResult()
                  : row;
            auto [lo, hi] = rowRange(b, o);
            SmallVector<Value> slice(init.begin() + r * tile.unroll,
                                     init.begin() + (r + 1) * tile.unroll);
            SmallVector<Value> res =
                runBlocks(b, loc, lo, hi, zeroIdx, 1, slice);
            out.append(res.begin(), res.end());
          }
          return out;
        }
        Value brow =
            arith::DivUIOp::create(b, loc, row, indexConst(b, loc, p.br));
        Value rOff =
            rows == p.br
                ? zeroIdx
                : arith::RemUIOp::create(b, loc, row, indexConst(b, loc, p.br))
                      .getResult();
        auto [lo, hi] = rowRange(b, brow);
        return runBlocks(b, loc, lo, hi, rOff, rows,
                         SmallVector<Value>(init.begin(), init.end()));
      });
}

/// Largest batch the N:M dot-product kernel takes: it streams the weight
/// once for all batch rows, `batch x rows` accumulators.
static constexpr int64_t kNMDotMaxBatch = 4;

int64_t Sparsifier::nmDotLanes(const Plan &p, int64_t batch, int64_t k) const {
  // x86 only (AVX-512 mask registers, AVX2 blends); NEON keeps the
  // broadcast kernel.
  if (!StringRef(target.name).starts_with("x86") ||
      (target.lanes != 16 && target.lanes != 8))
    return 0;
  if (batch > kNMDotMaxBatch || p.m > 16)
    return 0;
  if ((k / p.m * p.n) % target.lanes)
    return 0;
  return target.lanes;
}

int64_t Sparsifier::nmDotBits(const Plan &p) {
  return llvm::Log2_64_Ceil(std::max<int64_t>(p.m, 2));
}

/// Tree sum of the lanes of `v` (log2(lanes) shuffles and adds).
static Value sumLanes(OpBuilder &b, Location loc, Value v) {
  int64_t w = cast<VectorType>(v.getType()).getNumElements();
  while (w > 1) {
    SmallVector<int64_t> lo, hi;
    for (int64_t i = 0; i < w / 2; ++i) {
      lo.push_back(i);
      hi.push_back(w / 2 + i);
    }
    Value a = vector::ShuffleOp::create(b, loc, v, v, lo);
    Value c = vector::ShuffleOp::create(b, loc, v, v, hi);
    v = arith::AddFOp::create(b, loc, a, c);
    w /= 2;
  }
  return vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{0});
}

Value Sparsifier::emitNMDot(OpBuilder &b, Location loc, Value x, Value acc,
                            const Plan &p, StringRef weightName) {
  auto xTy = cast<RankedTensorType>(x.getType());
  int64_t batch = xTy.getDimSize(0), k = xTy.getDimSize(1);
  int64_t n = cast<RankedTensorType>(acc.getType()).getDimSize(1);
  int64_t lanes = nmDotLanes(p, batch, k);
  int64_t bits = nmDotBits(p);
  int64_t j = k / p.m * p.n, chunks = j / lanes;
  Type f32 = b.getF32Type();
  // Selection masks: for row o, vector c of `lanes` kept weights and bit t,
  // masks[o, c * bits + t] has bit l set when bit t of the position of kept
  // weight c * lanes + l (inside its group) is set.
  Type maskElt = b.getIntegerType(lanes);
  std::vector<uint16_t> masks16;
  std::vector<uint8_t> masks8;
  for (int64_t o = 0; o < n; ++o)
    for (int64_t c = 0; c < chunks; ++c)
      for (int64_t t = 0; t < bits; ++t) {
        uint32_t word = 0;
        for (int64_t l = 0; l < lanes; ++l)
          if ((p.positions[o * j + c * lanes + l] >> t) & 1)
            word |= 1u << l;
        if (lanes == 16)
          masks16.push_back(word);
        else
          masks8.push_back(word);
      }
  auto toBuf = [&](Value t) -> Value {
    auto ty = cast<RankedTensorType>(t.getType());
    return bufferization::ToBufferOp::create(
        b, loc, MemRefType::get(ty.getShape(), ty.getElementType()), t,
        /*read_only=*/true);
  };
  Value vals = toBuf(
      constant(b, loc, {n, j}, f32, bytes(p.values), weightName, "nm-values"));
  Value maskBuf =
      toBuf(lanes == 16 ? constant(b, loc, {n, chunks * bits}, maskElt,
                                   bytes(masks16), weightName, "nm-masks")
                        : constant(b, loc, {n, chunks * bits}, maskElt,
                                   bytes(masks8), weightName, "nm-masks"));
  Value xBuf = toBuf(x);

  // xq[mm, q, jj] = x[mm, (jj / n) * m + q]: for every position q, the
  // activation each kept weight would read if it sat at q. A vector of
  // kept weights then selects its activations from m contiguous loads.
  Value xq = memref::AllocOp::create(
      b, loc, MemRefType::get({batch, p.m, j}, f32), b.getI64IntegerAttr(64));
  auto forLoop = [&](OpBuilder &b, Location loc, Value lo, Value hi,
                     int64_t step,
                     function_ref<void(OpBuilder &, Location, Value)> fn) {
    scf::ForOp::create(b, loc, lo, hi, indexConst(b, loc, step), ValueRange{},
                       [&](OpBuilder &b, Location loc, Value iv, ValueRange) {
                         fn(b, loc, iv);
                         scf::YieldOp::create(b, loc);
                       });
  };
  Value c0i = indexConst(b, loc, 0);
  forLoop(b, loc, c0i, indexConst(b, loc, batch), 1,
          [&](OpBuilder &b, Location loc, Value mm) {
            forLoop(
                b, loc, c0i, indexConst(b, loc, k / p.m), 1,
                [&](OpBuilder &b, Location loc, Value g) {
                  Value kg =
                      arith::MulIOp::create(b, loc, g, indexConst(b, loc, p.m));
                  Value jg =
                      arith::MulIOp::create(b, loc, g, indexConst(b, loc, p.n));
                  for (int64_t q = 0; q < p.m; ++q) {
                    Value v = memref::LoadOp::create(
                        b, loc, xBuf,
                        ValueRange{mm, arith::AddIOp::create(
                                           b, loc, kg, indexConst(b, loc, q))});
                    for (int64_t t = 0; t < p.n; ++t)
                      memref::StoreOp::create(
                          b, loc, v, xq,
                          ValueRange{mm, indexConst(b, loc, q),
                                     arith::AddIOp::create(
                                         b, loc, jg, indexConst(b, loc, t))});
                  }
                });
          });

  auto yTy = MemRefType::get({batch, n}, f32);
  Value yBuf = memref::AllocOp::create(b, loc, yTy, b.getI64IntegerAttr(64));
  bool overwrite = isZeroFill(acc);
  if (!overwrite)
    memref::CopyOp::create(
        b, loc,
        bufferization::ToBufferOp::create(b, loc, yTy, acc, /*read_only=*/true),
        yBuf);

  // Row tile: `rows` outputs share the m activation vectors of a step.
  int64_t rows = 1;
  for (int64_t r : {4, 2})
    if (n % r == 0 && r * batch <= 16) {
      rows = r;
      break;
    }
  int64_t chunk = rows;
  while (chunk * 2 <= 64 && n % (chunk * 2) == 0)
    chunk *= 2;
  auto vecTy = VectorType::get({lanes}, f32);
  auto maskTy = VectorType::get({lanes}, b.getI1Type());

  scf::ParallelOp::create(
      b, loc, ValueRange{c0i}, ValueRange{indexConst(b, loc, n)},
      ValueRange{indexConst(b, loc, chunk)},
      [&](OpBuilder &b, Location loc, ValueRange ivs) {
        Value cBeg = ivs[0];
        Value cEnd =
            arith::AddIOp::create(b, loc, cBeg, indexConst(b, loc, chunk));
        scf::ForOp::create(
            b, loc, cBeg, cEnd, indexConst(b, loc, rows), ValueRange{},
            [&](OpBuilder &b, Location loc, Value row, ValueRange) {
              Value zero = arith::ConstantOp::create(
                  b, loc, DenseElementsAttr::get(vecTy, 0.0f));
              SmallVector<Value> init(batch * rows, zero);
              auto rowOf = [&](OpBuilder &b, int64_t r) -> Value {
                return r ? arith::AddIOp::create(b, loc, row,
                                                 indexConst(b, loc, r))
                               .getResult()
                         : row;
              };
              auto loop = scf::ForOp::create(
                  b, loc, indexConst(b, loc, 0), indexConst(b, loc, chunks),
                  indexConst(b, loc, 1), init,
                  [&](OpBuilder &b, Location loc, Value c, ValueRange accs) {
                    SmallVector<Value> next(accs.begin(), accs.end());
                    Value jBase = arith::MulIOp::create(
                        b, loc, c, indexConst(b, loc, lanes));
                    Value mBase = arith::MulIOp::create(
                        b, loc, c, indexConst(b, loc, bits));
                    // The candidates, shared by the row tile.
                    SmallVector<SmallVector<Value>> xs(batch);
                    for (int64_t mm = 0; mm < batch; ++mm)
                      for (int64_t q = 0; q < p.m; ++q)
                        xs[mm].push_back(vector::LoadOp::create(
                            b, loc, vecTy, xq,
                            ValueRange{indexConst(b, loc, mm),
                                       indexConst(b, loc, q), jBase}));
                    for (int64_t r = 0; r < rows; ++r) {
                      Value o = rowOf(b, r);
                      Value v = vector::LoadOp::create(b, loc, vecTy, vals,
                                                       ValueRange{o, jBase});
                      SmallVector<Value> sel;
                      for (int64_t t = 0; t < bits; ++t) {
                        Value word = memref::LoadOp::create(
                            b, loc, maskBuf,
                            ValueRange{
                                o, arith::AddIOp::create(
                                       b, loc, mBase, indexConst(b, loc, t))});
                        Value w1 = vector::BroadcastOp::create(
                            b, loc, VectorType::get({1}, maskElt), word);
                        sel.push_back(
                            vector::BitCastOp::create(b, loc, maskTy, w1));
                      }
                      for (int64_t mm = 0; mm < batch; ++mm) {
                        // Binary tree of selects on the position bits.
                        SmallVector<Value> level(xs[mm]);
                        for (int64_t t = 0; t < bits; ++t) {
                          SmallVector<Value> up;
                          for (size_t q = 0; q < level.size(); q += 2)
                            up.push_back(q + 1 < level.size()
                                             ? arith::SelectOp::create(
                                                   b, loc, sel[t], level[q + 1],
                                                   level[q])
                                                   .getResult()
                                             : level[q]);
                          level = std::move(up);
                        }
                        Value &a = next[mm * rows + r];
                        a = vector::FMAOp::create(b, loc, v, level.front(), a);
                      }
                    }
                    scf::YieldOp::create(b, loc, next);
                  });
              for (int64_t mm = 0; mm < batch; ++mm)
                for (int64_t r = 0; r < rows; ++r) {
                  Value s = sumLanes(b, loc, loop.getResult(mm * rows + r));
                  SmallVector<Value> at{indexConst(b, loc, mm), rowOf(b, r)};
                  if (!overwrite)
                    s = arith::AddFOp::create(
                        b, loc, memref::LoadOp::create(b, loc, yBuf, at), s);
                  memref::StoreOp::create(b, loc, s, yBuf, at);
                }
              scf::YieldOp::create(b, loc);
            });
        scf::ReduceOp::create(b, loc);
      });
  return bufferization::ToTensorOp::create(b, loc, acc.getType(), yBuf,
                                           /*restrict=*/true,
                                           /*writable=*/true);
}

namespace {
struct PruneSparsifyPass : prune::impl::PruneSparsifyBase<PruneSparsifyPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<CPUTarget> t = resolveCPUTarget(module, target);
    if (failed(t))
      return signalPassFailure();
    WeightDiscovery discovery(module);
    SmallVector<std::pair<linalg::LinalgOp, SparsityAttr>> work;
    module.walk([&](linalg::LinalgOp op) {
      if (auto s = op->getAttrOfType<SparsityAttr>("prune.sparsity"))
        work.push_back({op, s});
    });
    Sparsifier sparsifier(module, *t, resourceThreshold);
    SmallVector<Operation *> maybeDead;
    for (auto [op, s] : work) {
      for (Value v : op->getOperands())
        if (Operation *d = v.getDefiningOp())
          maybeDead.push_back(d);
      if (failed(sparsifier.run(op, s, discovery)))
        return signalPassFailure();
      // A rewritten matmul has no uses left and goes with its weight.
      maybeDead.push_back(op);
    }
    // Drop the dense weights (and the views of them) nothing reads any more.
    llvm::SetVector<Operation *> worklist(llvm::from_range, maybeDead);
    while (!worklist.empty()) {
      Operation *op = worklist.pop_back_val();
      if (!isOpTriviallyDead(op))
        continue;
      for (Value v : op->getOperands())
        if (Operation *d = v.getDefiningOp())
          worklist.insert(d);
      op->erase();
    }
  }
};
} // namespace
