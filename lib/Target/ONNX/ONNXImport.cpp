//===- ONNXImport.cpp - ONNX to linalg-on-tensors -------------------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/Target/ONNX/ONNXImport.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <numeric>
#include <optional>

using namespace mlir;
using namespace mlir::prune;

namespace {

/// Opsets of the default domain the importer knows.
constexpr int64_t kMinOpset = 7;
constexpr int64_t kMaxOpset = 17;

/// Constants up to this many elements are folded through shape arithmetic.
constexpr int64_t kFoldLimit = 1 << 16;

/// A compile-time tensor: an initializer, a Constant node's value or the
/// result of folded shape arithmetic. Floating-point data is kept as float,
/// integer and boolean data as int64.
struct ConstT {
  bool isFloat = true;
  SmallVector<int64_t> shape;
  std::vector<float> f;
  std::vector<int64_t> i;
  std::string name;

  int64_t numel() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
  double at(int64_t k) const { return isFloat ? f[k] : double(i[k]); }
  int64_t intAt(int64_t k) const { return isFloat ? int64_t(f[k]) : i[k]; }
  SmallVector<int64_t> ints() const {
    SmallVector<int64_t> r;
    for (int64_t k = 0, e = numel(); k < e; ++k)
      r.push_back(intAt(k));
    return r;
  }
  static ConstT ofInts(ArrayRef<int64_t> shape, ArrayRef<int64_t> data) {
    ConstT c;
    c.isFloat = false;
    c.shape.assign(shape.begin(), shape.end());
    c.i.assign(data.begin(), data.end());
    return c;
  }
};

SmallVector<int64_t> strides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    s[d] = s[d + 1] * shape[d + 1];
  return s;
}

int64_t product(ArrayRef<int64_t> v) {
  return std::accumulate(v.begin(), v.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

/// Numpy broadcasting of two shapes; nullopt if incompatible.
std::optional<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                    ArrayRef<int64_t> b) {
  size_t r = std::max(a.size(), b.size());
  SmallVector<int64_t> out(r);
  for (size_t k = 0; k < r; ++k) {
    int64_t da = k < r - a.size() ? 1 : a[k - (r - a.size())];
    int64_t db = k < r - b.size() ? 1 : b[k - (r - b.size())];
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    out[k] = da == 1 ? db : da;
  }
  return out;
}

/// Flat index into a (right-aligned, broadcast) operand of shape `shape` for
/// the output multi-index `idx`.
int64_t broadcastIndex(ArrayRef<int64_t> idx, ArrayRef<int64_t> shape) {
  int64_t off = idx.size() - shape.size(), flat = 0;
  SmallVector<int64_t> st = strides(shape);
  for (size_t d = 0; d < shape.size(); ++d)
    flat += (shape[d] == 1 ? 0 : idx[d + off]) * st[d];
  return flat;
}

std::string sanitizeKey(StringRef name) {
  std::string s;
  for (char c : name)
    s += (isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
          c == '-')
             ? c
             : '_';
  if (s.empty() || isdigit(static_cast<unsigned char>(s[0])))
    s = "onnx_" + s;
  return s;
}

/// "<name of loc>.<suffix>" for a NameLoc, else the suffix.
std::string locName(Location l, StringRef suffix) {
  if (auto n = dyn_cast<NameLoc>(l))
    return (n.getName().getValue() + "." + suffix).str();
  return suffix.str();
}

/// `a` as an index into a dim of size `n`: negative values count from the
/// end.
int64_t normAxis(int64_t a, int64_t n) { return a < 0 ? a + n : a; }

/// normAxis(i, n) clamped to [lo, hi], as ONNX reads slice bounds.
int64_t clampIndex(int64_t i, int64_t n, int64_t lo, int64_t hi) {
  return std::clamp<int64_t>(normAxis(i, n), lo, hi);
}

/// Bodies for linalg.generic: `OpT` on the first one or two arguments.
using BodyBuilder = Value (*)(OpBuilder &, Location, ValueRange);
template <typename OpT>
Value unaryBody(OpBuilder &b, Location l, ValueRange v) {
  return OpT::create(b, l, v[0]);
}
template <typename OpT>
Value binaryBody(OpBuilder &b, Location l, ValueRange v) {
  return OpT::create(b, l, v[0], v[1]);
}

std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t k = 0; k < shape.size(); ++k)
    s += (k ? "," : "") + std::to_string(shape[k]);
  return s + "]";
}

/// The importer of one model.
class Importer {
public:
  Importer(MLIRContext *ctx, const ONNXImportOptions &opts)
      : ctx(ctx), opts(opts), b(ctx) {}

  OwningOpRef<ModuleOp> run(const onnx::ModelProto &model);

private:
  using Operand = std::variant<Value, float>;

  MLIRContext *ctx;
  const ONNXImportOptions &opts;
  OpBuilder b;
  int64_t opset = 0;
  Location loc = UnknownLoc::get(ctx);
  const onnx::NodeProto *node = nullptr;

  llvm::StringMap<Value> values;
  llvm::StringMap<ConstT> consts;
  std::map<std::pair<std::string, std::string>, Value> materialized;
  llvm::StringSet<> usedKeys;
  const onnx::GraphProto *graph = nullptr;
  /// Nodes already imported by a look-ahead rewrite (fused QKV split).
  llvm::DenseSet<const onnx::NodeProto *> skipNodes;

  // --- diagnostics --------------------------------------------------------
  InFlightDiagnostic error() { return emitError(loc); }
  LogicalResult fail(const Twine &msg) {
    error() << node->op_type() << " node '" << nodeName() << "': " << msg;
    return failure();
  }
  std::string nodeName() const {
    return node->name().empty() ? node->op_type() + "_" + std::to_string(idx)
                                : node->name();
  }
  int64_t idx = 0;

  // --- attributes ---------------------------------------------------------
  const onnx::AttributeProto *attr(StringRef name) const {
    for (const auto &a : node->attribute())
      if (a.name() == name)
        return &a;
    return nullptr;
  }
  int64_t attrInt(StringRef name, int64_t dflt) const {
    const auto *a = attr(name);
    return a ? a->i() : dflt;
  }
  /// The `axis` attribute (default `dflt`) of a rank-`rank` input, with
  /// negative values counted from the end.
  int64_t axisAttr(int64_t dflt, int64_t rank) const {
    return normAxis(attrInt("axis", dflt), rank);
  }
  float attrFloat(StringRef name, float dflt) const {
    const auto *a = attr(name);
    return a ? a->f() : dflt;
  }
  std::string attrStr(StringRef name, StringRef dflt) const {
    const auto *a = attr(name);
    return a ? a->s() : dflt.str();
  }
  std::optional<SmallVector<int64_t>> attrInts(StringRef name) const {
    const auto *a = attr(name);
    if (!a)
      return std::nullopt;
    return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
  }

  // --- values and constants -----------------------------------------------
  bool hasInput(int k) const {
    return k < node->input_size() && !node->input(k).empty();
  }
  const ConstT *constIn(int k) const {
    if (!hasInput(k))
      return nullptr;
    auto it = consts.find(node->input(k));
    return it == consts.end() ? nullptr : &it->second;
  }
  FailureOr<SmallVector<int64_t>> shapeOf(int k) {
    if (const ConstT *c = constIn(k))
      return c->shape;
    FailureOr<Value> v = valueIn(k);
    if (failed(v))
      return failure();
    return SmallVector<int64_t>(
        cast<RankedTensorType>(v->getType()).getShape());
  }
  FailureOr<Value> valueIn(int k);
  Value materialize(const ConstT &c, ArrayRef<int64_t> shape);
  FailureOr<Operand> operandIn(int k);
  void setOut(int k, Value v) { values[node->output(k)] = v; }
  void setConst(int k, ConstT c) {
    c.name = node->output(k);
    consts[node->output(k)] = std::move(c);
  }

  LogicalResult readTensor(const onnx::TensorProto &t, ConstT &out);

  // --- IR helpers ---------------------------------------------------------
  RankedTensorType f32(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, b.getF32Type());
  }
  Value scalar(float v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  }
  Value zeros(ArrayRef<int64_t> shape, float v = 0.0f) {
    Value e = tensor::EmptyOp::create(b, loc, shape, b.getF32Type());
    return linalg::FillOp::create(b, loc, ValueRange{scalar(v)}, ValueRange{e})
        .getResult(0);
  }
  using BodyFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;
  FailureOr<Value> elementwise(ArrayRef<Operand> ins, BodyFn body);
  Value unary(Value x, BodyFn body) { return *elementwise({Operand(x)}, body); }
  Value reduce(Value x, ArrayRef<int64_t> axes, bool isMax);
  Value expandBack(Value reduced, ArrayRef<int64_t> fullShape,
                   ArrayRef<int64_t> axes);
  Value broadcastReduced(Value full, Value reduced, ArrayRef<int64_t> axes,
                         BodyFn body);
  FailureOr<Value> reshape(Value x, ArrayRef<int64_t> shape);
  Value transpose(Value x, ArrayRef<int64_t> perm);
  Value channelwise(Value x, Value perChannel, BodyFn body);
  FailureOr<Value> conv2d(Value in, Value w, int64_t group,
                          ArrayRef<int64_t> outShape, ArrayRef<int64_t> strides,
                          ArrayRef<int64_t> dilations);
  LogicalResult addBias(Value &out, int k, int64_t channels);
  Value pad(Value x, ArrayRef<int64_t> low, ArrayRef<int64_t> high, float v);

  // --- ops ----------------------------------------------------------------
  LogicalResult importNode();
  LogicalResult checkInferenceDropout();
  LogicalResult foldNode(bool &folded);
  LogicalResult convertConv();
  LogicalResult convertConvTranspose();
  LogicalResult convertGemm();
  LogicalResult convertMatMul();
  LogicalResult convertBatchNorm();
  LogicalResult convertPool(bool isMax, bool global);
  LogicalResult convertReduceMean();
  LogicalResult convertSoftmax();
  LogicalResult convertLayerNorm();
  LogicalResult convertReshapeLike();
  LogicalResult convertConcat();
  LogicalResult convertSlice();
  LogicalResult convertSplit();
  LogicalResult convertResize();
  LogicalResult convertElementwise(StringRef op);
  LogicalResult splitFusedProjection(bool &done);
  const ConstT *constOf(Value v);
};

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

LogicalResult Importer::readTensor(const onnx::TensorProto &t, ConstT &out) {
  out.shape.assign(t.dims().begin(), t.dims().end());
  out.name = t.name();
  int64_t n = out.numel();
  std::string raw;
  bool hasRaw = t.has_raw_data();
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto &kv : t.external_data()) {
      if (kv.key() == "location")
        location = kv.value();
      else if (kv.key() == "offset" &&
               StringRef(kv.value()).getAsInteger(10, offset))
        offset = -1;
      else if (kv.key() == "length" &&
               StringRef(kv.value()).getAsInteger(10, length))
        length = -2;
    }
    SmallString<256> path(opts.baseDir);
    llvm::sys::path::append(path, location);
    auto buf = llvm::MemoryBuffer::getFile(path);
    if (!buf) {
      error() << "tensor '" << t.name() << "': external data file '" << path
              << "' cannot be read: " << buf.getError().message();
      return failure();
    }
    StringRef all = (*buf)->getBuffer();
    if (length == -1)
      length = int64_t(all.size()) - offset;
    if (offset < 0 || length < 0 || offset + length > int64_t(all.size())) {
      error() << "tensor '" << t.name() << "': external data file '" << path
              << "' is too short (" << all.size() << " bytes, need "
              << offset + length << ")";
      return failure();
    }
    raw = all.substr(offset, length).str();
    hasRaw = true;
  } else if (hasRaw) {
    raw = t.raw_data();
  }
  auto sizeError = [&](int64_t have, int64_t elt) {
    error() << "tensor '" << t.name() << "' holds " << have
            << " bytes, but its shape " << shapeStr(out.shape) << " needs "
            << n * elt;
    return failure();
  };
  // The n elements, stored as `Elt` in the raw bytes or in the typed
  // `field`, into `dst`.
  auto read = [&](auto elt, auto &dst, const auto &field) -> LogicalResult {
    using Elt = decltype(elt);
    constexpr int64_t size = sizeof(Elt);
    if (!hasRaw) {
      if (field.size() != n)
        return sizeError(field.size() * size, size);
      dst.assign(field.begin(), field.end());
      return success();
    }
    if (int64_t(raw.size()) != n * size)
      return sizeError(raw.size(), size);
    dst.resize(n);
    if constexpr (std::is_same_v<
                      typename std::decay_t<decltype(dst)>::value_type, Elt>) {
      std::memcpy(dst.data(), raw.data(), n * size);
      return success();
    }
    for (int64_t k = 0; k < n; ++k) {
      std::memcpy(&elt, raw.data() + k * size, size);
      dst[k] = elt;
    }
    return success();
  };
  out.isFloat = t.data_type() == onnx::TensorProto::FLOAT ||
                t.data_type() == onnx::TensorProto::DOUBLE;
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT:
    return read(float(), out.f, t.float_data());
  case onnx::TensorProto::DOUBLE:
    return read(double(), out.f, t.double_data());
  case onnx::TensorProto::INT64:
    return read(int64_t(), out.i, t.int64_data());
  case onnx::TensorProto::INT32:
    return read(int32_t(), out.i, t.int32_data());
  case onnx::TensorProto::INT8:
    return read(int8_t(), out.i, t.int32_data());
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL:
    return read(uint8_t(), out.i, t.int32_data());
  default:
    error() << "tensor '" << t.name() << "' has unsupported element type "
            << onnx::TensorProto::DataType_Name(
                   onnx::TensorProto::DataType(t.data_type()));
    return failure();
  }
}

/// Emits `c` as an `arith.constant dense_resource<key>` of type `shape`
/// (same number of elements), once per (constant, shape).
Value Importer::materialize(const ConstT &c, ArrayRef<int64_t> shape) {
  auto key = std::make_pair(c.name, shapeStr(shape));
  auto it = materialized.find(key);
  if (it != materialized.end())
    return it->second;
  std::vector<float> data = c.f;
  if (!c.isFloat)
    for (int64_t v : c.i)
      data.push_back(float(v));
  std::string base = sanitizeKey(c.name), name = base;
  for (int k = 1; usedKeys.contains(name); ++k)
    name = base + "_" + std::to_string(k);
  usedKeys.insert(name);
  auto type = f32(shape);
  auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign<float>(
      data, /*dataIsMutable=*/true);
  auto attr = DenseResourceElementsAttr::get(type, name, std::move(blob));
  // Constants live at the top of the function, as importers emit them.
  OpBuilder::InsertionGuard g(b);
  Block *entry = b.getInsertionBlock();
  b.setInsertionPointToStart(entry);
  Location cloc = NameLoc::get(b.getStringAttr(c.name),
                               FileLineColLoc::get(ctx, opts.fileName, 0, 0));
  Value v = arith::ConstantOp::create(b, cloc, type, attr);
  materialized[key] = v;
  return v;
}

FailureOr<Value> Importer::valueIn(int k) {
  if (!hasInput(k)) {
    (void)fail("missing input " + std::to_string(k));
    return failure();
  }
  const std::string &name = node->input(k);
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  auto ct = consts.find(name);
  if (ct != consts.end())
    return materialize(ct->second, ct->second.shape);
  (void)fail("input '" + name + "' is not defined");
  return failure();
}

/// A float scalar for single-element constants, a (possibly materialized)
/// tensor otherwise.
FailureOr<Importer::Operand> Importer::operandIn(int k) {
  if (const ConstT *c = constIn(k))
    if (c->numel() == 1)
      return Operand(float(c->at(0)));
  FailureOr<Value> v = valueIn(k);
  if (failed(v))
    return failure();
  return Operand(*v);
}

//===----------------------------------------------------------------------===//
// IR helpers
//===----------------------------------------------------------------------===//

/// One linalg.generic over the broadcast shape of `ins` (numpy rules). A
/// constant operand's broadcast unit dims are dropped from its type, so a
/// [C,1,1] bias on [N,C,H,W] reads as a per-channel tensor<Cxf32> through
/// (d0,d1,d2,d3) -> (d1); float scalars are captured constants.
FailureOr<Value> Importer::elementwise(ArrayRef<Operand> ins, BodyFn body) {
  SmallVector<int64_t> outShape;
  bool first = true;
  for (const Operand &o : ins) {
    if (!std::holds_alternative<Value>(o))
      continue;
    auto shape =
        cast<RankedTensorType>(std::get<Value>(o).getType()).getShape();
    if (first) {
      outShape.assign(shape.begin(), shape.end());
      first = false;
      continue;
    }
    auto bs = broadcastShapes(outShape, shape);
    if (!bs) {
      (void)fail("operand shapes " + shapeStr(outShape) + " and " +
                 shapeStr(shape) + " do not broadcast");
      return failure();
    }
    outShape = *bs;
  }
  int64_t rank = outShape.size();
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  SmallVector<int> slot; // operand -> block argument, -1 for scalars
  SmallVector<Value> scalars;
  for (const Operand &o : ins) {
    if (!std::holds_alternative<Value>(o)) {
      slot.push_back(-1);
      scalars.push_back(scalar(std::get<float>(o)));
      continue;
    }
    Value v = std::get<Value>(o);
    auto shape = cast<RankedTensorType>(v.getType()).getShape();
    int64_t off = rank - shape.size();
    SmallVector<AffineExpr> exprs;
    SmallVector<int64_t> kept;
    bool isConst = v.getDefiningOp<arith::ConstantOp>() != nullptr;
    for (int64_t d = 0; d < int64_t(shape.size()); ++d) {
      bool bcast = shape[d] == 1 && outShape[d + off] != 1;
      if (bcast && isConst)
        continue;
      kept.push_back(shape[d]);
      exprs.push_back(bcast ? b.getAffineConstantExpr(0)
                            : b.getAffineDimExpr(d + off));
    }
    if (isConst && kept.size() != shape.size()) {
      // Re-type the constant without its broadcast unit dims.
      auto cst = v.getDefiningOp<arith::ConstantOp>();
      auto attr = dyn_cast<DenseResourceElementsAttr>(cst.getValue());
      if (attr) {
        auto it = llvm::find_if(materialized,
                                [&](auto &kv) { return kv.second == v; });
        if (it != materialized.end())
          v = materialize(consts[it->first.first], kept);
      }
    }
    slot.push_back(inputs.size());
    inputs.push_back(v);
    maps.push_back(AffineMap::get(rank, 0, exprs, ctx));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = tensor::EmptyOp::create(b, loc, outShape, b.getF32Type());
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        SmallVector<Value> operands;
        size_t s = 0;
        for (int k : slot)
          operands.push_back(k < 0 ? scalars[s++] : args[k]);
        linalg::YieldOp::create(nb, nl, body(nb, nl, operands));
      });
  return op.getResult(0);
}

/// Sum or max of `x` over `axes` (dropped from the result).
Value Importer::reduce(Value x, ArrayRef<int64_t> axes, bool isMax) {
  auto shape = cast<RankedTensorType>(x.getType()).getShape();
  int64_t rank = shape.size();
  SmallVector<int64_t> outShape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iters;
  for (int64_t d = 0; d < rank; ++d) {
    bool red = llvm::is_contained(axes, d);
    iters.push_back(red ? utils::IteratorType::reduction
                        : utils::IteratorType::parallel);
    if (!red) {
      outShape.push_back(shape[d]);
      outExprs.push_back(b.getAffineDimExpr(d));
    }
  }
  Value init =
      zeros(outShape, isMax ? -std::numeric_limits<float>::infinity() : 0.0f);
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 AffineMap::get(rank, 0, outExprs, ctx)};
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{x}, ValueRange{init}, maps,
      iters, [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value r =
            isMax ? arith::MaximumFOp::create(nb, nl, args[0], args[1])
                        .getResult()
                  : arith::AddFOp::create(nb, nl, args[0], args[1]).getResult();
        linalg::YieldOp::create(nb, nl, r);
      });
  return op.getResult(0);
}

/// Re-inserts the reduced `axes` of `fullShape` as unit dims.
Value Importer::expandBack(Value reduced, ArrayRef<int64_t> fullShape,
                           ArrayRef<int64_t> axes) {
  SmallVector<int64_t> kd(fullShape.begin(), fullShape.end());
  for (int64_t a : axes)
    kd[a] = 1;
  return *reshape(reduced, kd);
}

/// elementwise(full, reduced) where `reduced` lacks `axes` of `full`.
Value Importer::broadcastReduced(Value full, Value reduced,
                                 ArrayRef<int64_t> axes, BodyFn body) {
  auto shape = cast<RankedTensorType>(full.getType()).getShape();
  int64_t rank = shape.size();
  SmallVector<AffineExpr> redExprs;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(axes, d))
      redExprs.push_back(b.getAffineDimExpr(d));
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 AffineMap::get(rank, 0, redExprs, ctx),
                                 b.getMultiDimIdentityMap(rank)};
  Value init = tensor::EmptyOp::create(b, loc, shape, b.getF32Type());
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{full, reduced},
             ValueRange{init}, maps, iters,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl,
                                       body(nb, nl, {args[0], args[1]}));
             })
      .getResult(0);
}

/// Reshapes with tensor.collapse_shape and/or tensor.expand_shape: dims are
/// grouped where the running products of both shapes agree; each group is
/// collapsed to one dim and expanded to the new dims.
FailureOr<Value> Importer::reshape(Value x, ArrayRef<int64_t> shape) {
  auto inShape = cast<RankedTensorType>(x.getType()).getShape();
  if (inShape == shape)
    return x;
  if (product(inShape) != product(shape)) {
    (void)fail("cannot reshape " + shapeStr(inShape) + " to " +
               shapeStr(shape));
    return failure();
  }
  // To or from rank 0 (one element): no reassociation groups.
  if (inShape.empty())
    return Value(tensor::ExpandShapeOp::create(
        b, loc, f32(shape), x, ArrayRef<ReassociationIndices>{}));
  if (shape.empty())
    return Value(tensor::CollapseShapeOp::create(
        b, loc, f32(shape), x, ArrayRef<ReassociationIndices>{}));
  SmallVector<ReassociationIndices> inGroups, outGroups;
  size_t i = 0, o = 0;
  while (i < inShape.size() || o < shape.size()) {
    ReassociationIndices gi, go;
    int64_t pi = 1, po = 1;
    if (i < inShape.size())
      gi.push_back(i), pi *= inShape[i++];
    if (o < shape.size())
      go.push_back(o), po *= shape[o++];
    while (pi != po) {
      if (pi < po && i < inShape.size())
        gi.push_back(i), pi *= inShape[i++];
      else if (po < pi && o < shape.size())
        go.push_back(o), po *= shape[o++];
      else
        break;
    }
    // Unit dims left over on one side join the last group.
    if (gi.empty() || go.empty()) {
      if (inGroups.empty()) {
        (void)fail("cannot reshape " + shapeStr(inShape) + " to " +
                   shapeStr(shape));
        return failure();
      }
      inGroups.back().append(gi.begin(), gi.end());
      outGroups.back().append(go.begin(), go.end());
      continue;
    }
    inGroups.push_back(gi);
    outGroups.push_back(go);
  }
  SmallVector<int64_t> mid;
  for (auto &g : inGroups) {
    int64_t p = 1;
    for (int64_t d : g)
      p *= inShape[d];
    mid.push_back(p);
  }
  Value v = x;
  if (mid.size() != inShape.size())
    v = tensor::CollapseShapeOp::create(b, loc, f32(mid), v, inGroups);
  if (mid.size() != shape.size())
    v = tensor::ExpandShapeOp::create(b, loc, f32(shape), v, outGroups);
  else if (ArrayRef<int64_t>(mid) != shape) {
    (void)fail("cannot reshape " + shapeStr(inShape) + " to " +
               shapeStr(shape));
    return failure();
  }
  return v;
}

/// body(x, c) with a per-channel [C] tensor `c` read through (d0, d1, ...)
/// -> (d1), as torch-mlir emits BatchNorm and biases.
Value Importer::channelwise(Value x, Value c, BodyFn body) {
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < rank; ++d)
    if (d != 1)
      axes.push_back(d);
  return broadcastReduced(x, c, axes, body);
}

/// A 2-D convolution of the (padded) NCHW `in` with `w` to `outShape`:
/// linalg.conv_2d_nchw_fchw for one group, else input and weight reshaped to
/// [N, G, C/G, H, W] x [G, F/G, C/G, KH, KW] for linalg.conv_2d_ngchw_gfchw.
FailureOr<Value> Importer::conv2d(Value in, Value w, int64_t group,
                                  ArrayRef<int64_t> outShape,
                                  ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> dilations) {
  auto sa = b.getI64VectorAttr(strides);
  auto da = b.getI64VectorAttr(dilations);
  if (group == 1) {
    Value init = zeros(outShape);
    return linalg::Conv2DNchwFchwOp::create(b, loc, TypeRange{init.getType()},
                                            ValueRange{in, w}, ValueRange{init},
                                            sa, da)
        .getResult(0);
  }
  auto is = cast<RankedTensorType>(in.getType()).getShape();
  auto ws = cast<RankedTensorType>(w.getType()).getShape();
  int64_t n = outShape[0], fg = outShape[1] / group, cg = is[1] / group;
  FailureOr<Value> in5 = reshape(in, {n, group, cg, is[2], is[3]});
  FailureOr<Value> w5 =
      reshape(w, {group, fg, cg, ws[ws.size() - 2], ws.back()});
  if (failed(in5) || failed(w5))
    return failure();
  Value init = zeros({n, group, fg, outShape[2], outShape[3]});
  Value o5 = linalg::Conv2DNgchwGfchwOp::create(
                 b, loc, TypeRange{init.getType()}, ValueRange{*in5, *w5},
                 ValueRange{init}, sa, da)
                 .getResult(0);
  return reshape(o5, outShape);
}

/// Adds the optional bias input `k` ([channels] elements) to dim 1 of `out`.
LogicalResult Importer::addBias(Value &out, int k, int64_t channels) {
  if (!hasInput(k))
    return success();
  FailureOr<Value> bias = valueIn(k);
  if (failed(bias))
    return failure();
  FailureOr<Value> b1 = reshape(*bias, {channels});
  if (failed(b1))
    return failure();
  out = channelwise(out, *b1, binaryBody<arith::AddFOp>);
  return success();
}

Value Importer::transpose(Value x, ArrayRef<int64_t> perm) {
  auto shape = cast<RankedTensorType>(x.getType()).getShape();
  SmallVector<int64_t> out;
  for (int64_t p : perm)
    out.push_back(shape[p]);
  Value init = tensor::EmptyOp::create(b, loc, out, b.getF32Type());
  return linalg::TransposeOp::create(b, loc, x, init, perm).getResult()[0];
}

Value Importer::pad(Value x, ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                    float v) {
  if (llvm::all_of(low, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(high, [](int64_t p) { return p == 0; }))
    return x;
  auto shape = cast<RankedTensorType>(x.getType()).getShape();
  SmallVector<int64_t> out;
  SmallVector<OpFoldResult> lo, hi;
  for (size_t d = 0; d < shape.size(); ++d) {
    out.push_back(shape[d] + low[d] + high[d]);
    lo.push_back(b.getIndexAttr(low[d]));
    hi.push_back(b.getIndexAttr(high[d]));
  }
  return tensor::PadOp::create(b, loc, f32(out), x, lo, hi, scalar(v));
}

//===----------------------------------------------------------------------===//
// Folding shape arithmetic
//===----------------------------------------------------------------------===//

LogicalResult Importer::foldNode(bool &folded) {
  folded = false;
  StringRef op = node->op_type();
  // Shape of a statically shaped value.
  if (op == "Shape") {
    FailureOr<SmallVector<int64_t>> s = shapeOf(0);
    if (failed(s))
      return failure();
    int64_t r = s->size();
    int64_t start = clampIndex(attrInt("start", 0), r, 0, r);
    int64_t end = clampIndex(attrInt("end", r), r, start, r);
    SmallVector<int64_t> data(s->begin() + start, s->begin() + end);
    setConst(0, ConstT::ofInts({int64_t(data.size())}, data));
    folded = true;
    return success();
  }
  if (op == "Size") {
    FailureOr<SmallVector<int64_t>> s = shapeOf(0);
    if (failed(s))
      return failure();
    setConst(0, ConstT::ofInts({}, {product(*s)}));
    folded = true;
    return success();
  }
  if (op == "Constant") {
    ConstT c;
    if (const auto *a = attr("value")) {
      if (failed(readTensor(a->t(), c)))
        return failure();
    } else if (const auto *a = attr("value_float")) {
      c.f = {a->f()};
    } else if (const auto *a = attr("value_floats")) {
      c.f.assign(a->floats().begin(), a->floats().end());
      c.shape = {int64_t(c.f.size())};
    } else if (const auto *a = attr("value_int")) {
      c = ConstT::ofInts({}, {a->i()});
    } else if (const auto *a = attr("value_ints")) {
      SmallVector<int64_t> v(a->ints().begin(), a->ints().end());
      c = ConstT::ofInts({int64_t(v.size())}, v);
    } else {
      return fail("unsupported Constant value kind");
    }
    setConst(0, std::move(c));
    folded = true;
    return success();
  }
  // Everything else folds only when all inputs are constants.
  for (int k = 0; k < node->input_size(); ++k)
    if (hasInput(k) && !constIn(k))
      return success();
  if (node->input_size() == 0)
    return success();
  const ConstT &x = *constIn(0);
  // (Dropout was checked by checkInferenceDropout.)
  if (op == "Identity" || op == "Dropout") {
    setConst(0, x);
    folded = true;
    return success();
  }
  if (x.numel() > kFoldLimit)
    return success();
  if (op == "Cast") {
    int64_t to = attrInt("to", onnx::TensorProto::FLOAT);
    ConstT c;
    c.shape = x.shape;
    if (to == onnx::TensorProto::FLOAT || to == onnx::TensorProto::DOUBLE) {
      for (int64_t k = 0; k < x.numel(); ++k)
        c.f.push_back(x.at(k));
    } else {
      c.isFloat = false;
      for (int64_t k = 0; k < x.numel(); ++k)
        c.i.push_back(to == onnx::TensorProto::BOOL ? x.at(k) != 0
                                                    : x.intAt(k));
    }
    setConst(0, std::move(c));
    folded = true;
    return success();
  }
  if (op == "Unsqueeze" || op == "Squeeze" || op == "Reshape" ||
      op == "Flatten") {
    // Data is unchanged; only the shape is recomputed by the value path.
    return success();
  }
  if (op == "Gather") {
    const ConstT &ind = *constIn(1);
    int64_t axis = axisAttr(0, x.shape.size());
    SmallVector<int64_t> outShape(x.shape.begin(), x.shape.begin() + axis);
    outShape.append(ind.shape.begin(), ind.shape.end());
    outShape.append(x.shape.begin() + axis + 1, x.shape.end());
    int64_t outer = product(ArrayRef<int64_t>(x.shape).take_front(axis));
    int64_t inner = product(ArrayRef<int64_t>(x.shape).drop_front(axis + 1));
    ConstT c;
    c.isFloat = x.isFloat;
    c.shape = outShape;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < ind.numel(); ++j) {
        int64_t g = ind.intAt(j);
        if (g < 0)
          g += x.shape[axis];
        if (g < 0 || g >= x.shape[axis])
          return fail("index out of range");
        for (int64_t in = 0; in < inner; ++in) {
          int64_t src = (o * x.shape[axis] + g) * inner + in;
          if (x.isFloat)
            c.f.push_back(x.f[src]);
          else
            c.i.push_back(x.i[src]);
        }
      }
    setConst(0, std::move(c));
    folded = true;
    return success();
  }
  if (op == "Concat") {
    int64_t axis = axisAttr(0, x.shape.size());
    ConstT c;
    c.isFloat = x.isFloat;
    c.shape = x.shape;
    c.shape[axis] = 0;
    for (int k = 0; k < node->input_size(); ++k)
      c.shape[axis] += constIn(k)->shape[axis];
    int64_t outer = product(ArrayRef<int64_t>(x.shape).take_front(axis));
    for (int64_t o = 0; o < outer; ++o)
      for (int k = 0; k < node->input_size(); ++k) {
        const ConstT &in = *constIn(k);
        int64_t chunk = product(ArrayRef<int64_t>(in.shape).drop_front(axis));
        for (int64_t j = 0; j < chunk; ++j) {
          if (c.isFloat)
            c.f.push_back(in.at(o * chunk + j));
          else
            c.i.push_back(in.intAt(o * chunk + j));
        }
      }
    setConst(0, std::move(c));
    folded = true;
    return success();
  }
  if (op == "Slice" && x.shape.size() == 1) {
    SmallVector<int64_t> starts, ends;
    int64_t step = 1;
    if (opset < 10) {
      starts = *attrInts("starts");
      ends = *attrInts("ends");
    } else {
      starts = constIn(1)->ints();
      ends = constIn(2)->ints();
      if (const ConstT *st = constIn(4))
        step = st->intAt(0);
    }
    int64_t n = x.shape[0], lo = step > 0 ? 0 : -1, hi = step > 0 ? n : n - 1;
    int64_t s = clampIndex(starts[0], n, lo, hi);
    int64_t e = clampIndex(ends[0], n, lo, hi);
    ConstT c;
    c.isFloat = x.isFloat;
    for (int64_t k = s; step > 0 ? k < e : k > e; k += step) {
      if (c.isFloat)
        c.f.push_back(x.f[k]);
      else
        c.i.push_back(x.i[k]);
    }
    c.shape = {int64_t(c.isFloat ? c.f.size() : c.i.size())};
    setConst(0, std::move(c));
    folded = true;
    return success();
  }
  static const llvm::StringSet<> binary = {
      "Add", "Sub", "Mul", "Div", "Equal", "Less", "Greater", "Max", "Min"};
  if (binary.contains(op) && node->input_size() == 2) {
    const ConstT &y = *constIn(1);
    auto bs = broadcastShapes(x.shape, y.shape);
    if (!bs)
      return fail("operand shapes do not broadcast");
    ConstT c;
    bool cmp = op == "Equal" || op == "Less" || op == "Greater";
    c.isFloat = !cmp && (x.isFloat || y.isFloat);
    c.shape = *bs;
    SmallVector<int64_t> idx(bs->size(), 0), st = strides(*bs);
    for (int64_t k = 0, n = product(*bs); k < n; ++k) {
      for (size_t d = 0; d < bs->size(); ++d)
        idx[d] = (k / st[d]) % (*bs)[d];
      double a = x.at(broadcastIndex(idx, x.shape));
      double v = y.at(broadcastIndex(idx, y.shape));
      double r;
      if (op == "Add")
        r = a + v;
      else if (op == "Sub")
        r = a - v;
      else if (op == "Mul")
        r = a * v;
      else if (op == "Div")
        r = c.isFloat ? a / v : double(int64_t(a) / int64_t(v));
      else if (op == "Max")
        r = std::max(a, v);
      else if (op == "Min")
        r = std::min(a, v);
      else if (op == "Equal")
        r = a == v;
      else if (op == "Less")
        r = a < v;
      else
        r = a > v;
      if (c.isFloat)
        c.f.push_back(r);
      else
        c.i.push_back(int64_t(r));
    }
    setConst(0, std::move(c));
    folded = true;
    return success();
  }
  if (op == "ConstantOfShape") {
    SmallVector<int64_t> shape = x.ints();
    ConstT c;
    if (const auto *a = attr("value")) {
      ConstT v;
      if (failed(readTensor(a->t(), v)))
        return failure();
      c.isFloat = v.isFloat;
      if (c.isFloat)
        c.f.assign(product(shape), v.f[0]);
      else
        c.i.assign(product(shape), v.i[0]);
    } else {
      c.f.assign(product(shape), 0.0f);
    }
    c.shape = shape;
    setConst(0, std::move(c));
    folded = true;
    return success();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

/// Reads kernel attributes common to Conv and pooling: pads are returned as
/// [begin..., end...] over the spatial dims.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, pads;
};

static LogicalResult computeAutoPad(StringRef autoPad, ArrayRef<int64_t> in,
                                    Window &w) {
  size_t n = w.kernel.size();
  if (autoPad == "NOTSET" || autoPad.empty())
    return success();
  w.pads.assign(2 * n, 0);
  if (autoPad == "VALID")
    return success();
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return failure();
  for (size_t d = 0; d < n; ++d) {
    int64_t out = (in[d] + w.strides[d] - 1) / w.strides[d];
    int64_t total = std::max<int64_t>(
        0, (out - 1) * w.strides[d] + (w.kernel[d] - 1) * w.dilations[d] + 1 -
               in[d]);
    int64_t small = total / 2, big = total - small;
    w.pads[d] = autoPad == "SAME_UPPER" ? small : big;
    w.pads[d + n] = autoPad == "SAME_UPPER" ? big : small;
  }
  return success();
}

LogicalResult Importer::convertConv() {
  FailureOr<Value> x = valueIn(0);
  if (failed(x))
    return failure();
  auto xShape = cast<RankedTensorType>(x->getType()).getShape();
  const ConstT *w = constIn(1);
  FailureOr<SmallVector<int64_t>> wShape = shapeOf(1);
  if (failed(wShape))
    return failure();
  if (xShape.size() != 4 || wShape->size() != 4)
    return fail("only 2-D convolutions (NCHW input, FCHW weight) are "
                "supported, got input " +
                shapeStr(xShape));
  int64_t group = attrInt("group", 1);
  Window win;
  win.kernel = attrInts("kernel_shape")
                   .value_or(SmallVector<int64_t>{(*wShape)[2], (*wShape)[3]});
  win.strides = attrInts("strides").value_or(SmallVector<int64_t>{1, 1});
  win.dilations = attrInts("dilations").value_or(SmallVector<int64_t>{1, 1});
  win.pads = attrInts("pads").value_or(SmallVector<int64_t>{0, 0, 0, 0});
  if (failed(computeAutoPad(attrStr("auto_pad", "NOTSET"), xShape.drop_front(2),
                            win)))
    return fail("unsupported auto_pad");
  int64_t n = xShape[0], c = xShape[1], f = (*wShape)[0];
  if (c != (*wShape)[1] * group || f % group)
    return fail("input channels " + std::to_string(c) +
                " do not match "
                "weight " +
                shapeStr(*wShape) + " with group " + std::to_string(group));
  Value in = pad(*x, {0, 0, win.pads[0], win.pads[1]},
                 {0, 0, win.pads[2], win.pads[3]}, 0.0f);
  auto pShape = cast<RankedTensorType>(in.getType()).getShape();
  SmallVector<int64_t> outShape = {n, f, 0, 0};
  for (int d = 0; d < 2; ++d) {
    int64_t eff = (win.kernel[d] - 1) * win.dilations[d] + 1;
    if (pShape[2 + d] < eff)
      return fail("kernel is larger than the padded input");
    outShape[2 + d] = (pShape[2 + d] - eff) / win.strides[d] + 1;
  }
  Value out;
  if (group != 1 && group == c && f == c) {
    // Depthwise: the [C,1,KH,KW] weight is read as [C,KH,KW].
    Value wv;
    if (w) {
      wv = materialize(*w, {c, (*wShape)[2], (*wShape)[3]});
    } else {
      FailureOr<Value> v = valueIn(1);
      if (failed(v))
        return failure();
      wv = *reshape(*v, {c, (*wShape)[2], (*wShape)[3]});
    }
    Value init = zeros(outShape);
    out = linalg::DepthwiseConv2DNchwChwOp::create(
              b, loc, TypeRange{init.getType()}, ValueRange{in, wv},
              ValueRange{init}, b.getI64VectorAttr(win.strides),
              b.getI64VectorAttr(win.dilations))
              .getResult(0);
  } else {
    FailureOr<Value> wv = valueIn(1);
    if (failed(wv))
      return failure();
    FailureOr<Value> o =
        conv2d(in, *wv, group, outShape, win.strides, win.dilations);
    if (failed(o))
      return failure();
    out = *o;
  }
  if (failed(addBias(out, 2, f)))
    return failure();
  setOut(0, out);
  return success();
}

LogicalResult Importer::convertConvTranspose() {
  // y = conv(zero-stuffed, padded x, flipped and transposed W).
  FailureOr<Value> x = valueIn(0);
  const ConstT *w = constIn(1);
  if (failed(x))
    return failure();
  if (!w)
    return fail("the weight must be a constant");
  auto xShape = cast<RankedTensorType>(x->getType()).getShape();
  if (xShape.size() != 4 || w->shape.size() != 4)
    return fail("only 2-D transposed convolutions are supported");
  int64_t group = attrInt("group", 1);
  // Weight [C, F/G, KH, KW]: F = G * F/G output channels.
  int64_t c = xShape[1], fg = w->shape[1], kh = w->shape[2], kw = w->shape[3];
  if (group < 1 || w->shape[0] != c || c % group)
    return fail("weight does not match the input channels");
  int64_t f = fg * group, cg = c / group;
  SmallVector<int64_t> st =
      attrInts("strides").value_or(SmallVector<int64_t>{1, 1});
  SmallVector<int64_t> dil =
      attrInts("dilations").value_or(SmallVector<int64_t>{1, 1});
  SmallVector<int64_t> pads =
      attrInts("pads").value_or(SmallVector<int64_t>{0, 0, 0, 0});
  SmallVector<int64_t> outPad =
      attrInts("output_padding").value_or(SmallVector<int64_t>{0, 0});
  // output_shape / auto_pad: pads from the total padding ONNX defines.
  std::string autoPad = attrStr("auto_pad", "NOTSET");
  std::optional<SmallVector<int64_t>> outShapeAttr = attrInts("output_shape");
  if (autoPad != "NOTSET" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER" && autoPad != "VALID")
    return fail("unsupported auto_pad '" + autoPad + "'");
  if (autoPad == "VALID")
    pads.assign(4, 0);
  if (outShapeAttr || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    SmallVector<int64_t> want;
    if (outShapeAttr) {
      want = *outShapeAttr;
      if (want.size() == 4)
        want = {want[2], want[3]};
      if (want.size() != 2)
        return fail("output_shape must give the 2 spatial dims");
    } else {
      want = {xShape[2] * st[0], xShape[3] * st[1]};
    }
    for (int d = 0; d < 2; ++d) {
      int64_t k = d ? kw : kh;
      int64_t total = st[d] * (xShape[2 + d] - 1) + outPad[d] +
                      (k - 1) * dil[d] + 1 - want[d];
      // NOTSET with output_shape splits as SAME_UPPER does (what the ONNX
      // reference, and so the backend test data, computes).
      bool upper = autoPad != "SAME_LOWER";
      pads[d] = upper ? total / 2 : total - total / 2;
      pads[d + 2] = upper ? total - total / 2 : total / 2;
    }
  }
  int64_t n = xShape[0], h = xShape[2], wd = xShape[3];
  // Zero-stuff: [N, C, (H-1)*s+1, (W-1)*s+1].
  SmallVector<int64_t> sShape = {n, c, (h - 1) * st[0] + 1,
                                 (wd - 1) * st[1] + 1};
  Value stuffed = *x;
  if (st[0] != 1 || st[1] != 1) {
    Value z = zeros(sShape);
    SmallVector<OpFoldResult> offs(4, b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(n), b.getIndexAttr(c),
                                       b.getIndexAttr(h), b.getIndexAttr(wd)};
    SmallVector<OpFoldResult> strd = {b.getIndexAttr(1), b.getIndexAttr(1),
                                      b.getIndexAttr(st[0]),
                                      b.getIndexAttr(st[1])};
    stuffed = tensor::InsertSliceOp::create(b, loc, *x, z, offs, sizes, strd);
  }
  int64_t ph = dil[0] * (kh - 1), pw = dil[1] * (kw - 1);
  int64_t lowH = ph - pads[0], lowW = pw - pads[1];
  int64_t highH = ph - pads[2] + outPad[0], highW = pw - pads[3] + outPad[1];
  if (lowH < 0 || lowW < 0 || highH < 0 || highW < 0)
    return fail("pads larger than the kernel are not supported");
  Value in = pad(stuffed, {0, 0, lowH, lowW}, {0, 0, highH, highW}, 0.0f);
  // Weight [C, F/G, KH, KW] -> [G, F/G, C/G, KH, KW], spatially flipped
  // ([F, C, KH, KW] for one group).
  ConstT wt;
  wt.name = w->name + "_flipped";
  wt.shape = group == 1 ? SmallVector<int64_t>{f, c, kh, kw}
                        : SmallVector<int64_t>{group, fg, cg, kh, kw};
  wt.f.resize(w->numel());
  for (int64_t gi = 0; gi < group; ++gi)
    for (int64_t ci = 0; ci < cg; ++ci)
      for (int64_t fo = 0; fo < fg; ++fo)
        for (int64_t a = 0; a < kh; ++a)
          for (int64_t e = 0; e < kw; ++e)
            wt.f[(((gi * fg + fo) * cg + ci) * kh + a) * kw + e] =
                w->f[(((gi * cg + ci) * fg + fo) * kh + (kh - 1 - a)) * kw +
                     (kw - 1 - e)];
  consts[wt.name] = wt;
  Value wv = materialize(consts[wt.name], wt.shape);
  auto pShape = cast<RankedTensorType>(in.getType()).getShape();
  SmallVector<int64_t> outShape = {n, f, pShape[2] - ph, pShape[3] - pw};
  FailureOr<Value> out = conv2d(in, wv, group, outShape, {1, 1}, dil);
  if (failed(out) || failed(addBias(*out, 2, f)))
    return failure();
  setOut(0, *out);
  return success();
}

LogicalResult Importer::convertGemm() {
  FailureOr<Value> a = valueIn(0), bm = valueIn(1);
  if (failed(a) || failed(bm))
    return failure();
  Value av = *a, bv = *bm;
  if (attrInt("transA", 0))
    av = transpose(av, {1, 0});
  if (attrInt("transB", 0))
    bv = transpose(bv, {1, 0});
  auto as = cast<RankedTensorType>(av.getType()).getShape();
  auto bs = cast<RankedTensorType>(bv.getType()).getShape();
  if (as.size() != 2 || bs.size() != 2 || as[1] != bs[0])
    return fail("operand shapes " + shapeStr(as) + " and " + shapeStr(bs) +
                " do not multiply");
  Value init = zeros({as[0], bs[1]});
  Value y = linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                                     ValueRange{av, bv}, ValueRange{init})
                .getResult(0);
  float alpha = attrFloat("alpha", 1.0f), beta = attrFloat("beta", 1.0f);
  if (alpha != 1.0f)
    y = *elementwise({y, alpha}, binaryBody<arith::MulFOp>);
  if (hasInput(2) && beta != 0.0f) {
    FailureOr<Operand> c = operandIn(2);
    if (failed(c))
      return failure();
    FailureOr<Value> r =
        elementwise({y, *c}, [&](OpBuilder &nb, Location nl, ValueRange v) {
          Value cv = v[1];
          if (beta != 1.0f)
            cv = arith::MulFOp::create(
                nb, nl, cv,
                arith::ConstantOp::create(nb, nl, nb.getF32FloatAttr(beta)));
          return arith::AddFOp::create(nb, nl, v[0], cv).getResult();
        });
    if (failed(r))
      return failure();
    y = *r;
  }
  setOut(0, y);
  return success();
}

LogicalResult Importer::convertMatMul() {
  FailureOr<Value> a = valueIn(0), bm = valueIn(1);
  if (failed(a) || failed(bm))
    return failure();
  auto as = cast<RankedTensorType>(a->getType()).getShape();
  auto bs = cast<RankedTensorType>(bm->getType()).getShape();
  if (as.size() < 2 || bs.size() < 2)
    return fail("1-D MatMul operands are not supported");
  int64_t k = as.back(), n = bs.back();
  if (bs[bs.size() - 2] != k)
    return fail("operand shapes " + shapeStr(as) + " and " + shapeStr(bs) +
                " do not multiply");
  SmallVector<int64_t> outShape(as.begin(), as.end());
  outShape.back() = n;
  if (bs.size() == 2) {
    // [..., M, K] x [K, N]: one matmul over the flattened rows.
    int64_t m = product(as.drop_back());
    FailureOr<Value> a2 = reshape(*a, {m, k});
    if (failed(a2))
      return failure();
    Value init = zeros({m, n});
    Value y = linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                                       ValueRange{*a2, *bm}, ValueRange{init})
                  .getResult(0);
    setOut(0, *reshape(y, outShape));
    return success();
  }
  if (as.size() != bs.size() || as.drop_back(2) != bs.drop_back(2))
    return fail("broadcast batch dims " + shapeStr(as) + " x " + shapeStr(bs) +
                " are not supported");
  int64_t batch = product(as.drop_back(2)), m = as[as.size() - 2];
  FailureOr<Value> a3 = reshape(*a, {batch, m, k});
  FailureOr<Value> b3 = reshape(*bm, {batch, k, n});
  if (failed(a3) || failed(b3))
    return failure();
  Value init = zeros({batch, m, n});
  Value y =
      linalg::BatchMatmulOp::create(b, loc, TypeRange{init.getType()},
                                    ValueRange{*a3, *b3}, ValueRange{init})
          .getResult(0);
  setOut(0, *reshape(y, outShape));
  return success();
}

LogicalResult Importer::convertBatchNorm() {
  FailureOr<Value> x = valueIn(0);
  if (failed(x))
    return failure();
  const ConstT *scale = constIn(1), *bias = constIn(2), *mean = constIn(3),
               *var = constIn(4);
  if (!scale || !bias || !mean || !var)
    return fail("scale, bias, mean and variance must be constants");
  auto xs = cast<RankedTensorType>(x->getType()).getShape();
  if (xs.size() < 2)
    return fail("input must have a channel dim");
  int64_t c = xs[1];
  for (const ConstT *p : {scale, bias, mean, var})
    if (p->numel() != c)
      return fail("parameter '" + p->name + "' does not have " +
                  std::to_string(c) + " elements");
  float eps = attrFloat("epsilon", 1e-5f);
  // x -> (x - mean) * invstd * scale + bias, per channel, as torch-mlir
  // decomposes BatchNorm (invstd = 1/sqrt(var + eps) folded here).
  ConstT inv;
  inv.name = var->name + "_invstd";
  inv.shape = {c};
  for (int64_t k = 0; k < c; ++k)
    inv.f.push_back(1.0f / std::sqrt(float(var->at(k)) + eps));
  consts[inv.name] = inv;
  Value y = *x;
  auto step = [&](const ConstT &p, BodyBuilder body) {
    y = channelwise(y, materialize(p, {c}), body);
  };
  step(*mean, binaryBody<arith::SubFOp>);
  step(consts[inv.name], binaryBody<arith::MulFOp>);
  step(*scale, binaryBody<arith::MulFOp>);
  step(*bias, binaryBody<arith::AddFOp>);
  setOut(0, y);
  return success();
}

LogicalResult Importer::convertPool(bool isMax, bool global) {
  FailureOr<Value> x = valueIn(0);
  if (failed(x))
    return failure();
  auto xs = cast<RankedTensorType>(x->getType()).getShape();
  if (xs.size() != 4)
    return fail("only 2-D pooling on NCHW inputs is supported");
  if (global) {
    Value r = reduce(*x, {2, 3}, isMax);
    if (!isMax) {
      float inv = 1.0f / float(xs[2] * xs[3]);
      r = *elementwise({r, inv}, binaryBody<arith::MulFOp>);
    }
    setOut(0, expandBack(r, xs, {2, 3}));
    return success();
  }
  Window win;
  auto kernel = attrInts("kernel_shape");
  if (!kernel || kernel->size() != 2)
    return fail("kernel_shape must have 2 entries");
  win.kernel = *kernel;
  win.strides = attrInts("strides").value_or(SmallVector<int64_t>{1, 1});
  win.dilations = attrInts("dilations").value_or(SmallVector<int64_t>{1, 1});
  win.pads = attrInts("pads").value_or(SmallVector<int64_t>{0, 0, 0, 0});
  if (failed(
          computeAutoPad(attrStr("auto_pad", "NOTSET"), xs.drop_front(2), win)))
    return fail("unsupported auto_pad");
  if (node->output_size() > 1 && !node->output(1).empty())
    return fail("the Indices output is not supported");
  bool ceil = attrInt("ceil_mode", 0);
  bool countPad = attrInt("count_include_pad", 0);
  SmallVector<int64_t> outHW(2), extra(2, 0);
  for (int d = 0; d < 2; ++d) {
    int64_t eff = (win.kernel[d] - 1) * win.dilations[d] + 1;
    int64_t span = xs[2 + d] + win.pads[d] + win.pads[d + 2] - eff;
    outHW[d] = (ceil ? (span + win.strides[d] - 1) / win.strides[d]
                     : span / win.strides[d]) +
               1;
    // ceil_mode: the last window must start inside the input (or left pad).
    if (ceil && (outHW[d] - 1) * win.strides[d] >= xs[2 + d] + win.pads[d])
      --outHW[d];
    extra[d] = std::max<int64_t>(0, (outHW[d] - 1) * win.strides[d] + eff -
                                        (span + eff));
  }
  bool padded = llvm::any_of(win.pads, [](int64_t p) { return p; }) ||
                extra[0] || extra[1];
  // count_include_pad=0: divide by the number of input elements in each
  // window (a constant), which also covers ceil_mode windows past the input.
  bool countValid = !isMax && padded && !countPad;
  if (!isMax && !countValid && (extra[0] || extra[1]))
    return fail("AveragePool with ceil_mode windows past the input is not "
                "supported");
  float padVal = isMax ? -std::numeric_limits<float>::infinity() : 0.0f;
  Value in =
      pad(*x, {0, 0, win.pads[0], win.pads[1]},
          {0, 0, win.pads[2] + extra[0], win.pads[3] + extra[1]}, padVal);
  SmallVector<int64_t> outShape = {xs[0], xs[1], outHW[0], outHW[1]};
  Value init = zeros(outShape, padVal);
  Value window = tensor::EmptyOp::create(b, loc, win.kernel, b.getF32Type());
  auto sa = b.getI64VectorAttr(win.strides);
  auto da = b.getI64VectorAttr(win.dilations);
  Value out;
  if (isMax)
    out = linalg::PoolingNchwMaxOp::create(b, loc, TypeRange{init.getType()},
                                           ValueRange{in, window},
                                           ValueRange{init}, sa, da)
              .getResult(0);
  else
    out = linalg::PoolingNchwSumOp::create(b, loc, TypeRange{init.getType()},
                                           ValueRange{in, window},
                                           ValueRange{init}, sa, da)
              .getResult(0);
  if (countValid) {
    ConstT inv;
    inv.name = nodeName() + "_inv_counts";
    inv.shape = {1, 1, outHW[0], outHW[1]};
    auto valid = [&](int d, int64_t o) {
      int64_t n = 0;
      for (int64_t k = 0; k < win.kernel[d]; ++k) {
        int64_t i = o * win.strides[d] - win.pads[d] + k * win.dilations[d];
        n += i >= 0 && i < xs[2 + d];
      }
      return n;
    };
    for (int64_t oh = 0; oh < outHW[0]; ++oh)
      for (int64_t ow = 0; ow < outHW[1]; ++ow)
        inv.f.push_back(
            1.0f / float(std::max<int64_t>(1, valid(0, oh) * valid(1, ow))));
    consts[inv.name] = inv;
    Value c = materialize(consts[inv.name], inv.shape);
    out = *elementwise({out, c}, binaryBody<arith::MulFOp>);
  } else if (!isMax) {
    float inv = 1.0f / float(win.kernel[0] * win.kernel[1]);
    out = *elementwise({out, inv}, binaryBody<arith::MulFOp>);
  }
  setOut(0, out);
  return success();
}

static SmallVector<int64_t> normAxes(ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> r;
  for (int64_t a : axes)
    r.push_back(normAxis(a, rank));
  llvm::sort(r);
  return r;
}

LogicalResult Importer::convertReduceMean() {
  FailureOr<Value> x = valueIn(0);
  if (failed(x))
    return failure();
  auto xs = cast<RankedTensorType>(x->getType()).getShape();
  int64_t rank = xs.size();
  SmallVector<int64_t> axes;
  if (auto a = attrInts("axes"))
    axes = *a;
  else if (const ConstT *c = constIn(1))
    axes = c->ints();
  if (axes.empty()) {
    if (attrInt("noop_with_empty_axes", 0)) {
      setOut(0, *x);
      return success();
    }
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  axes = normAxes(axes, rank);
  int64_t count = 1;
  for (int64_t a : axes) {
    if (a < 0 || a >= rank)
      return fail("axis out of range");
    count *= xs[a];
  }
  Value r = reduce(*x, axes, false);
  r = *elementwise({r, 1.0f / float(count)}, binaryBody<arith::MulFOp>);
  if (attrInt("keepdims", 1))
    r = expandBack(r, xs, axes);
  setOut(0, r);
  return success();
}

LogicalResult Importer::convertSoftmax() {
  FailureOr<Value> x = valueIn(0);
  if (failed(x))
    return failure();
  auto xs = cast<RankedTensorType>(x->getType()).getShape();
  int64_t rank = xs.size();
  int64_t axis = axisAttr(opset >= 13 ? -1 : 1, rank);
  if (axis < 0 || axis >= rank)
    return fail("axis out of range");
  SmallVector<int64_t> axes;
  if (opset >= 13)
    axes = {axis};
  else
    for (int64_t d = axis; d < rank; ++d)
      axes.push_back(d);
  bool logSoftmax = node->op_type() == "LogSoftmax";
  Value m = reduce(*x, axes, true);
  Value e = broadcastReduced(
      *x, m, axes, [](OpBuilder &nb, Location nl, ValueRange v) {
        Value d = arith::SubFOp::create(nb, nl, v[0], v[1]);
        return math::ExpOp::create(nb, nl, d).getResult();
      });
  Value s = reduce(e, axes, false);
  Value y;
  if (logSoftmax) {
    // x - max - log(sum)
    Value ls = unary(s, unaryBody<math::LogOp>);
    Value ml = *elementwise({m, ls}, binaryBody<arith::AddFOp>);
    y = broadcastReduced(*x, ml, axes, binaryBody<arith::SubFOp>);
  } else {
    y = broadcastReduced(e, s, axes, binaryBody<arith::DivFOp>);
  }
  setOut(0, y);
  return success();
}

LogicalResult Importer::convertLayerNorm() {
  FailureOr<Value> x = valueIn(0);
  if (failed(x))
    return failure();
  auto xs = cast<RankedTensorType>(x->getType()).getShape();
  int64_t rank = xs.size(), axis = axisAttr(-1, rank);
  float eps = attrFloat("epsilon", 1e-5f);
  SmallVector<int64_t> axes;
  int64_t count = 1;
  for (int64_t d = axis; d < rank; ++d)
    axes.push_back(d), count *= xs[d];
  float inv = 1.0f / float(count);
  Value mean =
      *elementwise({reduce(*x, axes, false), inv}, binaryBody<arith::MulFOp>);
  Value cen = broadcastReduced(*x, mean, axes, binaryBody<arith::SubFOp>);
  Value sq = unary(cen, [](OpBuilder &nb, Location nl, ValueRange v) {
    return arith::MulFOp::create(nb, nl, v[0], v[0]).getResult();
  });
  Value rstd =
      *elementwise({reduce(sq, axes, false), inv, eps},
                   [](OpBuilder &nb, Location nl, ValueRange v) {
                     Value m = arith::MulFOp::create(nb, nl, v[0], v[1]);
                     Value a = arith::AddFOp::create(nb, nl, m, v[2]);
                     return math::RsqrtOp::create(nb, nl, a).getResult();
                   });
  Value y = broadcastReduced(cen, rstd, axes, binaryBody<arith::MulFOp>);
  for (int k = 1; k <= 2; ++k) {
    if (!hasInput(k))
      continue;
    FailureOr<Operand> p = operandIn(k);
    if (failed(p))
      return failure();
    FailureOr<Value> r =
        elementwise({y, *p}, [k](OpBuilder &nb, Location nl, ValueRange v) {
          return k == 1 ? arith::MulFOp::create(nb, nl, v[0], v[1]).getResult()
                        : arith::AddFOp::create(nb, nl, v[0], v[1]).getResult();
        });
    if (failed(r))
      return failure();
    y = *r;
  }
  setOut(0, y);
  // The optional Mean and InvStdDev outputs keep the normalized dims as 1.
  if (node->output_size() > 1 && !node->output(1).empty())
    setOut(1, expandBack(mean, xs, axes));
  if (node->output_size() > 2 && !node->output(2).empty())
    setOut(2, expandBack(rstd, xs, axes));
  return success();
}

LogicalResult Importer::convertReshapeLike() {
  StringRef op = node->op_type();
  FailureOr<SmallVector<int64_t>> in = shapeOf(0);
  if (failed(in))
    return failure();
  int64_t rank = in->size();
  SmallVector<int64_t> out;
  if (op == "Reshape") {
    SmallVector<int64_t> spec;
    if (opset < 5 || attrInts("shape"))
      spec = *attrInts("shape");
    else if (const ConstT *c = constIn(1))
      spec = c->ints();
    else
      return fail("the target shape must be a constant (pin dynamic input "
                  "shapes with --input-shape)");
    bool allowZero = attrInt("allowzero", 0);
    int64_t infer = -1, known = 1;
    for (size_t d = 0; d < spec.size(); ++d) {
      int64_t v = spec[d];
      if (v == 0 && !allowZero) {
        if (int64_t(d) >= rank)
          return fail("shape entry 0 has no input dim to copy");
        v = (*in)[d];
      }
      if (v == -1) {
        if (infer >= 0)
          return fail("more than one -1 in the target shape");
        infer = d;
        out.push_back(1);
        continue;
      }
      out.push_back(v);
      known *= v;
    }
    if (infer >= 0) {
      if (known == 0 || product(*in) % known)
        return fail("cannot infer the -1 dim of " + shapeStr(spec) + " from " +
                    shapeStr(*in));
      out[infer] = product(*in) / known;
    }
  } else if (op == "Flatten") {
    int64_t axis = axisAttr(1, rank);
    out = {product(ArrayRef<int64_t>(*in).take_front(axis)),
           product(ArrayRef<int64_t>(*in).drop_front(axis))};
  } else if (op == "Squeeze") {
    SmallVector<int64_t> axes;
    if (auto a = attrInts("axes"))
      axes = *a;
    else if (const ConstT *c = constIn(1))
      axes = c->ints();
    axes = normAxes(axes, rank);
    for (int64_t d = 0; d < rank; ++d) {
      bool drop = axes.empty() ? (*in)[d] == 1 : llvm::is_contained(axes, d);
      if (drop && (*in)[d] != 1)
        return fail("cannot squeeze dim " + std::to_string(d) + " of size " +
                    std::to_string((*in)[d]));
      if (!drop)
        out.push_back((*in)[d]);
    }
  } else { // Unsqueeze
    SmallVector<int64_t> axes;
    if (auto a = attrInts("axes"))
      axes = *a;
    else if (const ConstT *c = constIn(1))
      axes = c->ints();
    else
      return fail("axes must be constant");
    int64_t outRank = rank + axes.size();
    axes = normAxes(axes, outRank);
    size_t s = 0;
    for (int64_t d = 0; d < outRank; ++d)
      out.push_back(llvm::is_contained(axes, d) ? 1 : (*in)[s++]);
  }
  if (const ConstT *c = constIn(0)) {
    ConstT r = *c;
    r.shape = out;
    if (c->numel() <= kFoldLimit || !c->isFloat) {
      setConst(0, std::move(r));
      return success();
    }
  }
  FailureOr<Value> x = valueIn(0);
  if (failed(x))
    return failure();
  FailureOr<Value> r = reshape(*x, out);
  if (failed(r))
    return failure();
  setOut(0, *r);
  return success();
}

LogicalResult Importer::convertConcat() {
  SmallVector<Value> ins;
  for (int k = 0; k < node->input_size(); ++k) {
    FailureOr<Value> v = valueIn(k);
    if (failed(v))
      return failure();
    if (cast<RankedTensorType>(v->getType()).getNumElements() == 0)
      continue;
    ins.push_back(*v);
  }
  if (ins.empty())
    return fail("all inputs are empty");
  int64_t rank = cast<RankedTensorType>(ins[0].getType()).getRank();
  int64_t axis = axisAttr(0, rank);
  if (axis < 0 || axis >= rank)
    return fail("axis out of range");
  if (ins.size() == 1) {
    setOut(0, ins[0]);
    return success();
  }
  // One tensor.concat (the coupling analysis follows it; insert_slice chains
  // into a tensor.empty would hide the concatenation).
  setOut(0, tensor::ConcatOp::create(b, loc, axis, ins).getResult());
  return success();
}

LogicalResult Importer::convertSlice() {
  FailureOr<Value> x = valueIn(0);
  if (failed(x))
    return failure();
  auto xs = cast<RankedTensorType>(x->getType()).getShape();
  int64_t rank = xs.size();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (opset < 10) {
    starts = attrInts("starts").value_or(SmallVector<int64_t>{});
    ends = attrInts("ends").value_or(SmallVector<int64_t>{});
    axes = attrInts("axes").value_or(SmallVector<int64_t>{});
  } else {
    const ConstT *s = constIn(1), *e = constIn(2);
    if (!s || !e || (hasInput(3) && !constIn(3)) ||
        (hasInput(4) && !constIn(4)))
      return fail("starts, ends, axes and steps must be constants");
    starts = s->ints();
    ends = e->ints();
    if (hasInput(3))
      axes = constIn(3)->ints();
    if (hasInput(4))
      steps = constIn(4)->ints();
  }
  if (axes.empty())
    for (size_t k = 0; k < starts.size(); ++k)
      axes.push_back(k);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  SmallVector<int64_t> off(rank, 0), size(xs.begin(), xs.end()),
      stride(rank, 1);
  for (size_t k = 0; k < axes.size(); ++k) {
    int64_t a = normAxis(axes[k], rank), n = xs[a], st = steps[k];
    if (st <= 0)
      return fail("negative or zero steps are not supported");
    int64_t s = clampIndex(starts[k], n, 0, n);
    int64_t e = clampIndex(ends[k], n, 0, n);
    size[a] = e > s ? (e - s + st - 1) / st : 0;
    off[a] = size[a] ? s : 0; // an empty slice may start anywhere
    stride[a] = st;
  }
  SmallVector<OpFoldResult> o, sz, st;
  for (int64_t d = 0; d < rank; ++d) {
    o.push_back(b.getIndexAttr(off[d]));
    sz.push_back(b.getIndexAttr(size[d]));
    st.push_back(b.getIndexAttr(stride[d]));
  }
  setOut(0, tensor::ExtractSliceOp::create(b, loc, f32(size), *x, o, sz, st));
  return success();
}

LogicalResult Importer::convertSplit() {
  FailureOr<Value> x = valueIn(0);
  if (failed(x))
    return failure();
  auto xs = cast<RankedTensorType>(x->getType()).getShape();
  int64_t rank = xs.size(), axis = axisAttr(0, rank);
  SmallVector<int64_t> split;
  if (auto s = attrInts("split"))
    split = *s;
  else if (const ConstT *c = constIn(1))
    split = c->ints();
  else {
    int64_t n = node->output_size();
    if (xs[axis] % n)
      return fail("dim does not split evenly");
    split.assign(n, xs[axis] / n);
  }
  int64_t off = 0;
  for (int k = 0; k < node->output_size(); ++k) {
    SmallVector<OpFoldResult> o(rank, b.getIndexAttr(0)), sz,
        st(rank, b.getIndexAttr(1));
    SmallVector<int64_t> shape(xs.begin(), xs.end());
    shape[axis] = split[k];
    o[axis] = b.getIndexAttr(off);
    for (int64_t d : shape)
      sz.push_back(b.getIndexAttr(d));
    setOut(k,
           tensor::ExtractSliceOp::create(b, loc, f32(shape), *x, o, sz, st));
    off += split[k];
  }
  return success();
}

LogicalResult Importer::convertResize() {
  FailureOr<Value> x = valueIn(0);
  if (failed(x))
    return failure();
  auto xs = cast<RankedTensorType>(x->getType()).getShape();
  bool legacy = node->op_type() == "Upsample" || opset < 11;
  std::string mode = attrStr("mode", "nearest");
  if (mode != "nearest" && mode != "linear" && mode != "bilinear")
    return fail("mode '" + mode +
                "' is not supported (nearest and linear are)");
  bool linear = mode != "nearest";
  SmallVector<int64_t> out;
  SmallVector<double> scale;
  const ConstT *scales = constIn(opset >= 11 ? 2 : 1);
  const ConstT *sizes = opset >= 11 ? constIn(3) : nullptr;
  if (auto a = attr("scales"); a && a->floats_size())
    for (float f : a->floats())
      scale.push_back(f);
  if (sizes && sizes->numel()) {
    out = sizes->ints();
    if (out.size() != xs.size())
      return fail("sizes do not match the input rank");
    scale.clear();
    for (size_t d = 0; d < xs.size(); ++d)
      scale.push_back(double(out[d]) / xs[d]);
  } else if ((scales && scales->numel()) || !scale.empty()) {
    if (scale.empty())
      for (int64_t d = 0; d < scales->numel(); ++d)
        scale.push_back(scales->at(d));
    if (scale.size() != xs.size())
      return fail("scales do not match the input rank");
    for (size_t d = 0; d < xs.size(); ++d)
      out.push_back(int64_t(std::floor(xs[d] * scale[d])));
  } else {
    return fail("scales or sizes must be constants");
  }
  if (llvm::any_of(out, [](int64_t d) { return d <= 0; }))
    return fail("the output would be empty");
  // Upsample and Resize before opset 11: asymmetric coordinates; nearest
  // picks floor.
  std::string ctm = attrStr("coordinate_transformation_mode",
                            legacy ? "asymmetric" : "half_pixel");
  std::string nm =
      attrStr("nearest_mode", legacy ? "floor" : "round_prefer_floor");
  if (attr("antialias") && attrInt("antialias", 0))
    return fail("antialias is not supported");
  // Per dim and output index: source taps (clamped to the input, as ONNX's
  // edge padding) and their weights, from ONNX's reference formulas.
  int64_t rank = xs.size(), taps = linear ? 2 : 1;
  std::vector<std::vector<int64_t>> src(rank);
  std::vector<std::vector<float>> wts(rank);
  bool repeats = !linear;
  SmallVector<int64_t> factor;
  for (int64_t d = 0; d < rank; ++d) {
    double sc = scale[d], outW = sc * xs[d];
    for (int64_t i = 0; i < out[d]; ++i) {
      double o;
      if (ctm == "asymmetric")
        o = i / sc;
      else if (ctm == "half_pixel")
        o = (i + 0.5) / sc - 0.5;
      else if (ctm == "pytorch_half_pixel")
        o = outW > 1 ? (i + 0.5) / sc - 0.5 : -0.5;
      else if (ctm == "tf_half_pixel_for_nn")
        o = (i + 0.5) / sc;
      else if (ctm == "align_corners")
        o = outW > 1 ? i * double(xs[d] - 1) / (outW - 1) : 0;
      else
        return fail("coordinate_transformation_mode '" + ctm +
                    "' is not supported");
      int64_t lo = int64_t(std::floor(o));
      double ratio = o - lo;
      auto clampI = [&](int64_t v) {
        return std::clamp<int64_t>(v, 0, xs[d] - 1);
      };
      if (linear) {
        src[d].push_back(clampI(lo));
        src[d].push_back(clampI(lo + 1));
        wts[d].push_back(float(1.0 - ratio));
        wts[d].push_back(float(ratio));
        continue;
      }
      int64_t r;
      if (ratio == 0)
        r = lo;
      else if (nm == "floor")
        r = lo;
      else if (nm == "ceil")
        r = lo + 1;
      else if (nm == "round_prefer_ceil")
        r = ratio < 0.5 ? lo : lo + 1;
      else if (nm == "round_prefer_floor")
        r = ratio <= 0.5 ? lo : lo + 1;
      else
        return fail("nearest_mode '" + nm + "' is not supported");
      src[d].push_back(clampI(r));
      wts[d].push_back(1.0f);
    }
    // Integer upsampling that repeats each element: out[i] = in[i / s].
    int64_t s = out[d] % xs[d] == 0 ? out[d] / xs[d] : 0;
    factor.push_back(s);
    for (int64_t i = 0; repeats && i < out[d]; ++i)
      repeats = s && src[d][i] == i / s;
  }
  if (!repeats) {
    // General case: a gather from the captured input through constant
    // per-dim index and weight tables, summed over the taps. Marked with
    // onnx.resize so that --export-onnx writes a Resize node back.
    SmallVector<Value> idxTables(rank), wTables(rank);
    SmallVector<bool> identity(rank);
    for (int64_t d = 0; d < rank; ++d) {
      identity[d] = out[d] == xs[d] && !linear;
      for (int64_t i = 0; identity[d] && i < out[d]; ++i)
        identity[d] = src[d][i] == i;
      if (identity[d])
        continue;
      auto it = RankedTensorType::get({out[d], taps}, b.getI64Type());
      idxTables[d] = arith::ConstantOp::create(
          b, loc, it, DenseElementsAttr::get(it, ArrayRef<int64_t>(src[d])));
      if (linear) {
        auto ft = f32({out[d], taps});
        wTables[d] = arith::ConstantOp::create(
            b, loc, ft, DenseElementsAttr::get(ft, ArrayRef<float>(wts[d])));
      }
    }
    Value init = tensor::EmptyOp::create(b, loc, out, b.getF32Type());
    SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    Value xv = *x;
    auto gen = linalg::GenericOp::create(
        b, loc, TypeRange{init.getType()}, ValueRange{}, ValueRange{init}, maps,
        iters, [&](OpBuilder &nb, Location nl, ValueRange) {
          // Taps per dim: (index, weight or null).
          SmallVector<SmallVector<std::pair<Value, Value>>> tp(rank);
          for (int64_t d = 0; d < rank; ++d) {
            Value i = linalg::IndexOp::create(nb, nl, d);
            if (identity[d]) {
              tp[d].push_back({i, Value()});
              continue;
            }
            for (int64_t t = 0; t < taps; ++t) {
              Value tv = arith::ConstantIndexOp::create(nb, nl, t);
              Value e = tensor::ExtractOp::create(nb, nl, idxTables[d],
                                                  ValueRange{i, tv});
              Value ix =
                  arith::IndexCastOp::create(nb, nl, nb.getIndexType(), e);
              Value w = linear ? tensor::ExtractOp::create(nb, nl, wTables[d],
                                                           ValueRange{i, tv})
                                     .getResult()
                               : Value();
              tp[d].push_back({ix, w});
            }
          }
          Value acc;
          SmallVector<int64_t> pick(rank, 0);
          while (true) {
            SmallVector<Value> idx;
            Value w;
            for (int64_t d = 0; d < rank; ++d) {
              idx.push_back(tp[d][pick[d]].first);
              if (Value wd = tp[d][pick[d]].second)
                w = w ? arith::MulFOp::create(nb, nl, w, wd).getResult() : wd;
            }
            Value v = tensor::ExtractOp::create(nb, nl, xv, idx);
            if (w)
              v = arith::MulFOp::create(nb, nl, v, w);
            acc = acc ? arith::AddFOp::create(nb, nl, acc, v).getResult() : v;
            int64_t d = rank - 1;
            while (d >= 0 && ++pick[d] == int64_t(tp[d].size()))
              pick[d--] = 0;
            if (d < 0)
              break;
          }
          linalg::YieldOp::create(nb, nl, acc);
        });
    SmallVector<NamedAttribute> info = {
        b.getNamedAttr("mode", b.getStringAttr(linear ? "linear" : "nearest")),
        b.getNamedAttr("coordinate_transformation_mode", b.getStringAttr(ctm)),
        b.getNamedAttr("nearest_mode", b.getStringAttr(nm))};
    if (!sizes || !sizes->numel()) {
      SmallVector<float> sf(scale.begin(), scale.end());
      info.push_back(b.getNamedAttr("scales", b.getDenseF32ArrayAttr(sf)));
    }
    gen->setAttr("onnx.resize", b.getDictionaryAttr(info));
    setOut(0, gen.getResult(0));
    return success();
  }
  // Broadcast to [.., d, s, ..] and collapse.
  SmallVector<int64_t> wide;
  SmallVector<AffineExpr> inExprs;
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d < rank; ++d) {
    inExprs.push_back(b.getAffineDimExpr(wide.size()));
    groups.push_back({int64_t(wide.size()), int64_t(wide.size() + 1)});
    wide.push_back(xs[d]);
    wide.push_back(factor[d]);
  }
  int64_t wr = wide.size();
  Value init = tensor::EmptyOp::create(b, loc, wide, b.getF32Type());
  SmallVector<AffineMap> maps = {AffineMap::get(wr, 0, inExprs, ctx),
                                 b.getMultiDimIdentityMap(wr)};
  SmallVector<utils::IteratorType> iters(wr, utils::IteratorType::parallel);
  Value y =
      linalg::GenericOp::create(b, loc, TypeRange{init.getType()},
                                ValueRange{*x}, ValueRange{init}, maps, iters,
                                [](OpBuilder &nb, Location nl, ValueRange a) {
                                  linalg::YieldOp::create(nb, nl, a[0]);
                                })
          .getResult(0);
  setOut(0, tensor::CollapseShapeOp::create(b, loc, f32(out), y, groups));
  return success();
}

/// The elementwise ops that are one arith or math op on their inputs.
static const llvm::StringMap<BodyBuilder> &singleOpBodies() {
  static const llvm::StringMap<BodyBuilder> bodies = {
      {"Add", binaryBody<arith::AddFOp>}, {"Sub", binaryBody<arith::SubFOp>},
      {"Mul", binaryBody<arith::MulFOp>}, {"Div", binaryBody<arith::DivFOp>},
      {"Pow", binaryBody<math::PowFOp>},  {"Tanh", unaryBody<math::TanhOp>},
      {"Exp", unaryBody<math::ExpOp>},    {"Log", unaryBody<math::LogOp>},
      {"Sqrt", unaryBody<math::SqrtOp>},  {"Erf", unaryBody<math::ErfOp>},
      {"Abs", unaryBody<math::AbsFOp>},   {"Neg", unaryBody<arith::NegFOp>}};
  return bodies;
}

LogicalResult Importer::convertElementwise(StringRef op) {
  SmallVector<Operand> ins;
  for (int k = 0; k < node->input_size(); ++k) {
    if (!hasInput(k)) {
      ins.push_back(Operand(std::numeric_limits<float>::quiet_NaN()));
      continue;
    }
    FailureOr<Operand> o = operandIn(k);
    if (failed(o))
      return failure();
    ins.push_back(*o);
  }
  if (ins.empty() || llvm::none_of(ins, [](const Operand &o) {
        return std::holds_alternative<Value>(o);
      }))
    return fail("needs at least one tensor input");
  if ((op == "Add" || op == "Sub" || op == "Mul" || op == "Div" ||
       op == "Pow") &&
      ins.size() != 2)
    return fail("expects 2 inputs, got " + std::to_string(ins.size()));
  if ((op == "Sum" || op == "Max" || op == "Min") && ins.size() == 1) {
    FailureOr<Value> x = valueIn(0);
    if (failed(x))
      return failure();
    setOut(0, *x);
    return success();
  }
  std::string o = op.str();
  float alpha = attrFloat("alpha", o == "LeakyRelu"     ? 0.01f
                                   : o == "HardSigmoid" ? 0.2f
                                   : o == "Elu"         ? 1.0f
                                                        : 0.0f);
  float beta = attrFloat("beta", 0.5f);
  std::string approx = attrStr("approximate", "none");
  // Clip before opset 11 takes min/max attributes.
  if (o == "Clip") {
    float lo = -std::numeric_limits<float>::infinity(),
          hi = std::numeric_limits<float>::infinity();
    if (opset < 11) {
      lo = attrFloat("min", lo);
      hi = attrFloat("max", hi);
    } else {
      for (int k = 1; k <= 2; ++k) {
        if (!hasInput(k))
          continue;
        const ConstT *c = constIn(k);
        if (!c || c->numel() != 1)
          return fail("min and max must be scalar constants");
        (k == 1 ? lo : hi) = c->at(0);
      }
    }
    ins.resize(1);
    ins.push_back(lo);
    ins.push_back(hi);
  }
  auto cst = [](OpBuilder &nb, Location nl, float v) -> Value {
    return arith::ConstantOp::create(nb, nl, nb.getF32FloatAttr(v));
  };
  FailureOr<Value> r =
      elementwise(ins, [&](OpBuilder &nb, Location nl, ValueRange v) -> Value {
        Value x = v[0];
        if (o == "Sum" || o == "Max" || o == "Min") {
          // Variadic: fold over every input.
          BodyBuilder combine = o == "Sum"   ? binaryBody<arith::AddFOp>
                                : o == "Max" ? binaryBody<arith::MaximumFOp>
                                             : binaryBody<arith::MinimumFOp>;
          Value acc = v[0];
          for (Value n : v.drop_front())
            acc = combine(nb, nl, {acc, n});
          return acc;
        }
        if (BodyBuilder single = singleOpBodies().lookup(o))
          return single(nb, nl, v);
        if (o == "Relu")
          return arith::MaximumFOp::create(nb, nl, x, cst(nb, nl, 0.0f));
        if (o == "LeakyRelu") {
          Value pos = arith::CmpFOp::create(nb, nl, arith::CmpFPredicate::OGT,
                                            x, cst(nb, nl, 0.0f));
          Value neg = arith::MulFOp::create(nb, nl, x, cst(nb, nl, alpha));
          return arith::SelectOp::create(nb, nl, pos, x, neg);
        }
        if (o == "Sigmoid") {
          Value n = arith::NegFOp::create(nb, nl, x);
          Value e = math::ExpOp::create(nb, nl, n);
          Value d = arith::AddFOp::create(nb, nl, e, cst(nb, nl, 1.0f));
          return arith::DivFOp::create(nb, nl, cst(nb, nl, 1.0f), d);
        }
        if (o == "HardSigmoid" || o == "HardSwish") {
          float a = o == "HardSwish" ? 1.0f / 6.0f : alpha;
          float bb = o == "HardSwish" ? 0.5f : beta;
          Value m = arith::MulFOp::create(nb, nl, x, cst(nb, nl, a));
          Value s = arith::AddFOp::create(nb, nl, m, cst(nb, nl, bb));
          Value lo = arith::MaximumFOp::create(nb, nl, s, cst(nb, nl, 0.0f));
          Value hs = arith::MinimumFOp::create(nb, nl, lo, cst(nb, nl, 1.0f));
          if (o == "HardSigmoid")
            return hs;
          return arith::MulFOp::create(nb, nl, x, hs);
        }
        if (o == "Clip") {
          Value lo = arith::MaximumFOp::create(nb, nl, x, v[1]);
          return arith::MinimumFOp::create(nb, nl, lo, v[2]);
        }
        if (o == "Reciprocal")
          return arith::DivFOp::create(nb, nl, cst(nb, nl, 1.0f), x);
        if (o == "Elu") {
          Value pos = arith::CmpFOp::create(nb, nl, arith::CmpFPredicate::OGT,
                                            x, cst(nb, nl, 0.0f));
          Value e = math::ExpM1Op::create(nb, nl, x);
          Value neg = arith::MulFOp::create(nb, nl, e, cst(nb, nl, alpha));
          return arith::SelectOp::create(nb, nl, pos, x, neg);
        }
        if (o == "Gelu") {
          if (approx == "tanh") {
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            Value x3 = arith::MulFOp::create(
                nb, nl, arith::MulFOp::create(nb, nl, x, x), x);
            Value in = arith::AddFOp::create(
                nb, nl, x,
                arith::MulFOp::create(nb, nl, x3, cst(nb, nl, 0.044715f)));
            Value t = math::TanhOp::create(
                nb, nl,
                arith::MulFOp::create(nb, nl, in,
                                      cst(nb, nl, 0.7978845608028654f)));
            Value one = arith::AddFOp::create(nb, nl, t, cst(nb, nl, 1.0f));
            return arith::MulFOp::create(nb, nl,
                                         arith::MulFOp::create(nb, nl, x, one),
                                         cst(nb, nl, 0.5f));
          }
          Value e = math::ErfOp::create(
              nb, nl,
              arith::MulFOp::create(nb, nl, x,
                                    cst(nb, nl, 0.7071067811865476f)));
          Value one = arith::AddFOp::create(nb, nl, e, cst(nb, nl, 1.0f));
          return arith::MulFOp::create(
              nb, nl, arith::MulFOp::create(nb, nl, x, one), cst(nb, nl, 0.5f));
        }
        llvm_unreachable("unhandled elementwise op");
      });
  if (failed(r))
    return failure();
  setOut(0, *r);
  return success();
}

//===----------------------------------------------------------------------===//
// Fused projections (q, k, v in one MatMul)
//===----------------------------------------------------------------------===//

/// The compile-time data behind a materialized constant.
const ConstT *Importer::constOf(Value v) {
  auto it =
      llvm::find_if(materialized, [&](auto &kv) { return kv.second == v; });
  if (it == materialized.end())
    return nullptr;
  auto c = consts.find(it->first.first);
  return c == consts.end() || !c->second.isFloat ? nullptr : &c->second;
}

/// SVTR-style attention computes q, k and v with one MatMul against a
/// [C, K*C'] weight, reshapes [.., K*C'] -> [.., K, H, D], moves K to the
/// front and picks each projection with Slice+Squeeze (or Gather) on axis 0.
/// At that Transpose, this emits K separate MatMuls (weight and bias column
/// blocks), each reshaped [.., H, D] and transposed like the slice it
/// replaces, so the head split is per projection as torch-mlir emits it and
/// prune-heads sees q, k and v heads. The fused MatMul is left dead.
LogicalResult Importer::splitFusedProjection(bool &done) {
  done = false;
  auto permAttr = attrInts("perm");
  if (!permAttr || !hasInput(0) || !values.count(node->input(0)))
    return success();
  SmallVector<int64_t> perm = *permAttr;
  Value x = values[node->input(0)];
  auto xs = cast<RankedTensorType>(x.getType()).getShape();
  int64_t rank = xs.size();
  if (int64_t(perm.size()) != rank || rank < 3)
    return success();
  int64_t j = perm[0], k = xs[j];
  if (j < 1 || j + 2 > rank || k < 2 || k > 4)
    return success();
  // x = expand_shape(y): [.., K*C'] -> [.., K, H, D].
  auto expand = x.getDefiningOp<tensor::ExpandShapeOp>();
  if (!expand)
    return success();
  Value y = expand.getSrc();
  auto ys = cast<RankedTensorType>(y.getType()).getShape();
  if (int64_t(ys.size()) != j + 1 || ys.take_front(j) != xs.take_front(j) ||
      ys[j] != product(xs.drop_front(j)))
    return success();
  int64_t cp = ys[j] / k;
  // y = m (+ bias along the last dim).
  Value m = y;
  const ConstT *bias = nullptr;
  if (auto add = y.getDefiningOp<linalg::GenericOp>()) {
    if (add.getNumDpsInputs() != 2 || !y.hasOneUse())
      return success();
    Block *body = add.getBody();
    auto addf = dyn_cast<arith::AddFOp>(&body->front());
    if (!addf || body->getOperations().size() != 2)
      return success();
    Value c = add.getDpsInputOperand(1)->get();
    AffineMap cm = add.getIndexingMapsArray()[1];
    bias = c.getDefiningOp<arith::ConstantOp>() ? constOf(c) : nullptr;
    if (!bias || bias->numel() != ys[j] || cm.getNumResults() != 1 ||
        cm.getResult(0) != getAffineDimExpr(j, ctx) ||
        !add.getIndexingMapsArray()[0].isIdentity())
      return success();
    m = add.getDpsInputOperand(0)->get();
  }
  if (!m.hasOneUse())
    return success();
  // m = matmul(a2, W) [rows, K*C'], possibly expanded to y's shape.
  Value mm = m;
  if (auto e = m.getDefiningOp<tensor::ExpandShapeOp>())
    mm = e.getSrc();
  auto matmul = mm.getDefiningOp<linalg::MatmulOp>();
  if (!matmul || !mm.hasOneUse())
    return success();
  Value w = matmul.getDpsInputOperand(1)->get();
  const ConstT *wt =
      w.getDefiningOp<arith::ConstantOp>() ? constOf(w) : nullptr;
  auto mms = cast<RankedTensorType>(mm.getType()).getShape();
  if (!wt || wt->shape.size() != 2 || wt->shape[1] != ys[j] || mms[1] != ys[j])
    return success();
  // Every consumer of the Transpose picks one index of axis 0.
  auto consumers = [&](const std::string &name) {
    SmallVector<const onnx::NodeProto *> r;
    for (int n = idx + 1; n < graph->node_size(); ++n)
      if (llvm::is_contained(graph->node(n).input(), name))
        r.push_back(&graph->node(n));
    return r;
  };
  auto intsAttr = [](const onnx::NodeProto *n,
                     StringRef name) -> std::optional<SmallVector<int64_t>> {
    for (const auto &a : n->attribute())
      if (a.name() == name)
        return SmallVector<int64_t>(a.ints().begin(), a.ints().end());
    return std::nullopt;
  };
  auto intsIn = [&](const onnx::NodeProto *n,
                    int i) -> std::optional<SmallVector<int64_t>> {
    if (i >= n->input_size())
      return std::nullopt;
    auto c = consts.find(n->input(i));
    if (c == consts.end())
      return std::nullopt;
    return c->second.ints();
  };
  SmallVector<std::pair<int64_t, std::string>> picks; // (index, output name)
  SmallVector<const onnx::NodeProto *> used;
  for (const onnx::NodeProto *c : consumers(node->output(0))) {
    if (c->op_type() == "Gather" && c->input(0) == node->output(0)) {
      int64_t axis = 0;
      for (const auto &a : c->attribute())
        if (a.name() == "axis")
          axis = a.i();
      auto ind = intsIn(c, 1);
      if (axis != 0 || !ind || ind->size() != 1 || (*ind)[0] < 0 ||
          (*ind)[0] >= k)
        return success();
      // A scalar index drops the axis; a [1] index keeps it.
      if (consts[c->input(1)].shape.size() != 0)
        return success();
      picks.push_back({(*ind)[0], c->output(0)});
      used.push_back(c);
      continue;
    }
    if (c->op_type() != "Slice" || c->input(0) != node->output(0))
      return success();
    std::optional<SmallVector<int64_t>> st, en, ax;
    if (opset < 10) {
      st = intsAttr(c, "starts"), en = intsAttr(c, "ends"),
      ax = intsAttr(c, "axes");
    } else {
      st = intsIn(c, 1), en = intsIn(c, 2), ax = intsIn(c, 3);
      if (c->input_size() > 4 && !c->input(4).empty()) {
        auto steps = intsIn(c, 4);
        if (!steps || steps->size() != 1 || (*steps)[0] != 1)
          return success();
      }
    }
    if (!st || !en || st->size() != 1 || en->size() != 1 ||
        (ax && (ax->size() != 1 || (*ax)[0] != 0)) || (*st)[0] < 0 ||
        (*st)[0] >= k || (*en)[0] != (*st)[0] + 1)
      return success();
    auto sq = consumers(c->output(0));
    if (sq.size() != 1 || sq[0]->op_type() != "Squeeze")
      return success();
    std::optional<SmallVector<int64_t>> sqAxes = intsAttr(sq[0], "axes");
    if (!sqAxes)
      sqAxes = intsIn(sq[0], 1);
    if (!sqAxes || sqAxes->size() != 1 || (*sqAxes)[0] != 0)
      return success();
    picks.push_back({(*st)[0], sq[0]->output(0)});
    used.push_back(c);
    used.push_back(sq[0]);
  }
  if (picks.empty())
    return success();
  // Emit one projection per pick, named after the fused weight.
  static const char *qkv[] = {"q", "k", "v"};
  SmallVector<int64_t> xiShape(xs.begin(), xs.end());
  xiShape.erase(xiShape.begin() + j);
  SmallVector<int64_t> permI;
  for (int64_t p : ArrayRef<int64_t>(perm).drop_front())
    permI.push_back(p > j ? p - 1 : p);
  SmallVector<int64_t> mShape(ys.begin(), ys.end());
  mShape[j] = cp;
  Value a2 = matmul.getDpsInputOperand(0)->get();
  int64_t rows = wt->shape[0];
  for (auto &[i, outName] : picks) {
    std::string sfx = k == 3 ? qkv[i] : std::to_string(i);
    ConstT wi;
    wi.name = wt->name + "." + sfx;
    wi.shape = {rows, cp};
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cp; ++c)
        wi.f.push_back(wt->f[r * ys[j] + i * cp + c]);
    consts[wi.name] = wi;
    Location saved = loc;
    loc = NameLoc::get(b.getStringAttr(locName(matmul.getLoc(), sfx)), loc);
    Value init = zeros({mms[0], cp});
    Value mmi = linalg::MatmulOp::create(
                    b, loc, TypeRange{init.getType()},
                    ValueRange{a2, materialize(consts[wi.name], wi.shape)},
                    ValueRange{init})
                    .getResult(0);
    Value yi = *reshape(mmi, mShape);
    if (bias) {
      ConstT bi;
      bi.name = bias->name + "." + sfx;
      bi.shape = {cp};
      bi.f.assign(bias->f.begin() + i * cp, bias->f.begin() + (i + 1) * cp);
      consts[bi.name] = bi;
      Value bv = materialize(consts[bi.name], bi.shape);
      yi = *elementwise({yi, bv}, binaryBody<arith::AddFOp>);
    }
    Value xi = *reshape(yi, xiShape);
    values[outName] = transpose(xi, permI);
    loc = saved;
  }
  for (const onnx::NodeProto *n : used)
    skipNodes.insert(n);
  done = true;
  return success();
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

static const llvm::StringSet<> &elementwiseOps() {
  static const llvm::StringSet<> ops = {
      "Add",  "Sub",  "Mul",        "Div",     "Max",         "Min",
      "Pow",  "Relu", "LeakyRelu",  "Sigmoid", "HardSigmoid", "HardSwish",
      "Clip", "Tanh", "Exp",        "Log",     "Sqrt",        "Erf",
      "Abs",  "Neg",  "Reciprocal", "Elu",     "Gelu",        "Sum"};
  return ops;
}

/// Dropout is imported for inference only: no training mode (opset 12+
/// input), no mask output.
LogicalResult Importer::checkInferenceDropout() {
  if (hasInput(2)) {
    const ConstT *t = constIn(2);
    if (!t || t->numel() != 1)
      return fail("training_mode must be a constant");
    if (t->at(0) != 0)
      return fail("training mode (random dropout) is not supported");
  }
  if (node->output_size() > 1 && !node->output(1).empty())
    return fail("the mask output is not supported");
  return success();
}

LogicalResult Importer::importNode() {
  StringRef op = node->op_type();
  if (!node->domain().empty() && node->domain() != "ai.onnx")
    return fail("domain '" + node->domain() + "' is not supported");
  if (op == "Dropout" && failed(checkInferenceDropout()))
    return failure();
  bool folded;
  if (failed(foldNode(folded)))
    return failure();
  if (folded)
    return success();
  if (op == "Cast" &&
      attrInt("to", onnx::TensorProto::FLOAT) != onnx::TensorProto::FLOAT)
    return fail("casts of tensors to non-float types are not supported");
  if (op == "Identity" || op == "Dropout" || op == "Cast") {
    FailureOr<Value> x = valueIn(0);
    if (failed(x))
      return failure();
    setOut(0, *x);
    return success();
  }
  if (op == "Conv")
    return convertConv();
  if (op == "ConvTranspose")
    return convertConvTranspose();
  if (op == "Gemm")
    return convertGemm();
  if (op == "MatMul")
    return convertMatMul();
  if (op == "BatchNormalization")
    return convertBatchNorm();
  if (op == "MaxPool")
    return convertPool(true, false);
  if (op == "AveragePool")
    return convertPool(false, false);
  if (op == "GlobalAveragePool")
    return convertPool(false, true);
  if (op == "GlobalMaxPool")
    return convertPool(true, true);
  if (op == "ReduceMean")
    return convertReduceMean();
  if (op == "Softmax" || op == "LogSoftmax")
    return convertSoftmax();
  if (op == "LayerNormalization")
    return convertLayerNorm();
  if (op == "Reshape" || op == "Flatten" || op == "Squeeze" ||
      op == "Unsqueeze")
    return convertReshapeLike();
  if (op == "Transpose") {
    bool split = false;
    if (failed(splitFusedProjection(split)))
      return failure();
    if (split)
      return success();
    FailureOr<Value> x = valueIn(0);
    if (failed(x))
      return failure();
    int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
    SmallVector<int64_t> perm;
    if (auto p = attrInts("perm"))
      perm = *p;
    else
      for (int64_t d = rank - 1; d >= 0; --d)
        perm.push_back(d);
    if (int64_t(perm.size()) != rank)
      return fail("perm does not match the rank");
    setOut(0, transpose(*x, perm));
    return success();
  }
  if (op == "Pad") {
    FailureOr<Value> x = valueIn(0);
    if (failed(x))
      return failure();
    int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
    std::string mode = attrStr("mode", "constant");
    if (mode != "constant")
      return fail("mode '" + mode + "' is not supported (only constant)");
    SmallVector<int64_t> pads;
    float value = 0.0f;
    if (opset < 11) {
      pads = attrInts("pads").value_or(SmallVector<int64_t>{});
      value = attrFloat("value", 0.0f);
    } else {
      const ConstT *p = constIn(1);
      if (!p || (hasInput(2) && !constIn(2)))
        return fail("pads and constant_value must be constants");
      pads = p->ints();
      if (hasInput(2) && constIn(2)->numel())
        value = constIn(2)->at(0);
      if (hasInput(3))
        return fail("the axes input is not supported");
    }
    if (int64_t(pads.size()) != 2 * rank)
      return fail("pads must have 2 * rank entries");
    if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
      return fail("negative pads are not supported");
    setOut(0, pad(*x, ArrayRef<int64_t>(pads).take_front(rank),
                  ArrayRef<int64_t>(pads).drop_front(rank), value));
    return success();
  }
  if (op == "Concat")
    return convertConcat();
  if (op == "Slice")
    return convertSlice();
  if (op == "Split")
    return convertSplit();
  if (op == "Resize" || op == "Upsample")
    return convertResize();
  if (elementwiseOps().contains(op))
    return convertElementwise(op);
  return fail("unsupported op '" + op.str() + "'");
}

OwningOpRef<ModuleOp> Importer::run(const onnx::ModelProto &model) {
  ctx->loadDialect<arith::ArithDialect, func::FuncDialect,
                   linalg::LinalgDialect, math::MathDialect,
                   tensor::TensorDialect>();
  Location fileLoc = FileLineColLoc::get(ctx, opts.fileName, 0, 0);
  loc = fileLoc;
  opset = 0;
  for (const auto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      opset = o.version();
  if (model.opset_import_size() == 0)
    opset = 1;
  if (opset < kMinOpset || opset > kMaxOpset) {
    emitError(fileLoc) << "ONNX opset " << opset
                       << " is not supported (the importer knows opsets "
                       << kMinOpset << " to " << kMaxOpset << ")";
    return nullptr;
  }
  const onnx::GraphProto &g = model.graph();
  for (const auto &t : g.initializer()) {
    ConstT c;
    if (failed(readTensor(t, c)))
      return nullptr;
    consts[t.name()] = std::move(c);
  }
  // Inputs (those that are not initializers) with static or pinned shapes.
  SmallVector<std::string> inputNames;
  SmallVector<Type> inputTypes;
  llvm::StringSet<> seenPins;
  for (const auto &kv : opts.inputShapes)
    if (llvm::none_of(g.input(), [&](const onnx::ValueInfoProto &in) {
          return in.name() == kv.getKey() && !consts.count(in.name());
        })) {
      emitError(fileLoc) << "--input-shape names '" << kv.getKey()
                         << "', which is not a graph input";
      return nullptr;
    }
  for (const auto &in : g.input()) {
    if (consts.count(in.name()))
      continue;
    const auto &tt = in.type().tensor_type();
    if (!in.type().has_tensor_type() ||
        (tt.elem_type() != onnx::TensorProto::FLOAT)) {
      emitError(fileLoc) << "graph input '" << in.name()
                         << "' is not a float tensor";
      return nullptr;
    }
    SmallVector<int64_t> shape;
    auto pin = opts.inputShapes.find(in.name());
    if (pin != opts.inputShapes.end()) {
      shape = pin->second;
      seenPins.insert(in.name());
      if (tt.has_shape() && tt.shape().dim_size() != int64_t(shape.size())) {
        emitError(fileLoc) << "--input-shape for '" << in.name() << "' has "
                           << shape.size() << " dims, the input has "
                           << tt.shape().dim_size();
        return nullptr;
      }
      for (int d = 0; tt.has_shape() && d < tt.shape().dim_size(); ++d) {
        const auto &dim = tt.shape().dim(d);
        if (dim.has_dim_value() && dim.dim_value() > 0 &&
            dim.dim_value() != shape[d]) {
          emitError(fileLoc) << "--input-shape for '" << in.name()
                             << "' sets dim " << d << " to " << shape[d]
                             << ", the model fixes it to " << dim.dim_value();
          return nullptr;
        }
      }
    } else {
      if (!tt.has_shape()) {
        emitError(fileLoc) << "graph input '" << in.name()
                           << "' has no shape; pin it with --input-shape="
                           << in.name() << ":d0,d1,...";
        return nullptr;
      }
      for (int d = 0; d < tt.shape().dim_size(); ++d) {
        const auto &dim = tt.shape().dim(d);
        if (!dim.has_dim_value() || dim.dim_value() <= 0) {
          emitError(fileLoc)
              << "graph input '" << in.name() << "' has dynamic dim " << d
              << (dim.has_dim_param() ? " ('" + dim.dim_param() + "')" : "")
              << "; pin it with --input-shape=" << in.name() << ":d0,d1,...";
          return nullptr;
        }
        shape.push_back(dim.dim_value());
      }
    }
    inputNames.push_back(in.name());
    inputTypes.push_back(f32(shape));
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  b.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(b, fileLoc, opts.funcName,
                                   b.getFunctionType(inputTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [name, arg] : llvm::zip(inputNames, entry->getArguments()))
    values[name] = arg;
  b.setInsertionPointToEnd(entry);

  graph = &g;
  for (idx = 0; idx < g.node_size(); ++idx) {
    node = &g.node(idx);
    if (skipNodes.contains(node))
      continue;
    loc = NameLoc::get(b.getStringAttr(nodeName()), fileLoc);
    if (failed(importNode()))
      return nullptr;
  }
  loc = fileLoc;
  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const auto &out : g.output()) {
    Value v;
    auto it = values.find(out.name());
    if (it != values.end()) {
      v = it->second;
    } else {
      auto ct = consts.find(out.name());
      if (ct == consts.end()) {
        emitError(fileLoc) << "graph output '" << out.name()
                           << "' is not produced by any node";
        return nullptr;
      }
      if (!ct->second.isFloat) {
        emitError(fileLoc) << "graph output '" << out.name()
                           << "' is an integer constant (not supported)";
        return nullptr;
      }
      v = materialize(ct->second, ct->second.shape);
    }
    results.push_back(v);
    resultTypes.push_back(v.getType());
  }
  func::ReturnOp::create(b, fileLoc, results);
  func.setType(b.getFunctionType(inputTypes, resultTypes));
  // Keep graph input/output names for tools that map back to ONNX.
  for (auto [k, name] : llvm::enumerate(inputNames))
    func.setArgAttr(k, "onnx.name", b.getStringAttr(name));
  for (int k = 0; k < g.output_size(); ++k)
    func.setResultAttr(k, "onnx.name", b.getStringAttr(g.output(k).name()));
  // Constants re-typed for broadcasting leave their first form unused, and
  // the fused projection split leaves the fused matmul: erase dead ops.
  SmallVector<Operation *> ops;
  for (Operation &op : func.getBody().front().without_terminator())
    ops.push_back(&op);
  for (Operation *op : llvm::reverse(ops))
    if (isOpTriviallyDead(op))
      op->erase();
  if (failed(verify(*module))) {
    emitError(fileLoc) << "internal error: the imported module does not "
                          "verify";
    return nullptr;
  }
  return module;
}

} // namespace

OwningOpRef<ModuleOp> mlir::prune::importONNX(llvm::StringRef bytes,
                                              MLIRContext *context,
                                              const ONNXImportOptions &opts) {
  onnx::ModelProto model;
  Location fileLoc = FileLineColLoc::get(context, opts.fileName, 0, 0);
  if (bytes.empty() || !model.ParseFromArray(bytes.data(), bytes.size())) {
    emitError(fileLoc) << "not a valid ONNX model (truncated or corrupt "
                          "protobuf)";
    return nullptr;
  }
  if (!model.has_graph() || model.graph().node_size() == 0) {
    emitError(fileLoc) << "the ONNX model has no graph";
    return nullptr;
  }
  Importer imp(context, opts);
  return imp.run(model);
}

bool mlir::prune::parseInputShape(llvm::StringRef spec,
                                  ONNXImportOptions &options,
                                  std::string &error) {
  auto [name, dims] = spec.rsplit(':');
  if (name.empty() || dims.empty() || !spec.contains(':')) {
    error = "--input-shape expects name:d0,d1,..., got '" + spec.str() + "'";
    return false;
  }
  SmallVector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, ',');
  for (StringRef p : parts) {
    int64_t v;
    if (p.trim().getAsInteger(10, v) || v <= 0) {
      error = "--input-shape: '" + p.str() + "' is not a positive dim in '" +
              spec.str() + "'";
      return false;
    }
    shape.push_back(v);
  }
  options.inputShapes[name] = shape;
  return true;
}
