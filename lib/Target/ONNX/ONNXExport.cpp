//===- ONNXExport.cpp - linalg-on-tensors to ONNX -------------------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//
//
// The exporter walks the function's one block in order and gives every
// tensor value an ONNX tensor name. Constants (weights, fills) are emitted
// lazily when a node reads them, so a tensor.pad folded into a Conv's pads
// or a fill used only as a zero accumulator never becomes a node; a final
// sweep drops nodes and initializers nothing reads.
//
//===----------------------------------------------------------------------===//

#include "Prune/Target/ONNX/ONNXExport.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <tuple>

using namespace mlir;
using namespace mlir::prune;

namespace {

constexpr int64_t kOpset = 17;
constexpr int64_t kIrVersion = 8;

int64_t product(ArrayRef<int64_t> v) {
  int64_t p = 1;
  for (int64_t d : v)
    p *= d;
  return p;
}

std::string shapeKey(ArrayRef<int64_t> shape) {
  std::string s;
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s;
}

/// Numpy broadcast of two static shapes (callers checked compatibility).
SmallVector<int64_t> broadcast(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  size_t r = std::max(a.size(), b.size());
  SmallVector<int64_t> out(r);
  for (size_t k = 0; k < r; ++k) {
    int64_t da = k < r - a.size() ? 1 : a[k - (r - a.size())];
    int64_t db = k < r - b.size() ? 1 : b[k - (r - b.size())];
    out[k] = da == 1 ? db : da;
  }
  return out;
}

/// The f32 value of a scalar arith.constant, if `v` is one.
std::optional<float> scalarConst(Value v) {
  auto c = v.getDefiningOp<arith::ConstantOp>();
  if (!c)
    return std::nullopt;
  if (auto f = dyn_cast<FloatAttr>(c.getValue()))
    if (f.getType().isF32())
      return float(f.getValueAsDouble());
  return std::nullopt;
}

bool isConstEq(Value v, float x) {
  std::optional<float> c = scalarConst(v);
  return c && (*c == x || (std::isinf(*c) && std::isinf(x) &&
                           std::signbit(*c) == std::signbit(x)));
}

/// The fill value if `v` is a linalg.fill of a scalar constant.
std::optional<float> fillValue(Value v) {
  auto fill = v.getDefiningOp<linalg::FillOp>();
  if (!fill)
    return std::nullopt;
  return scalarConst(fill.getInputs()[0]);
}

class Exporter {
public:
  Exporter(ModuleOp module, const ONNXExportOptions &opts)
      : module(module), opts(opts) {}

  LogicalResult run(std::string &bytes);

private:
  /// An ONNX tensor inside a generic's body, with its broadcast shape.
  struct Scalar {
    std::string name;
    SmallVector<int64_t> shape;
  };

  ModuleOp module;
  const ONNXExportOptions &opts;
  onnx::ModelProto model;
  onnx::GraphProto *graph = nullptr;
  Operation *current = nullptr;

  DenseMap<Value, std::string> names;
  std::map<std::pair<Operation *, std::string>, std::string> constNames;
  std::map<std::string, std::string> intConsts;
  std::map<uint32_t, std::string> floatScalars;
  llvm::StringSet<> usedTensorNames, usedNodeNames;

  // --- diagnostics --------------------------------------------------------
  LogicalResult fail(Operation *op, const Twine &msg) {
    op->emitError() << "cannot export '" << op->getName()
                    << "' to ONNX: " << msg;
    return failure();
  }

  // --- names --------------------------------------------------------------
  std::string unique(llvm::StringSet<> &set, StringRef base) {
    std::string b = base.empty() ? std::string("t") : base.str();
    std::string n = b;
    for (int k = 1; set.contains(n); ++k)
      n = b + "_" + std::to_string(k);
    set.insert(n);
    return n;
  }
  std::string tensorName(StringRef base) {
    return unique(usedTensorNames, base);
  }
  static std::string locName(Location loc) {
    std::string found;
    loc->walk([&](Location l) {
      if (auto n = dyn_cast<NameLoc>(l)) {
        found = n.getName().str();
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    return found;
  }
  std::string baseName() {
    std::string n = current ? locName(current->getLoc()) : "";
    if (n.empty() && current)
      n = current->getName().stripDialect().str();
    return n;
  }

  // --- graph building -----------------------------------------------------
  onnx::NodeProto *node(StringRef type, ArrayRef<std::string> ins,
                        std::string &out) {
    onnx::NodeProto *n = graph->add_node();
    n->set_op_type(type.str());
    std::string base = baseName();
    n->set_name(unique(usedNodeNames, base.empty() ? type : StringRef(base)));
    for (const std::string &i : ins)
      n->add_input(i);
    out = tensorName((base.empty() ? type.str() : base) + ":" + type.str());
    n->add_output(out);
    return n;
  }
  std::string emit(StringRef type, ArrayRef<std::string> ins) {
    std::string out;
    node(type, ins, out);
    return out;
  }
  static void attrInts(onnx::NodeProto *n, StringRef name,
                       ArrayRef<int64_t> v) {
    auto *a = n->add_attribute();
    a->set_name(name.str());
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v)
      a->add_ints(x);
  }
  static void attrInt(onnx::NodeProto *n, StringRef name, int64_t v) {
    auto *a = n->add_attribute();
    a->set_name(name.str());
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void attrFloat(onnx::NodeProto *n, StringRef name, float v) {
    auto *a = n->add_attribute();
    a->set_name(name.str());
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }
  std::string floatInit(StringRef base, ArrayRef<int64_t> shape,
                        ArrayRef<float> data) {
    onnx::TensorProto *t = graph->add_initializer();
    std::string name = tensorName(base);
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : shape)
      t->add_dims(d);
    t->set_raw_data(data.data(), data.size() * sizeof(float));
    return name;
  }
  /// An int64 initializer (shapes, pads, axes), shared by content.
  std::string intInit(StringRef base, ArrayRef<int64_t> data) {
    std::string key = base.str() + "|" + shapeKey(data);
    auto it = intConsts.find(key);
    if (it != intConsts.end())
      return it->second;
    onnx::TensorProto *t = graph->add_initializer();
    std::string name = tensorName(base);
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(data.size());
    t->set_raw_data(data.data(), data.size() * sizeof(int64_t));
    intConsts[key] = name;
    return name;
  }
  /// A rank-0 f32 initializer, shared by value.
  std::string scalarInit(float v) {
    uint32_t bits;
    memcpy(&bits, &v, 4);
    auto it = floatScalars.find(bits);
    if (it != floatScalars.end())
      return it->second;
    std::string name = floatInit("const", {}, ArrayRef<float>(v));
    floatScalars[bits] = name;
    return name;
  }

  // --- values -------------------------------------------------------------
  FailureOr<std::string> nameOf(Value v);
  FailureOr<std::string> constantName(arith::ConstantOp c,
                                      ArrayRef<int64_t> shape);
  FailureOr<std::string> reshaped(Value v, ArrayRef<int64_t> shape);
  std::string reshapeName(const std::string &x, ArrayRef<int64_t> shape) {
    return emit("Reshape", {x, intInit("shape", shape)});
  }
  FailureOr<std::string> accumulate(Value init, const std::string &y,
                                    StringRef combine, float identity);
  FailureOr<std::string> foldPad(Value in, float padValue,
                                 SmallVector<int64_t> &pads);

  // --- ops ----------------------------------------------------------------
  LogicalResult exportOp(Operation *op);
  LogicalResult exportGeneric(linalg::GenericOp op);
  LogicalResult exportElementwise(linalg::GenericOp op);
  LogicalResult exportReduction(linalg::GenericOp op);
  LogicalResult exportResize(linalg::GenericOp op, DictionaryAttr info);
  LogicalResult exportConv(Operation *op);
  LogicalResult exportPool(Operation *op, bool isMax);
  LogicalResult exportInsertSlice(tensor::InsertSliceOp op);
  FailureOr<Scalar> bodyOp(Operation *op, DenseMap<Value, Scalar> &vals);
};

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

FailureOr<std::string> Exporter::constantName(arith::ConstantOp c,
                                              ArrayRef<int64_t> shape) {
  auto key = std::make_pair(c.getOperation(), shapeKey(shape));
  auto it = constNames.find(key);
  if (it != constNames.end())
    return it->second;
  auto type = dyn_cast<RankedTensorType>(c.getType());
  if (!type || !type.getElementType().isF32())
    return fail(c, "only f32 tensor constants are supported");
  std::vector<float> data;
  Attribute attr = c.getValue();
  if (auto res = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> a = res.tryGetAsArrayRef();
    if (!a)
      return fail(c, "the dense_resource blob of this constant is missing");
    data.assign(a->begin(), a->end());
  } else if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    auto vals = dense.getValues<float>();
    data.assign(vals.begin(), vals.end());
  } else {
    return fail(c, "unsupported constant attribute");
  }
  if (int64_t(data.size()) != type.getNumElements())
    return fail(c, "constant data does not match its type");
  // The ONNX name: the constant's NameLoc (as imported), else its resource
  // key (the importer's sanitized initializer name), else "weight".
  std::string base = locName(c.getLoc());
  if (auto res = dyn_cast<DenseResourceElementsAttr>(attr); base.empty() && res)
    base = res.getRawHandle().getKey().str();
  if (base.empty())
    base = "weight";
  std::string name = floatInit(base, shape, data);
  constNames[key] = name;
  return name;
}

FailureOr<std::string> Exporter::nameOf(Value v) {
  auto it = names.find(v);
  if (it != names.end())
    return it->second;
  Operation *def = v.getDefiningOp();
  Operation *user = current;
  if (auto c = dyn_cast_or_null<arith::ConstantOp>(def)) {
    if (auto t = dyn_cast<RankedTensorType>(c.getType())) {
      FailureOr<std::string> n = constantName(c, t.getShape());
      if (succeeded(n))
        names[v] = *n;
      return n;
    }
    if (std::optional<float> f = scalarConst(v))
      return scalarInit(*f);
  }
  if (std::optional<float> f = fillValue(v)) {
    auto t = cast<RankedTensorType>(v.getType());
    Operation *saved = current;
    current = def;
    std::string n =
        emit("Expand", {scalarInit(*f), intInit("shape", t.getShape())});
    current = saved;
    names[v] = n;
    return n;
  }
  if (def && isa<tensor::EmptyOp>(def))
    return fail(user ? user : def,
                "reads the contents of a tensor.empty (undefined values)");
  if (def)
    return fail(user ? user : def, Twine("reads a value of '") +
                                       def->getName().getStringRef() +
                                       "', which was not exported");
  return fail(user, "reads a value that is not a function argument");
}

/// `v` with the same elements in `shape`: a re-shaped initializer for
/// constants, the source of a reshape that already has `shape`, or a
/// Reshape node.
FailureOr<std::string> Exporter::reshaped(Value v, ArrayRef<int64_t> shape) {
  auto t = cast<RankedTensorType>(v.getType());
  if (t.getShape() == shape)
    return nameOf(v);
  if (auto c = v.getDefiningOp<arith::ConstantOp>())
    return constantName(c, shape);
  Operation *def = v.getDefiningOp();
  if (def && isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(def)) {
    Value src = def->getOperand(0);
    if (cast<RankedTensorType>(src.getType()).getShape() == shape)
      return nameOf(src);
    if (src.getDefiningOp<arith::ConstantOp>())
      return reshaped(src, shape);
  }
  FailureOr<std::string> x = nameOf(v);
  if (failed(x))
    return failure();
  return reshapeName(*x, shape);
}

/// y + init (or max(y, init)) unless init is a fill with the identity.
FailureOr<std::string> Exporter::accumulate(Value init, const std::string &y,
                                            StringRef combine, float identity) {
  if (std::optional<float> f = fillValue(init))
    if (*f == identity || (std::isinf(identity) && std::isinf(*f) &&
                           std::signbit(identity) == std::signbit(*f)))
      return y;
  FailureOr<std::string> i = nameOf(init);
  if (failed(i))
    return failure();
  return emit(combine, {y, *i});
}

/// The unpadded input and [top, left, bottom, right] pads when `in` is a
/// tensor.pad of the spatial dims with `padValue`.
FailureOr<std::string> Exporter::foldPad(Value in, float padValue,
                                         SmallVector<int64_t> &pads) {
  pads.assign(4, 0);
  if (auto p = in.getDefiningOp<tensor::PadOp>()) {
    ArrayRef<int64_t> lo = p.getStaticLow(), hi = p.getStaticHigh();
    Value pv = p.getConstantPaddingValue();
    if (lo.size() == 4 && !ShapedType::isDynamicShape(lo) &&
        !ShapedType::isDynamicShape(hi) && lo[0] == 0 && lo[1] == 0 &&
        hi[0] == 0 && hi[1] == 0 && pv && isConstEq(pv, padValue)) {
      pads = {lo[2], lo[3], hi[2], hi[3]};
      return nameOf(p.getSource());
    }
  }
  return nameOf(in);
}

//===----------------------------------------------------------------------===//
// linalg.generic
//===----------------------------------------------------------------------===//

LogicalResult Exporter::exportGeneric(linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1 || op->getNumResults() != 1)
    return fail(op, "only generics with one result are supported");
  if (auto info = op->getAttrOfType<DictionaryAttr>("onnx.resize"))
    return exportResize(op, info);
  if (op.hasIndexSemantics())
    return fail(op, "linalg.index in the body has no ONNX mapping");
  if (llvm::all_of(op.getIteratorTypesArray(), [](utils::IteratorType t) {
        return t == utils::IteratorType::parallel;
      }))
    return exportElementwise(op);
  return exportReduction(op);
}

/// A gather the importer emitted for an ONNX Resize (marked onnx.resize):
/// the input is the f32 tensor its body reads with tensor.extract.
LogicalResult Exporter::exportResize(linalg::GenericOp op,
                                     DictionaryAttr info) {
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  Value x;
  op.getBody()->walk([&](tensor::ExtractOp e) {
    auto t = cast<RankedTensorType>(e.getTensor().getType());
    if (t.getElementType().isF32() && t.getRank() == outType.getRank() &&
        !op->isAncestor(e.getTensor().getParentRegion()->getParentOp()))
      x = e.getTensor();
  });
  if (!x)
    return fail(op, "onnx.resize marks a generic that reads no input");
  FailureOr<std::string> xn = nameOf(x);
  if (failed(xn))
    return failure();
  SmallVector<std::string> ins = {*xn, ""};
  if (auto sc = info.getAs<DenseF32ArrayAttr>("scales")) {
    ArrayRef<float> v = sc.asArrayRef();
    ins.push_back(floatInit("scales", {int64_t(v.size())}, v));
  } else {
    ins.push_back("");
    ins.push_back(intInit("sizes", outType.getShape()));
  }
  std::string out;
  onnx::NodeProto *n = node("Resize", ins, out);
  for (StringRef key :
       {"mode", "coordinate_transformation_mode", "nearest_mode"}) {
    auto v = info.getAs<StringAttr>(key);
    if (!v)
      return fail(op, "onnx.resize lacks '" + key + "'");
    auto *a = n->add_attribute();
    a->set_name(key.str());
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v.getValue().str());
  }
  names[op->getResult(0)] = out;
  return success();
}

/// The ONNX op type of a body op that is one node on the same operands, or
/// "".
static StringRef singleNodeType(Operation *op) {
  static const DenseMap<TypeID, StringRef> types = {
      {TypeID::get<arith::AddFOp>(), "Add"},
      {TypeID::get<arith::SubFOp>(), "Sub"},
      {TypeID::get<arith::MulFOp>(), "Mul"},
      {TypeID::get<arith::DivFOp>(), "Div"},
      {TypeID::get<arith::MaximumFOp>(), "Max"},
      {TypeID::get<arith::MaxNumFOp>(), "Max"},
      {TypeID::get<arith::MinimumFOp>(), "Min"},
      {TypeID::get<arith::MinNumFOp>(), "Min"},
      {TypeID::get<arith::NegFOp>(), "Neg"},
      {TypeID::get<math::ExpOp>(), "Exp"},
      {TypeID::get<math::LogOp>(), "Log"},
      {TypeID::get<math::SqrtOp>(), "Sqrt"},
      {TypeID::get<math::TanhOp>(), "Tanh"},
      {TypeID::get<math::ErfOp>(), "Erf"},
      {TypeID::get<math::AbsFOp>(), "Abs"},
      {TypeID::get<math::PowFOp>(), "Pow"},
      {TypeID::get<arith::SelectOp>(), "Where"}};
  return types.lookup(op->getName().getTypeID());
}

/// One ONNX node per scalar op; operands are tensors that broadcast (numpy
/// rules) to the iteration space.
FailureOr<Exporter::Scalar> Exporter::bodyOp(Operation *op,
                                             DenseMap<Value, Scalar> &vals) {
  SmallVector<Scalar> in;
  for (Value v : op->getOperands()) {
    auto it = vals.find(v);
    if (it != vals.end()) {
      in.push_back(it->second);
      continue;
    }
    std::optional<float> c = scalarConst(v);
    if (!c) {
      (void)fail(current, Twine("the body reads a value defined by '") +
                              (v.getDefiningOp()
                                   ? v.getDefiningOp()->getName().getStringRef()
                                   : StringRef("a block argument")) +
                              "' that is not a scalar constant");
      return failure();
    }
    in.push_back({scalarInit(*c), {}});
  }
  auto shapeOfAll = [&]() {
    SmallVector<int64_t> s;
    for (const Scalar &x : in)
      s = broadcast(s, x.shape);
    return s;
  };
  auto make = [&](StringRef type,
                  ArrayRef<std::string> ins) -> FailureOr<Scalar> {
    return Scalar{emit(type, ins), shapeOfAll()};
  };
  auto names2 = [&]() -> SmallVector<std::string> {
    SmallVector<std::string> r;
    for (const Scalar &x : in)
      r.push_back(x.name);
    return r;
  };
  // Whole-subexpression patterns first: Relu and Sigmoid.
  if (isa<arith::MaximumFOp, arith::MaxNumFOp>(op)) {
    for (int k = 0; k < 2; ++k)
      if (isConstEq(op->getOperand(1 - k), 0.0f)) {
        Scalar x = in[k];
        return Scalar{emit("Relu", {x.name}), x.shape};
      }
  }
  if (auto div = dyn_cast<arith::DivFOp>(op)) {
    // 1 / (exp(-x) + 1)
    auto add = div.getRhs().getDefiningOp<arith::AddFOp>();
    if (isConstEq(div.getLhs(), 1.0f) && add) {
      for (int k = 0; k < 2; ++k) {
        auto exp = add->getOperand(k).getDefiningOp<math::ExpOp>();
        if (!exp || !isConstEq(add->getOperand(1 - k), 1.0f))
          continue;
        auto neg = exp.getOperand().getDefiningOp<arith::NegFOp>();
        if (!neg || !vals.count(neg.getOperand()))
          continue;
        Scalar x = vals[neg.getOperand()];
        return Scalar{emit("Sigmoid", {x.name}), x.shape};
      }
    }
  }
  StringRef type = singleNodeType(op);
  if (!type.empty())
    return make(type, names2());
  if (isa<math::RsqrtOp>(op)) {
    std::string s = emit("Sqrt", {in[0].name});
    return Scalar{emit("Reciprocal", {s}), in[0].shape};
  }
  if (isa<math::ExpM1Op>(op)) {
    std::string e = emit("Exp", {in[0].name});
    return Scalar{emit("Sub", {e, scalarInit(1.0f)}), in[0].shape};
  }
  if (auto cmp = dyn_cast<arith::CmpFOp>(op)) {
    // Ordered and unordered predicates export alike.
    using P = arith::CmpFPredicate;
    static const std::tuple<P, P, StringRef> compares[] = {
        {P::OGT, P::UGT, "Greater"},
        {P::OLT, P::ULT, "Less"},
        {P::OGE, P::UGE, "GreaterOrEqual"},
        {P::OLE, P::ULE, "LessOrEqual"},
        {P::OEQ, P::UEQ, "Equal"}};
    for (auto [ordered, unordered, onnxType] : compares)
      if (cmp.getPredicate() == ordered || cmp.getPredicate() == unordered)
        return make(onnxType, names2());
  }
  (void)fail(current, Twine("the body op '") + op->getName().getStringRef() +
                          "' has no ONNX mapping");
  return failure();
}

LogicalResult Exporter::exportElementwise(linalg::GenericOp op) {
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  ArrayRef<int64_t> outShape = outType.getShape();
  int64_t rank = outShape.size();
  if (!maps.back().isIdentity())
    return fail(op, "the output indexing map is not the identity");
  Block *body = op.getBody();
  if (!body->getArgument(op.getNumDpsInputs()).use_empty())
    return fail(op, "the body reads the output operand");
  DenseMap<Value, Scalar> vals;
  for (OpOperand *operand : op.getDpsInputOperands()) {
    Value v = operand->get();
    auto type = dyn_cast<RankedTensorType>(v.getType());
    Value arg = body->getArgument(operand->getOperandNumber());
    if (!type) {
      // A scalar operand: a rank-0 tensor that broadcasts everywhere.
      std::optional<float> c = scalarConst(v);
      if (!c)
        return fail(op, "non-constant scalar operands are not supported");
      vals[arg] = {scalarInit(*c), {}};
      continue;
    }
    AffineMap m = maps[operand->getOperandNumber()];
    if (!m.isProjectedPermutation(/*allowZeroInResults=*/true))
      return fail(op, "an input indexing map is not a projected permutation");
    // Output dim of each input dim (-1 for a constant-0 unit dim).
    SmallVector<int64_t> dimOf;
    for (auto [j, e] : llvm::enumerate(m.getResults())) {
      if (auto d = dyn_cast<AffineDimExpr>(e)) {
        dimOf.push_back(d.getPosition());
        continue;
      }
      if (type.getShape()[j] != 1)
        return fail(op, "an input reads a fixed index of a non-unit dim");
      dimOf.push_back(-1);
    }
    // Constants are named lazily: a re-shaped initializer replaces them.
    std::string x;
    auto getX = [&]() -> LogicalResult {
      if (!x.empty())
        return success();
      FailureOr<std::string> name = nameOf(v);
      if (failed(name))
        return failure();
      x = *name;
      return success();
    };
    bool transposed = false;
    SmallVector<int64_t> shape(type.getShape());
    // Transpose when the input's dims are not in output order.
    SmallVector<int64_t> perm;
    for (size_t j = 0; j < dimOf.size(); ++j)
      perm.push_back(j);
    llvm::stable_sort(perm, [&](int64_t a, int64_t b) {
      auto key = [&](int64_t k) {
        return dimOf[k] < 0 ? std::numeric_limits<int64_t>::max() : dimOf[k];
      };
      return key(a) < key(b);
    });
    if (!llvm::equal(perm, llvm::seq<int64_t>(0, perm.size()))) {
      if (failed(getX()))
        return failure();
      transposed = true;
      onnx::NodeProto *n;
      std::string out;
      n = node("Transpose", {x}, out);
      attrInts(n, "perm", perm);
      x = out;
      SmallVector<int64_t> ps;
      for (int64_t p : perm)
        ps.push_back(shape[p]);
      shape = ps;
    }
    // Full-rank broadcast shape: the input's size at its output dims.
    SmallVector<int64_t> full(rank, 1);
    for (size_t j = 0; j < dimOf.size(); ++j)
      if (dimOf[j] >= 0)
        full[dimOf[j]] = type.getShape()[j];
    // Numpy right-alignment already broadcasts [1.., shape] == full.
    bool aligned = shape.size() <= size_t(rank) &&
                   ArrayRef<int64_t>(full).take_back(shape.size()) ==
                       ArrayRef<int64_t>(shape) &&
                   llvm::all_of(ArrayRef<int64_t>(full).drop_back(shape.size()),
                                [](int64_t d) { return d == 1; });
    if (!aligned) {
      if (!transposed) {
        FailureOr<std::string> r = reshaped(v, full);
        if (failed(r))
          return failure();
        x = *r;
      } else {
        x = reshapeName(x, full);
      }
      shape = full;
    }
    if (failed(getX()))
      return failure();
    vals[arg] = {x, shape};
  }
  Scalar result;
  for (Operation &bop : body->without_terminator()) {
    if (isa<arith::ConstantOp>(bop))
      continue; // read through scalarConst
    FailureOr<Scalar> s = bodyOp(&bop, vals);
    if (failed(s))
      return failure();
    vals[bop.getResult(0)] = *s;
  }
  Value yielded = body->getTerminator()->getOperand(0);
  auto it = vals.find(yielded);
  if (it != vals.end()) {
    result = it->second;
  } else if (std::optional<float> c = scalarConst(yielded)) {
    result = {scalarInit(*c), {}};
  } else {
    return fail(op, "the body yields a value defined outside it");
  }
  std::string y = result.name;
  if (ArrayRef<int64_t>(result.shape) != outShape) {
    if (product(result.shape) == product(outShape))
      y = reshapeName(y, outShape);
    else
      y = emit("Expand", {y, intInit("shape", outShape)});
  }
  // Name the result after the op.
  names[op->getResult(0)] = y;
  return success();
}

LogicalResult Exporter::exportReduction(linalg::GenericOp op) {
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (op.getNumDpsInputs() != 1 || !maps[0].isIdentity())
    return fail(op, "only reductions of one input with an identity map are "
                    "supported");
  SmallVector<int64_t> axes;
  SmallVector<AffineExpr> kept;
  for (auto [d, t] : llvm::enumerate(op.getIteratorTypesArray())) {
    if (t == utils::IteratorType::reduction)
      axes.push_back(d);
    else
      kept.push_back(getAffineDimExpr(d, op.getContext()));
  }
  // keepdims=0: the output map lists the parallel dims in order; keepdims=1
  // (torch-mlir's form): dim j or, where j is reduced, the constant 0.
  bool keepDims = false;
  if (maps[1] !=
      AffineMap::get(maps[1].getNumDims(), 0, kept, op.getContext())) {
    AffineMap m = maps[1];
    keepDims = m.getNumResults() == m.getNumDims();
    for (unsigned j = 0; keepDims && j < m.getNumResults(); ++j) {
      AffineExpr e = m.getResult(j);
      if (llvm::is_contained(axes, int64_t(j)))
        keepDims = isa<AffineConstantExpr>(e) &&
                   cast<AffineConstantExpr>(e).getValue() == 0;
      else
        keepDims = e == getAffineDimExpr(j, op.getContext());
    }
    if (!keepDims)
      return fail(op, "the output map of the reduction neither drops nor "
                      "keeps (as 0) the reduced dims in order");
  }
  Block *body = op.getBody();
  Operation *yield = body->getTerminator();
  Operation *comb = yield->getOperand(0).getDefiningOp();
  bool isSum = comb && isa<arith::AddFOp>(comb);
  bool isMax = comb && isa<arith::MaximumFOp, arith::MaxNumFOp>(comb);
  if (!comb || comb->getBlock() != body || (!isSum && !isMax) ||
      &body->front() != comb ||
      !((comb->getOperand(0) == body->getArgument(0) &&
         comb->getOperand(1) == body->getArgument(1)) ||
        (comb->getOperand(1) == body->getArgument(0) &&
         comb->getOperand(0) == body->getArgument(1))))
    return fail(op, "the reduction body is not a plain sum or max");
  FailureOr<std::string> x = nameOf(op.getDpsInputOperand(0)->get());
  if (failed(x))
    return failure();
  std::string out;
  if (isSum) {
    onnx::NodeProto *n = node("ReduceSum", {*x, intInit("axes", axes)}, out);
    attrInt(n, "keepdims", keepDims);
  } else {
    onnx::NodeProto *n = node("ReduceMax", {*x}, out);
    attrInts(n, "axes", axes);
    attrInt(n, "keepdims", keepDims);
  }
  FailureOr<std::string> y =
      accumulate(op.getDpsInitOperand(0)->get(), out, isSum ? "Add" : "Max",
                 isSum ? 0.0f : -std::numeric_limits<float>::infinity());
  if (failed(y))
    return failure();
  names[op->getResult(0)] = *y;
  return success();
}

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

static SmallVector<int64_t> intsOf(DenseIntElementsAttr a) {
  SmallVector<int64_t> r;
  for (const APInt &v : a.getValues<APInt>())
    r.push_back(v.getSExtValue());
  return r;
}

LogicalResult Exporter::exportConv(Operation *op) {
  auto lop = cast<linalg::LinalgOp>(op);
  Value in = lop.getDpsInputOperand(0)->get();
  Value w = lop.getDpsInputOperand(1)->get();
  Value init = lop.getDpsInitOperand(0)->get();
  SmallVector<int64_t> strides, dil;
  int64_t group = 1;
  FailureOr<std::string> wName;
  SmallVector<int64_t> pads;
  FailureOr<std::string> xName;
  auto ws = cast<RankedTensorType>(w.getType()).getShape();
  auto outShape = cast<RankedTensorType>(init.getType()).getShape();
  bool grouped = false;
  if (auto c = dyn_cast<linalg::Conv2DNchwFchwOp>(op)) {
    strides = intsOf(c.getStrides());
    dil = intsOf(c.getDilations());
    xName = foldPad(in, 0.0f, pads);
    wName = nameOf(w);
  } else if (auto c = dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(op)) {
    strides = intsOf(c.getStrides());
    dil = intsOf(c.getDilations());
    group = ws[0];
    xName = foldPad(in, 0.0f, pads);
    wName = reshaped(w, {ws[0], 1, ws[1], ws[2]});
  } else if (auto c = dyn_cast<linalg::Conv2DNgchwGfchwOp>(op)) {
    strides = intsOf(c.getStrides());
    dil = intsOf(c.getDilations());
    grouped = true;
    auto is = cast<RankedTensorType>(in.getType()).getShape();
    group = is[1];
    SmallVector<int64_t> in4 = {is[0], is[1] * is[2], is[3], is[4]};
    auto ex = in.getDefiningOp<tensor::ExpandShapeOp>();
    if (ex && cast<RankedTensorType>(ex.getSrc().getType()).getShape() ==
                  ArrayRef<int64_t>(in4))
      xName = foldPad(ex.getSrc(), 0.0f, pads);
    else
      xName = reshaped(in, in4);
    wName = reshaped(w, {ws[0] * ws[1], ws[2], ws[3], ws[4]});
  } else {
    return fail(op, "unsupported convolution");
  }
  if (failed(xName) || failed(wName))
    return failure();
  std::string out;
  onnx::NodeProto *n = node("Conv", {*xName, *wName}, out);
  attrInts(n, "strides", strides);
  attrInts(n, "dilations", dil);
  attrInts(n, "pads", pads);
  if (group != 1)
    attrInt(n, "group", group);
  if (grouped)
    out = reshapeName(out, outShape);
  FailureOr<std::string> y = accumulate(init, out, "Add", 0.0f);
  if (failed(y))
    return failure();
  names[op->getResult(0)] = *y;
  return success();
}

LogicalResult Exporter::exportPool(Operation *op, bool isMax) {
  auto lop = cast<linalg::LinalgOp>(op);
  Value in = lop.getDpsInputOperand(0)->get();
  auto window =
      cast<RankedTensorType>(lop.getDpsInputOperand(1)->get().getType());
  Value init = lop.getDpsInitOperand(0)->get();
  SmallVector<int64_t> strides, dil;
  if (auto p = dyn_cast<linalg::PoolingNchwMaxOp>(op)) {
    strides = intsOf(p.getStrides());
    dil = intsOf(p.getDilations());
  } else {
    auto s = cast<linalg::PoolingNchwSumOp>(op);
    strides = intsOf(s.getStrides());
    dil = intsOf(s.getDilations());
  }
  float ninf = -std::numeric_limits<float>::infinity();
  SmallVector<int64_t> pads;
  FailureOr<std::string> x = foldPad(in, isMax ? ninf : 0.0f, pads);
  if (failed(x))
    return failure();
  std::string out;
  if (isMax) {
    onnx::NodeProto *n = node("MaxPool", {*x}, out);
    attrInts(n, "kernel_shape", window.getShape());
    attrInts(n, "strides", strides);
    attrInts(n, "dilations", dil);
    attrInts(n, "pads", pads);
  } else {
    if (llvm::any_of(dil, [](int64_t d) { return d != 1; }))
      return fail(op, "dilated sum pooling has no opset-17 AveragePool");
    onnx::NodeProto *n = node("AveragePool", {*x}, out);
    attrInts(n, "kernel_shape", window.getShape());
    attrInts(n, "strides", strides);
    attrInts(n, "pads", pads);
    attrInt(n, "count_include_pad", 1);
    out = emit("Mul", {out, scalarInit(float(window.getNumElements()))});
  }
  FailureOr<std::string> y =
      accumulate(init, out, isMax ? "Max" : "Add", isMax ? ninf : 0.0f);
  if (failed(y))
    return failure();
  names[op->getResult(0)] = *y;
  return success();
}

//===----------------------------------------------------------------------===//
// tensor ops
//===----------------------------------------------------------------------===//

/// Inserting into a constant fill: interleave the strided dims with the
/// fill value (Reshape, Pad, Reshape, Slice), then Pad to the offsets.
LogicalResult Exporter::exportInsertSlice(tensor::InsertSliceOp op) {
  std::optional<float> c = fillValue(op.getDest());
  if (!c)
    return fail(op, "only insertion into a constant fill is supported");
  if (ShapedType::isDynamicShape(op.getStaticOffsets()) ||
      ShapedType::isDynamicShape(op.getStaticStrides()) ||
      ShapedType::isDynamicShape(op.getStaticSizes()))
    return fail(op, "dynamic offsets, sizes or strides");
  auto srcT = op.getSourceType();
  auto destShape = op.getDestType().getShape();
  ArrayRef<int64_t> offs = op.getStaticOffsets(), st = op.getStaticStrides(),
                    sizes = op.getStaticSizes();
  if (sizes.size() != size_t(srcT.getRank()) ||
      sizes != ArrayRef<int64_t>(srcT.getShape()))
    return fail(op, "rank-reducing insertion is not supported");
  FailureOr<std::string> x = nameOf(op.getSource());
  if (failed(x))
    return failure();
  std::string cur = *x, cv = scalarInit(*c);
  int64_t rank = sizes.size();
  SmallVector<int64_t> shape(sizes);
  if (llvm::any_of(st, [](int64_t s) { return s != 1; })) {
    if (llvm::any_of(st, [](int64_t s) { return s < 1; }))
      return fail(op, "non-positive strides");
    SmallVector<int64_t> inter, padsI, wide, ends, starts, axes;
    for (int64_t d = 0; d < rank; ++d) {
      inter.append({shape[d], 1});
      wide.push_back(shape[d] * st[d]);
      starts.push_back(0);
      ends.push_back((shape[d] - 1) * st[d] + 1);
      axes.push_back(d);
    }
    padsI.assign(4 * rank, 0);
    for (int64_t d = 0; d < rank; ++d)
      padsI[2 * rank + 2 * d + 1] = st[d] - 1;
    cur = reshapeName(cur, inter);
    cur = emit("Pad", {cur, intInit("pads", padsI), cv});
    cur = reshapeName(cur, wide);
    cur = emit("Slice", {cur, intInit("starts", starts), intInit("ends", ends),
                         intInit("axes", axes)});
    for (int64_t d = 0; d < rank; ++d)
      shape[d] = ends[d];
  }
  SmallVector<int64_t> pads(2 * rank, 0);
  for (int64_t d = 0; d < rank; ++d) {
    pads[d] = offs[d];
    pads[rank + d] = destShape[d] - offs[d] - shape[d];
    if (pads[rank + d] < 0)
      return fail(op, "the slice runs past the destination");
  }
  if (llvm::any_of(pads, [](int64_t p) { return p != 0; }))
    cur = emit("Pad", {cur, intInit("pads", pads), cv});
  names[op.getResult()] = cur;
  return success();
}

LogicalResult Exporter::exportOp(Operation *op) {
  current = op;
  // Lazily emitted when read.
  if (isa<arith::ConstantOp, tensor::EmptyOp, linalg::FillOp>(op))
    return success();
  if (auto g = dyn_cast<linalg::GenericOp>(op))
    return exportGeneric(g);
  if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op)) {
    auto lop = cast<linalg::LinalgOp>(op);
    if (lop.hasUserDefinedMaps())
      return fail(op, "matmuls with explicit indexing maps are not supported");
    FailureOr<std::string> a = nameOf(lop.getDpsInputOperand(0)->get());
    FailureOr<std::string> b = nameOf(lop.getDpsInputOperand(1)->get());
    if (failed(a) || failed(b))
      return failure();
    FailureOr<std::string> y = accumulate(lop.getDpsInitOperand(0)->get(),
                                          emit("MatMul", {*a, *b}), "Add", 0);
    if (failed(y))
      return failure();
    names[op->getResult(0)] = *y;
    return success();
  }
  if (auto t = dyn_cast<linalg::TransposeOp>(op)) {
    FailureOr<std::string> x = nameOf(t.getInput());
    if (failed(x))
      return failure();
    std::string out;
    onnx::NodeProto *n = node("Transpose", {*x}, out);
    attrInts(n, "perm", t.getPermutation());
    names[t->getResult(0)] = out;
    return success();
  }
  if (isa<linalg::Conv2DNchwFchwOp, linalg::DepthwiseConv2DNchwChwOp,
          linalg::Conv2DNgchwGfchwOp>(op))
    return exportConv(op);
  if (isa<linalg::PoolingNchwMaxOp>(op))
    return exportPool(op, true);
  if (isa<linalg::PoolingNchwSumOp>(op))
    return exportPool(op, false);
  if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op)) {
    FailureOr<std::string> x =
        reshaped(op->getOperand(0),
                 cast<RankedTensorType>(op->getResult(0).getType()).getShape());
    if (failed(x))
      return failure();
    names[op->getResult(0)] = *x;
    return success();
  }
  if (auto p = dyn_cast<tensor::PadOp>(op)) {
    Value pv = p.getConstantPaddingValue();
    std::optional<float> c = pv ? scalarConst(pv) : std::nullopt;
    if (!c)
      return fail(op, "only padding with a constant is supported");
    ArrayRef<int64_t> lo = p.getStaticLow(), hi = p.getStaticHigh();
    if (ShapedType::isDynamicShape(lo) || ShapedType::isDynamicShape(hi))
      return fail(op, "dynamic pads are not supported");
    SmallVector<int64_t> pads(lo);
    pads.append(hi.begin(), hi.end());
    FailureOr<std::string> x = nameOf(p.getSource());
    if (failed(x))
      return failure();
    std::string out;
    node("Pad", {*x, intInit("pads", pads), scalarInit(*c)}, out);
    names[p.getResult()] = out;
    return success();
  }
  if (auto s = dyn_cast<tensor::ExtractSliceOp>(op)) {
    if (ShapedType::isDynamicShape(s.getStaticOffsets()) ||
        ShapedType::isDynamicShape(s.getStaticSizes()) ||
        ShapedType::isDynamicShape(s.getStaticStrides()))
      return fail(op, "dynamic offsets, sizes or strides");
    SmallVector<int64_t> starts, ends, axes, steps;
    for (auto [d, o, n, st] : llvm::enumerate(
             s.getStaticOffsets(), s.getStaticSizes(), s.getStaticStrides())) {
      if (st < 1)
        return fail(op, "non-positive strides");
      if (o == 0 && st == 1 && n == s.getSourceType().getShape()[d])
        continue;
      starts.push_back(o);
      ends.push_back(o + (n - 1) * st + 1);
      axes.push_back(d);
      steps.push_back(st);
    }
    FailureOr<std::string> x = nameOf(s.getSource());
    if (failed(x))
      return failure();
    std::string out = *x;
    if (!axes.empty())
      out = emit("Slice", {*x, intInit("starts", starts), intInit("ends", ends),
                           intInit("axes", axes), intInit("steps", steps)});
    if (s.getResultType().getRank() != s.getSourceType().getRank() ||
        axes.empty())
      out = s.getResultType().getRank() != s.getSourceType().getRank()
                ? reshapeName(out, s.getResultType().getShape())
                : emit("Identity", {out});
    names[s.getResult()] = out;
    return success();
  }
  if (auto c = dyn_cast<tensor::ConcatOp>(op)) {
    SmallVector<std::string> ins;
    for (Value v : c.getInputs()) {
      FailureOr<std::string> x = nameOf(v);
      if (failed(x))
        return failure();
      ins.push_back(*x);
    }
    std::string out;
    onnx::NodeProto *n = node("Concat", ins, out);
    attrInt(n, "axis", c.getDim());
    names[c.getResult()] = out;
    return success();
  }
  if (auto ins = dyn_cast<tensor::InsertSliceOp>(op))
    return exportInsertSlice(ins);
  return fail(op, "no ONNX mapping for this op");
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

static bool isStaticF32(Type t) {
  auto r = dyn_cast<RankedTensorType>(t);
  return r && r.hasStaticShape() && r.getElementType().isF32();
}

LogicalResult Exporter::run(std::string &bytes) {
  func::FuncOp func;
  for (auto f : module.getOps<func::FuncOp>()) {
    if (f.isExternal())
      continue;
    if (!opts.funcName.empty() ? f.getSymName() == opts.funcName
                               : f.isPublic()) {
      if (func) {
        emitError(module.getLoc())
            << "more than one public function; choose one with --func-name";
        return failure();
      }
      func = f;
    }
  }
  if (!func) {
    emitError(module.getLoc())
        << (opts.funcName.empty()
                ? std::string("no public function with a body to export")
                : "no function named '" + opts.funcName + "' to export");
    return failure();
  }
  if (!func.getBody().hasOneBlock())
    return func.emitError("cannot export to ONNX: the function has more than "
                          "one block");
  for (auto [k, t] : llvm::enumerate(func.getArgumentTypes()))
    if (!isStaticF32(t))
      return func.emitError()
             << "cannot export to ONNX: argument " << k << " has type " << t
             << " (only statically shaped f32 tensors)";
  for (auto [k, t] : llvm::enumerate(func.getResultTypes()))
    if (!isStaticF32(t))
      return func.emitError()
             << "cannot export to ONNX: result " << k << " has type " << t
             << " (only statically shaped f32 tensors)";
  // (Constants are checked when read: a Resize's index tables never are.)
  for (Operation &op : func.getBody().front()) {
    if (isa<arith::ConstantOp>(op))
      continue;
    for (Type t : op.getResultTypes())
      if (isa<ShapedType>(t) && !isStaticF32(t))
        return op.emitError()
               << "cannot export '" << op.getName() << "' to ONNX: result type "
               << t << " is not a statically shaped f32 tensor";
  }

  model.set_ir_version(kIrVersion);
  model.set_producer_name("mlir-prune");
  auto *opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpset);
  graph = model.mutable_graph();
  graph->set_name(opts.graphName);

  auto addInfo = [](onnx::ValueInfoProto *vi, const std::string &name, Type t) {
    vi->set_name(name);
    auto *tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    auto *shape = tt->mutable_shape();
    for (int64_t d : cast<RankedTensorType>(t).getShape())
      shape->add_dim()->set_dim_value(d);
  };
  // Graph inputs and outputs keep their ONNX names (onnx.name attributes).
  for (auto [k, arg] : llvm::enumerate(func.getArguments())) {
    auto a = func.getArgAttrOfType<StringAttr>(k, "onnx.name");
    std::string n =
        tensorName(a ? a.getValue().str() : "input_" + std::to_string(k));
    names[arg] = n;
    addInfo(graph->add_input(), n, arg.getType());
  }
  SmallVector<std::string> outNames;
  for (unsigned k = 0; k < func.getNumResults(); ++k) {
    auto a = func.getResultAttrOfType<StringAttr>(k, "onnx.name");
    outNames.push_back(
        tensorName(a ? a.getValue().str() : "output_" + std::to_string(k)));
  }

  Operation *ret = func.getBody().front().getTerminator();
  for (Operation &op : func.getBody().front().without_terminator())
    if (failed(exportOp(&op)))
      return failure();
  current = ret;

  // Outputs: rename the producing node's output where possible.
  llvm::StringSet<> inputsAndInits, renamed;
  for (const auto &i : graph->input())
    inputsAndInits.insert(i.name());
  for (const auto &i : graph->initializer())
    inputsAndInits.insert(i.name());
  for (auto [k, v] : llvm::enumerate(ret->getOperands())) {
    FailureOr<std::string> n = nameOf(v);
    if (failed(n))
      return failure();
    const std::string &want = outNames[k];
    if (!inputsAndInits.contains(*n) && !renamed.contains(*n)) {
      for (auto &nd : *graph->mutable_node()) {
        for (auto &i : *nd.mutable_input())
          if (i == *n)
            i = want;
        for (auto &o : *nd.mutable_output())
          if (o == *n)
            o = want;
      }
      renamed.insert(want);
      for (auto &kv : names)
        if (kv.second == *n)
          kv.second = want;
    } else {
      auto *nd = graph->add_node();
      nd->set_op_type("Identity");
      nd->set_name(unique(usedNodeNames, want));
      nd->add_input(*n);
      nd->add_output(want);
    }
    addInfo(graph->add_output(), want, v.getType());
  }

  // Drop what nothing reads (folded pads, unused reshapes of constants).
  std::set<std::string> live;
  for (const auto &o : graph->output())
    live.insert(o.name());
  std::vector<bool> keep(graph->node_size(), false);
  for (int k = graph->node_size() - 1; k >= 0; --k) {
    const auto &nd = graph->node(k);
    if (llvm::none_of(nd.output(),
                      [&](const std::string &o) { return live.count(o); }))
      continue;
    keep[k] = true;
    for (const auto &i : nd.input())
      live.insert(i);
  }
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  for (int k = 0; k < graph->node_size(); ++k)
    if (keep[k])
      *nodes.Add() = graph->node(k);
  graph->mutable_node()->Swap(&nodes);
  google::protobuf::RepeatedPtrField<onnx::TensorProto> inits;
  for (auto &t : *graph->mutable_initializer())
    if (live.count(t.name()))
      inits.Add()->Swap(&t);
  graph->mutable_initializer()->Swap(&inits);

  if (!model.SerializeToString(&bytes)) {
    emitError(func.getLoc()) << "cannot serialize the ONNX model (over 2 GB?)";
    bytes.clear();
    return failure();
  }
  return success();
}

} // namespace

LogicalResult mlir::prune::exportONNX(ModuleOp module, std::string &bytes,
                                      const ONNXExportOptions &options) {
  bytes.clear();
  Exporter e(module, options);
  if (failed(e.run(bytes))) {
    bytes.clear();
    return failure();
  }
  return success();
}
