//===- PruneDialect.cpp - prune dialect -----------------------------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/Dialect/Prune/IR/PruneDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace mlir;
using namespace mlir::prune;

#include "Prune/Dialect/Prune/IR/PruneDialect.cpp.inc"
#include "Prune/Dialect/Prune/IR/PruneEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Prune/Dialect/Prune/IR/PruneAttrs.cpp.inc"

void PruneDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Prune/Dialect/Prune/IR/PruneAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Parameter parsers and printers
//===----------------------------------------------------------------------===//

FloatAttr mlir::prune::getRatioAttr(MLIRContext *ctx,
                                    std::optional<double> value) {
  if (!value)
    return {};
  return FloatAttr::get(Float64Type::get(ctx), *value);
}

std::optional<double> mlir::prune::getRatioValue(FloatAttr attr) {
  if (!attr)
    return std::nullopt;
  return attr.getValueAsDouble();
}

FailureOr<FloatAttr> mlir::prune::parseRatio(AsmParser &parser) {
  double value;
  if (parser.parseFloat(value))
    return failure();
  return getRatioAttr(parser.getContext(), value);
}

void mlir::prune::printRatio(AsmPrinter &printer, FloatAttr attr) {
  double value = attr.getValueAsDouble();
  // The shortest %g form that reads back exactly.
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value)
      break;
  }
  std::string text(buf);
  // Keep it a float literal that MLIR's lexer accepts: it needs a '.' before
  // any exponent ("1e-07" lexes as an integer).
  if (std::isfinite(value) && text.find('.') == std::string::npos)
    text.insert(std::min(text.find_first_of("eE"), text.size()), ".0");
  printer << text;
}

FailureOr<SmallVector<int64_t>> mlir::prune::parseIntList(AsmParser &parser) {
  SmallVector<int64_t> values;
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&]() {
        int64_t v;
        if (parser.parseInteger(v))
          return failure();
        values.push_back(v);
        return success();
      }))
    return failure();
  return values;
}

void mlir::prune::printIntList(AsmPrinter &printer, ArrayRef<int64_t> values) {
  printer << '[';
  llvm::interleaveComma(values, printer);
  printer << ']';
}

FailureOr<SmallVector<int64_t>> mlir::prune::parseNMList(AsmParser &parser) {
  SmallVector<int64_t> values;
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&]() {
        int64_t n, m;
        if (parser.parseInteger(n) || parser.parseColon() ||
            parser.parseInteger(m))
          return failure();
        values.push_back(n);
        values.push_back(m);
        return success();
      }))
    return failure();
  return values;
}

void mlir::prune::printNMList(AsmPrinter &printer, ArrayRef<int64_t> values) {
  printer << '[';
  for (size_t i = 0; i + 1 < values.size(); i += 2) {
    if (i)
      printer << ", ";
    printer << values[i] << ':' << values[i + 1];
  }
  printer << ']';
}

//===----------------------------------------------------------------------===//
// Shared checks
//===----------------------------------------------------------------------===//

static LogicalResult
verifyBlockShape(function_ref<InFlightDiagnostic()> emitError,
                 ArrayRef<int64_t> block) {
  if (block.size() != 2)
    return emitError() << "block must have two sizes [R, C], got "
                       << block.size();
  if (block[0] <= 0 || block[1] <= 0)
    return emitError() << "block sizes must be positive, got [" << block[0]
                       << ", " << block[1] << "]";
  return success();
}

static LogicalResult verifyNM(function_ref<InFlightDiagnostic()> emitError,
                              int64_t n, int64_t m) {
  if (n <= 0 || m <= 0)
    return emitError() << "N and M must be positive, got " << n << ":" << m;
  if (n > m)
    return emitError() << "N (" << n << ") must not exceed M (" << m << ")";
  if (n == m)
    return emitError() << "N:M with N == M (" << n << ":" << m
                       << ") removes nothing; use N < M";
  return success();
}

static LogicalResult verifyRatio(function_ref<InFlightDiagnostic()> emitError,
                                 FloatAttr ratioAttr,
                                 StringRef what = "ratio") {
  std::optional<double> ratio = getRatioValue(ratioAttr);
  if (ratio && !(*ratio >= 0.0 && *ratio < 1.0))
    return emitError()
           << what << " must be in [0, 1), got "
           << llvm::formatv("{0}", llvm::format("%g", *ratio)).str();
  return success();
}

static LogicalResult
verifyDimInRange(function_ref<InFlightDiagnostic()> emitError,
                 std::optional<int64_t> dim, ShapedType type) {
  if (dim && *dim >= type.getRank())
    return emitError() << "dim " << *dim << " is out of range for " << type;
  return success();
}

//===----------------------------------------------------------------------===//
// ImportanceAttr
//===----------------------------------------------------------------------===//

LogicalResult
ImportanceAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       Metric metric, Granularity granularity,
                       std::optional<int64_t> dim, ArrayRef<int64_t> block,
                       std::optional<int64_t> heads, ElementsAttr scores) {
  auto type = dyn_cast<RankedTensorType>(scores.getType());
  if (!type || !type.hasStaticShape())
    return emitError() << "scores must be a statically shaped tensor";
  if (!type.getElementType().isF32())
    return emitError() << "scores must have f32 elements, got "
                       << type.getElementType();
  if (!isa<DenseElementsAttr, DenseResourceElementsAttr>(scores))
    return emitError() << "scores must be dense<...> or dense_resource<...>";

  bool wantsDim =
      granularity == Granularity::Channel || granularity == Granularity::Head;
  if (wantsDim && !dim)
    return emitError() << "granularity '" << stringifyGranularity(granularity)
                       << "' needs 'dim'";
  if (!wantsDim && dim)
    return emitError() << "'dim' is only valid with channel or head "
                          "granularity";
  if (dim && *dim < 0)
    return emitError() << "dim must be non-negative, got " << *dim;
  if (granularity == Granularity::Block) {
    if (block.empty())
      return emitError() << "granularity 'block' needs 'block = [R, C]'";
    if (failed(verifyBlockShape(emitError, block)))
      return failure();
  } else if (!block.empty()) {
    return emitError() << "'block' is only valid with block granularity";
  }
  if (granularity == Granularity::Head) {
    if (!heads)
      return emitError() << "granularity 'head' needs 'heads'";
    if (*heads <= 0)
      return emitError() << "heads must be positive, got " << *heads;
  } else if (heads) {
    return emitError() << "'heads' is only valid with head granularity";
  }

  switch (granularity) {
  case Granularity::Weight:
    break;
  case Granularity::Channel:
    if (type.getRank() != 1)
      return emitError() << "channel scores must be 1-D, got " << type;
    break;
  case Granularity::Block:
    if (type.getRank() < 2)
      return emitError() << "block scores must be at least 2-D, got " << type;
    break;
  case Granularity::Head:
    if (type.getRank() != 1 || type.getDimSize(0) != *heads)
      return emitError() << "head scores must be 1-D with " << *heads
                         << " elements, got " << type;
    break;
  case Granularity::Layer:
    if (type.getNumElements() != 1)
      return emitError() << "layer scores must have one element, got " << type;
    break;
  }
  return success();
}

LogicalResult ImportanceAttr::verifyAgainst(
    ShapedType weightType, function_ref<InFlightDiagnostic()> emitError) const {
  if (!weightType.hasStaticShape())
    return emitError() << "prune.importance needs a statically shaped weight, "
                          "got "
                       << weightType;
  auto scoresType = cast<ShapedType>(getScores().getType());
  if (failed(verifyDimInRange(emitError, getDim(), weightType)))
    return failure();
  switch (getGranularity()) {
  case Granularity::Weight:
    if (scoresType.getShape() != weightType.getShape())
      return emitError() << "weight scores of type " << scoresType
                         << " do not match the weight " << weightType;
    break;
  case Granularity::Channel:
    if (scoresType.getNumElements() != weightType.getDimSize(*getDim()))
      return emitError() << "channel scores have "
                         << scoresType.getNumElements() << " elements but dim "
                         << *getDim() << " of " << weightType << " has "
                         << weightType.getDimSize(*getDim());
    break;
  case Granularity::Block: {
    int64_t blockSize = getBlock()[0] * getBlock()[1];
    if (weightType.getNumElements() % blockSize != 0 ||
        scoresType.getNumElements() * blockSize != weightType.getNumElements())
      return emitError() << "block scores of type " << scoresType
                         << " do not tile " << weightType << " in ["
                         << getBlock()[0] << ", " << getBlock()[1]
                         << "] blocks";
    break;
  }
  case Granularity::Head:
    if (weightType.getDimSize(*getDim()) % *getHeads() != 0)
      return emitError() << *getHeads() << " heads do not divide dim "
                         << *getDim() << " of " << weightType;
    break;
  case Granularity::Layer:
    break;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// SparsityAttr
//===----------------------------------------------------------------------===//

LogicalResult
SparsityAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                     SparsityKind pattern, std::optional<int64_t> n,
                     std::optional<int64_t> m, std::optional<int64_t> dim,
                     ArrayRef<int64_t> block, std::optional<int64_t> heads,
                     FloatAttr ratio, std::optional<int64_t> operand) {
  StringRef name = stringifySparsityKind(pattern);
  auto notWith = [&](StringRef param) {
    return emitError() << "'" << param << "' is not valid with pattern '"
                       << name << "'";
  };
  if (pattern == SparsityKind::NM) {
    if (!n || !m)
      return emitError() << "pattern 'nm' needs 'n' and 'm'";
    if (failed(verifyNM(emitError, *n, *m)))
      return failure();
  } else if (n || m) {
    return notWith(n ? "n" : "m");
  }
  if (pattern == SparsityKind::Block) {
    if (block.empty())
      return emitError() << "pattern 'block' needs 'block = [R, C]'";
    if (failed(verifyBlockShape(emitError, block)))
      return failure();
  } else if (!block.empty()) {
    return notWith("block");
  }
  if (pattern == SparsityKind::Head) {
    if (!heads)
      return emitError() << "pattern 'head' needs 'heads'";
    if (*heads <= 0)
      return emitError() << "heads must be positive, got " << *heads;
  } else if (heads) {
    return notWith("heads");
  }
  bool needsDim =
      pattern == SparsityKind::Channel || pattern == SparsityKind::Head;
  bool allowsDim = needsDim || pattern == SparsityKind::NM;
  if (needsDim && !dim)
    return emitError() << "pattern '" << name << "' needs 'dim'";
  if (!allowsDim && dim)
    return notWith("dim");
  if (dim && *dim < 0)
    return emitError() << "dim must be non-negative, got " << *dim;
  if (operand && *operand < 0)
    return emitError() << "operand must be non-negative, got " << *operand;
  return verifyRatio(emitError, ratio);
}

bool SparsityAttr::isStructural() const {
  switch (getPattern()) {
  case SparsityKind::Channel:
  case SparsityKind::Head:
  case SparsityKind::Layer:
    return true;
  default:
    return false;
  }
}

LogicalResult SparsityAttr::verifyAgainst(
    ShapedType type, function_ref<InFlightDiagnostic()> emitError) const {
  if (!type.hasStaticShape())
    return emitError() << "prune.sparsity needs a statically shaped tensor, "
                          "got "
                       << type;
  if (failed(verifyDimInRange(emitError, getDim(), type)))
    return failure();
  switch (getPattern()) {
  case SparsityKind::NM:
    if (getDim() && type.getDimSize(*getDim()) % *getM() != 0)
      return emitError() << "dim " << *getDim() << " of " << type << " (size "
                         << type.getDimSize(*getDim())
                         << ") does not divide into groups of M = " << *getM();
    break;
  case SparsityKind::Block:
    if (type.getRank() < 2)
      return emitError() << "block sparsity needs a tensor of rank >= 2, got "
                         << type;
    break;
  case SparsityKind::Head:
    if (type.getDimSize(*getDim()) % *getHeads() != 0)
      return emitError() << *getHeads() << " heads do not divide dim "
                         << *getDim() << " of " << type;
    break;
  default:
    break;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// TargetAttr
//===----------------------------------------------------------------------===//

namespace {
struct BuiltinTarget {
  StringRef name;
  SmallVector<int64_t> nm;
  SmallVector<int64_t> block;
  int64_t vectorWidth;
  double minSparsity;
};
} // namespace

static ArrayRef<BuiltinTarget> getBuiltinTargets() {
  // N:M lists are what the target's kernels run faster than dense; block is
  // the tile that fills one vector register row (CPU) or one MMA fragment
  // (GPU); min_sparsity is where unstructured sparse code starts to beat
  // dense code (XNNPACK's rule of thumb on CPUs is about 2/3 zeros).
  static const BuiltinTarget targets[] = {
      {"x86-avx2", {2, 4, 1, 4, 4, 8}, {4, 8}, 256, 0.7},
      {"x86-avx512", {2, 4, 1, 4, 4, 8}, {4, 16}, 512, 0.7},
      {"aarch64-neon", {2, 4, 1, 4, 4, 8}, {4, 4}, 128, 0.7},
      {"nvidia-sm80", {2, 4}, {16, 16}, 128, 0.9},
      {"nvidia-sm90", {2, 4}, {64, 16}, 128, 0.9},
      // Intel AMX (bf16 tdpbf16ps): no N:M support; block is the 32x16
      // [K, N] weight block one 16x32 VNNI B tile holds, so all-zero blocks
      // cost no tile operation (prune-amx-block-sparse).
      {"intel-amx", {}, {32, 16}, 512, 0.9},
      // Arm SME at a 512-bit streaming vector length: a 16x16 f32 ZA tile
      // per outer product, weight blocks of 16x16 (prune-sme-block-sparse).
      {"arm-sme", {}, {16, 16}, 512, 0.9},
  };
  return targets;
}

static const BuiltinTarget *lookupBuiltin(StringRef name) {
  for (const BuiltinTarget &t : getBuiltinTargets())
    if (t.name == name)
      return &t;
  return nullptr;
}

bool TargetAttr::isBuiltinName(StringRef name) {
  return lookupBuiltin(name) != nullptr;
}

ArrayRef<StringRef> TargetAttr::getBuiltinNames() {
  static const SmallVector<StringRef> names = [] {
    SmallVector<StringRef> result;
    for (const BuiltinTarget &t : getBuiltinTargets())
      result.push_back(t.name);
    return result;
  }();
  return names;
}

LogicalResult TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 StringRef name, ArrayRef<int64_t> nm,
                                 ArrayRef<int64_t> block,
                                 std::optional<int64_t> vectorWidth,
                                 FloatAttr minSparsity) {
  if (name.empty())
    return emitError() << "target name must not be empty";
  if (!isBuiltinName(name) && nm.empty() && block.empty() && !vectorWidth) {
    auto diag = emitError()
                << "unknown target '" << name << "'; built-in targets are ";
    llvm::interleaveComma(getBuiltinNames(), diag,
                          [&](StringRef n) { diag << "'" << n << "'"; });
    diag << "; a custom target must give 'nm', 'block' or 'vector_width'";
    return diag;
  }
  if (nm.size() % 2 != 0)
    return emitError() << "nm must list N:M pairs";
  for (size_t i = 0; i + 1 < nm.size(); i += 2)
    if (failed(verifyNM(emitError, nm[i], nm[i + 1])))
      return failure();
  if (!block.empty() && failed(verifyBlockShape(emitError, block)))
    return failure();
  if (vectorWidth && *vectorWidth <= 0)
    return emitError() << "vector_width must be positive, got " << *vectorWidth;
  return verifyRatio(emitError, minSparsity, "min_sparsity");
}

TargetAttr TargetAttr::resolved() const {
  const BuiltinTarget *builtin = lookupBuiltin(getName());
  if (!builtin)
    return *this;
  ArrayRef<int64_t> nm = getNm().empty() ? ArrayRef(builtin->nm) : getNm();
  ArrayRef<int64_t> block =
      getBlock().empty() ? ArrayRef(builtin->block) : getBlock();
  return TargetAttr::get(
      getContext(), getName(), nm, block,
      getVectorWidth() ? getVectorWidth() : builtin->vectorWidth,
      getMinSparsity() ? getMinSparsity()
                       : getRatioAttr(getContext(), builtin->minSparsity));
}

bool TargetAttr::supportsNM(int64_t n, int64_t m) const {
  ArrayRef<int64_t> nm = resolved().getNm();
  for (size_t i = 0; i + 1 < nm.size(); i += 2)
    if (nm[i] == n && nm[i + 1] == m)
      return true;
  return false;
}

//===----------------------------------------------------------------------===//
// Discardable attribute verification
//===----------------------------------------------------------------------===//

/// The shape of the weight `op` had before structural removal: its
/// `prune.dense_shape`, or its own shape. Null when `op` has no single
/// ranked tensor result.
static std::optional<SmallVector<int64_t>> getDenseShape(Operation *op) {
  auto type = op->getNumResults() == 1
                  ? dyn_cast<RankedTensorType>(op->getResult(0).getType())
                  : RankedTensorType();
  if (!type)
    return std::nullopt;
  if (auto dense = op->getAttrOfType<DenseI64ArrayAttr>(
          PruneDialect::kDenseShapeAttrName);
      dense && dense.size() == type.getRank())
    return SmallVector<int64_t>(dense.asArrayRef());
  return SmallVector<int64_t>(type.getShape());
}

/// `prune.kept = [array<i64: ...>, ...]`: per dim of the weight, the sorted
/// original indices structural removal kept, or an empty array (all).
static LogicalResult verifyKept(Operation *op, NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  auto kept = dyn_cast<ArrayAttr>(attr.getValue());
  std::optional<SmallVector<int64_t>> dense = getDenseShape(op);
  if (!dense)
    return op->emitOpError()
           << "'" << name
           << "' must be on an op with one ranked tensor result (a weight)";
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (!kept || kept.size() != static_cast<size_t>(type.getRank()) ||
      !llvm::all_of(kept, llvm::IsaPred<DenseI64ArrayAttr>))
    return op->emitOpError() << "'" << name << "' must be an array of "
                             << type.getRank() << " array<i64> (one per dim)";
  for (auto [d, entry] : llvm::enumerate(kept)) {
    ArrayRef<int64_t> indices = cast<DenseI64ArrayAttr>(entry).asArrayRef();
    if (indices.empty())
      continue;
    if (static_cast<int64_t>(indices.size()) != type.getDimSize(d))
      return op->emitOpError()
             << "'" << name << "' lists " << indices.size()
             << " indices for dim " << d << " of size " << type.getDimSize(d);
    for (auto [i, v] : llvm::enumerate(indices))
      if (v < 0 || v >= (*dense)[d] || (i > 0 && v <= indices[i - 1]))
        return op->emitOpError()
               << "'" << name << "' indices of dim " << d
               << " must increase strictly within [0, " << (*dense)[d] << ")";
  }
  return success();
}

/// `prune.calibration = {dim, samples, sq_norm, mean, fire_rate, gram,
/// gram_dims, cross, dense}` (docs/data-aware.md): the statistics describe the
/// weight as calibrated, i.e. before any structural removal.
static LogicalResult verifyCalibration(Operation *op, NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  auto dict = dyn_cast<DictionaryAttr>(attr.getValue());
  std::optional<SmallVector<int64_t>> shape = getDenseShape(op);
  if (!shape)
    return op->emitOpError()
           << "'" << name
           << "' must be on an op with one ranked tensor result (a weight)";
  if (!dict)
    return op->emitOpError() << "'" << name << "' must be a dictionary";
  auto err = [&]() { return op->emitOpError() << "'" << name << "': "; };
  int64_t rank = shape->size();
  auto dim = dict.getAs<IntegerAttr>("dim");
  if (!dim || dim.getInt() < 0 || dim.getInt() >= rank)
    return err() << "'dim' must be an integer in [0, " << rank << ")";
  auto samples = dict.getAs<IntegerAttr>("samples");
  if (!samples || samples.getInt() < 0)
    return err() << "'samples' must be a non-negative integer";
  int64_t channels = (*shape)[dim.getInt()];
  SmallVector<int64_t> gramDims{dim.getInt()};
  if (Attribute a = dict.get("gram_dims")) {
    auto dims = dyn_cast<DenseI64ArrayAttr>(a);
    if (!dims || dims.empty() || !llvm::is_sorted(dims.asArrayRef()) ||
        !llvm::is_contained(dims.asArrayRef(), dim.getInt()) || dims[0] < 0 ||
        dims[dims.size() - 1] >= rank)
      return err() << "'gram_dims' must be an increasing array<i64> of dims "
                      "that contains 'dim'";
    gramDims.assign(dims.asArrayRef().begin(), dims.asArrayRef().end());
  }
  int64_t gramSize = 1;
  for (int64_t d : gramDims)
    gramSize *= (*shape)[d];
  auto checkTensor = [&](StringRef key, ArrayRef<int64_t> want,
                         bool f64) -> LogicalResult {
    Attribute a = dict.get(key);
    if (!a)
      return success();
    auto elements = dyn_cast<ElementsAttr>(a);
    auto type = elements ? dyn_cast<RankedTensorType>(elements.getType())
                         : RankedTensorType();
    if (!type || type.getShape() != want ||
        !(f64 ? type.getElementType().isF64()
              : type.getElementType().isF32())) {
      auto diag = err() << "'" << key << "' must be a tensor<";
      for (int64_t s : want)
        diag << s << "x";
      return diag << (f64 ? "f64" : "f32") << ">";
    }
    return success();
  };
  for (StringRef key : {"sq_norm", "mean", "fire_rate"})
    if (failed(checkTensor(key, {channels}, false)))
      return failure();
  if (failed(checkTensor("gram", {gramSize, gramSize}, true)) ||
      failed(checkTensor("cross", {gramSize, gramSize}, true)) ||
      failed(checkTensor("dense", *shape, false)))
    return failure();
  for (NamedAttribute entry : dict)
    if (!llvm::is_contained({"dim", "samples", "sq_norm", "mean", "fire_rate",
                             "gram", "gram_dims", "cross", "dense"},
                            entry.getName().getValue()))
      return err() << "unknown key '" << entry.getName().getValue() << "'";
  return success();
}

LogicalResult PruneDialect::verifyOperationAttribute(Operation *op,
                                                     NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  auto emitError = [&]() { return op->emitOpError(); };
  if (name == kTargetAttrName) {
    if (!isa<TargetAttr>(attr.getValue()))
      return op->emitOpError()
             << "'" << name << "' must be a #prune.target attribute";
    return success();
  }
  if (name == kImportanceAttrName) {
    auto importance = dyn_cast<ImportanceAttr>(attr.getValue());
    if (!importance)
      return op->emitOpError()
             << "'" << name << "' must be a #prune.importance attribute";
    if (op->getNumResults() != 1 ||
        !isa<RankedTensorType>(op->getResult(0).getType()))
      return op->emitOpError()
             << "'" << name
             << "' must be on an op with one ranked tensor result (a weight)";
    return importance.verifyAgainst(
        cast<ShapedType>(op->getResult(0).getType()), emitError);
  }
  if (name == kSparsityAttrName) {
    auto sparsity = dyn_cast<SparsityAttr>(attr.getValue());
    if (!sparsity)
      return op->emitOpError()
             << "'" << name << "' must be a #prune.sparsity attribute";
    if (op->hasTrait<OpTrait::ConstantLike>()) {
      if (sparsity.getOperand())
        return op->emitOpError()
               << "'operand' is meaningless on a constant weight";
      auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
      if (!type)
        return op->emitOpError()
               << "'" << name << "' on a constant needs a ranked tensor";
      return sparsity.verifyAgainst(type, emitError);
    }
    if (std::optional<int64_t> operand = sparsity.getOperand()) {
      if (*operand >= op->getNumOperands())
        return op->emitOpError()
               << "'" << name << "' names operand " << *operand
               << " but the op has " << op->getNumOperands();
      auto type =
          dyn_cast<RankedTensorType>(op->getOperand(*operand).getType());
      if (!type)
        return op->emitOpError() << "'" << name << "' names operand "
                                 << *operand << ", which is not a tensor";
      return sparsity.verifyAgainst(type, emitError);
    }
    return success();
  }
  if (name == kDenseShapeAttrName) {
    auto shape = dyn_cast<DenseI64ArrayAttr>(attr.getValue());
    auto type = op->getNumResults() == 1
                    ? dyn_cast<RankedTensorType>(op->getResult(0).getType())
                    : RankedTensorType();
    if (!shape || !type || shape.size() != type.getRank())
      return op->emitOpError()
             << "'" << name
             << "' must be an array<i64> with one entry per dim of the "
                "op's tensor result";
    return success();
  }
  if (name == kDenseFlopsAttrName) {
    if (!isa<FloatAttr>(attr.getValue()))
      return op->emitOpError() << "'" << name << "' must be a float";
    return success();
  }
  if (name == kDenseParamsAttrName) {
    if (!isa<IntegerAttr>(attr.getValue()))
      return op->emitOpError() << "'" << name << "' must be an integer";
    return success();
  }
  if (name == kRemovedAttrName) {
    auto dict = dyn_cast<DictionaryAttr>(attr.getValue());
    if (!dict || !llvm::all_of(dict, [](NamedAttribute entry) {
          return isa<IntegerAttr>(entry.getValue());
        }))
      return op->emitOpError()
             << "'" << name << "' must be a dictionary of integers";
    return success();
  }
  if (name == kKeptAttrName)
    return verifyKept(op, attr);
  if (name == kCalibrationAttrName)
    return verifyCalibration(op, attr);
  if (name == kMaskAttrName) {
    if (!isa<StringAttr>(attr.getValue()))
      return op->emitOpError()
             << "'" << name << "' must be a string naming the masked weight";
    return success();
  }
  if (name == kLoweringAttrName) {
    if (!isa<StringAttr>(attr.getValue()))
      return op->emitOpError() << "'" << name << "' must be a string";
    return success();
  }
  return op->emitOpError() << "unknown prune attribute '" << name << "'";
}

LogicalResult PruneDialect::verifyRegionArgAttribute(Operation *op,
                                                     unsigned regionIndex,
                                                     unsigned argIndex,
                                                     NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == kMaskAttrName) {
    if (!isa<StringAttr>(attr.getValue()))
      return op->emitOpError()
             << "argument " << argIndex << ": '" << name
             << "' must be a string naming the masked weight";
    return success();
  }
  return op->emitOpError() << "argument " << argIndex
                           << ": unknown prune argument attribute '" << name
                           << "'";
}
