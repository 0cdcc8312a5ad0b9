//===- Calibration.cpp - calibration records on weights -------------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/DataAware/Calibration.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace mlir::prune;

DenseResourceElementsAttr
mlir::prune::makeResource(ShapedType type, StringRef key, ArrayRef<char> data) {
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      data, alignof(double), /*dataIsMutable=*/true);
  return DenseResourceElementsAttr::get(type, key, std::move(blob));
}

FailureOr<std::vector<char>> mlir::prune::getRawData(ElementsAttr attr,
                                                     Type elementType) {
  auto type = cast<ShapedType>(attr.getType());
  if (type.getElementType() != elementType)
    return failure();
  size_t bytes =
      type.getNumElements() * (elementType.getIntOrFloatBitWidth() / 8);
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != bytes)
      return failure();
    return std::vector<char>(blob->getData().begin(), blob->getData().end());
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return failure();
  ArrayRef<char> raw = dense.getRawData();
  if (!dense.isSplat())
    return std::vector<char>(raw.begin(), raw.end());
  std::vector<char> out;
  out.reserve(bytes);
  while (out.size() < bytes)
    out.insert(out.end(), raw.begin(), raw.end());
  return out;
}
