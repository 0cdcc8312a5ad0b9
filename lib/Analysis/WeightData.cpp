//===- WeightData.cpp - read and rewrite weight constants -----------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/Analysis/WeightData.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"
#include "mlir/IR/Operation.h"

#include <cstring>

using namespace mlir;
using namespace mlir::prune;

FailureOr<WeightData> WeightData::get(arith::ConstantOp op) {
  auto type = dyn_cast<RankedTensorType>(op.getType());
  if (!type || !type.hasStaticShape())
    return op.emitError("weight must be a statically shaped tensor");
  WeightData data;
  data.elementType = type.getElementType();
  data.numElements = type.getNumElements();
  if (!data.elementType.isF16() && !data.elementType.isBF16() &&
      !data.elementType.isF32() && !data.elementType.isF64() &&
      !data.elementType.isSignlessInteger(8) &&
      !data.elementType.isSignlessInteger(16) &&
      !data.elementType.isSignlessInteger(32))
    return op.emitError("unsupported weight element type ")
           << data.elementType
           << "; expected f16, bf16, f32, f64, i8, i16 or i32";
  data.elementBytes = data.elementType.getIntOrFloatBitWidth() / 8;

  if (auto dense = dyn_cast<DenseElementsAttr>(op.getValue())) {
    data.raw = dense.getRawData();
    data.splat = dense.isSplat();
    return data;
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(op.getValue());
  if (!resource)
    return op.emitError("weight must be dense<...> or dense_resource<...>");
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob)
    return op.emitError("dense_resource '")
           << resource.getRawHandle().getKey() << "' has no data";
  data.raw = blob->getData();
  int64_t expected = data.numElements * data.elementBytes;
  if (static_cast<int64_t>(data.raw.size()) != expected)
    return op.emitError("dense_resource '")
           << resource.getRawHandle().getKey() << "' holds "
           << data.raw.size() << " bytes but " << type << " needs "
           << expected;
  return data;
}

float WeightData::get(int64_t i) const {
  const char *p = raw.data() + (splat ? 0 : i * elementBytes);
  if (elementType.isF32()) {
    float v;
    std::memcpy(&v, p, 4);
    return v;
  }
  if (elementType.isF64()) {
    double v;
    std::memcpy(&v, p, 8);
    return static_cast<float>(v);
  }
  if (elementType.isBF16()) {
    uint16_t bits;
    std::memcpy(&bits, p, 2);
    uint32_t wide = static_cast<uint32_t>(bits) << 16;
    float v;
    std::memcpy(&v, &wide, 4);
    return v;
  }
  if (elementType.isF16()) {
    uint16_t bits;
    std::memcpy(&bits, p, 2);
    llvm::APFloat value(llvm::APFloat::IEEEhalf(), llvm::APInt(16, bits));
    return value.convertToFloat();
  }
  switch (elementBytes) {
  case 1:
    return static_cast<float>(*reinterpret_cast<const int8_t *>(p));
  case 2: {
    int16_t v;
    std::memcpy(&v, p, 2);
    return static_cast<float>(v);
  }
  default: {
    int32_t v;
    std::memcpy(&v, p, 4);
    return static_cast<float>(v);
  }
  }
}

void WeightData::toFloat(std::vector<float> &out) const {
  out.resize(numElements);
  if (elementType.isF32() && !splat) {
    std::memcpy(out.data(), raw.data(), numElements * sizeof(float));
    return;
  }
  for (int64_t i = 0; i < numElements; ++i)
    out[i] = get(i);
}

bool WeightData::isZero(int64_t i) const {
  if (isa<FloatType>(elementType))
    return get(i) == 0.0f;
  const char *p = raw.data() + (splat ? 0 : i * elementBytes);
  for (unsigned b = 0; b < elementBytes; ++b)
    if (p[b])
      return false;
  return true;
}

int64_t WeightData::countNonZeros() const {
  if (splat)
    return isZero(0) ? 0 : numElements;
  int64_t count = 0;
  if (elementType.isF32()) {
    const char *p = raw.data();
    for (int64_t i = 0; i < numElements; ++i, p += 4) {
      float v;
      std::memcpy(&v, p, 4);
      count += v != 0.0f;
    }
    return count;
  }
  for (int64_t i = 0; i < numElements; ++i)
    count += !isZero(i);
  return count;
}

/// Writes `data` with masked elements zeroed into `dst` (size() * bytes).
static void fillMasked(MutableArrayRef<char> dst, const WeightData &data,
                       ArrayRef<uint8_t> keep) {
  unsigned bytes = data.getElementBytes();
  ArrayRef<char> raw = data.getRaw();
  if (data.isSplat()) {
    for (int64_t i = 0; i < data.size(); ++i)
      std::memcpy(dst.data() + i * bytes, raw.data(), bytes);
  } else if (dst.data() != raw.data()) {
    std::memcpy(dst.data(), raw.data(), raw.size());
  }
  for (int64_t i = 0; i < data.size(); ++i)
    if (!keep[i])
      std::memset(dst.data() + i * bytes, 0, bytes);
}

/// True if an attribute of another op than `op` (anywhere in the top-level
/// op that holds it) refers to the same resource blob.
static bool isResourceShared(arith::ConstantOp op,
                             DenseResourceElementsAttr resource) {
  Operation *top = op;
  while (Operation *parent = top->getParentOp())
    top = parent;
  bool shared = false;
  top->walk([&](Operation *other) {
    if (other == op.getOperation() || shared)
      return;
    other->getAttrDictionary().walk([&](DenseResourceElementsAttr attr) {
      if (attr.getRawHandle() == resource.getRawHandle())
        shared = true;
    });
  });
  return shared;
}

void mlir::prune::writeMasked(arith::ConstantOp op, const WeightData &data,
                              ArrayRef<uint8_t> keep) {
  auto type = cast<RankedTensorType>(op.getType());
  size_t numBytes = data.size() * data.getElementBytes();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(op.getValue())) {
    // A blob other ops also read (tied weights, a weight that also feeds a
    // gather) keeps its data; this constant gets a blob of its own.
    bool shared = isResourceShared(op, resource);
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!shared && blob && blob->isMutable() && !data.isSplat()) {
      fillMasked(blob->getMutableData(), data, keep);
      return;
    }
    AsmResourceBlob fresh = HeapAsmResourceBlob::allocate(
        numBytes, std::max<size_t>(data.getElementBytes(), alignof(double)),
        /*dataIsMutable=*/true);
    fillMasked(fresh.getMutableData(), data, keep);
    if (shared) {
      op.setValueAttr(cast<TypedAttr>(DenseResourceElementsAttr::get(
          type, resource.getRawHandle().getKey(), std::move(fresh))));
      return;
    }
    resource.getRawHandle().getResource()->setBlob(std::move(fresh));
    return;
  }
  std::vector<char> buffer(numBytes);
  fillMasked(buffer, data, keep);
  op.setValueAttr(DenseElementsAttr::getFromRawBuffer(type, buffer));
}
