//===- WeightData.cpp - read and rewrite weight constants -----------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/Analysis/WeightData.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/APFloat.h"

#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <cstring>

#ifdef __linux__
#include <sys/mman.h>
#include <unistd.h>
#endif

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
           << resource.getRawHandle().getKey() << "' holds " << data.raw.size()
           << " bytes but " << type << " needs " << expected;
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
    // +0 and -0 are the bit patterns without the sign; count in 32-bit
    // blocks so that the loop vectorizes.
    const char *p = raw.data();
    for (int64_t b = 0; b < numElements; b += 1 << 16) {
      int64_t e = std::min<int64_t>(numElements, b + (1 << 16));
      uint32_t blockCount = 0;
      for (int64_t i = b; i < e; ++i) {
        uint32_t bits;
        std::memcpy(&bits, p + 4 * i, 4);
        blockCount += (bits & 0x7fffffffu) != 0;
      }
      count += blockCount;
    }
    return count;
  }
  for (int64_t i = 0; i < numElements; ++i)
    count += !isZero(i);
  return count;
}

/// Gives back the resident pages of `bytes` when they lie in a read-only,
/// private, file-backed mapping (how llvm::MemoryBuffer maps an input file,
/// so the blobs of a bytecode input): the kernel reads such pages back from
/// the file if anything touches them again, so nothing is lost, and the peak
/// memory of a pass that copies every weight stays near one copy. Any other
/// memory (heap, a caller's buffer) is left alone.
static void releaseFilePages(ArrayRef<char> bytes) {
#ifdef __linux__
  uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  uintptr_t begin =
      (reinterpret_cast<uintptr_t>(bytes.data()) + page - 1) & ~(page - 1);
  uintptr_t end =
      (reinterpret_cast<uintptr_t>(bytes.data()) + bytes.size()) & ~(page - 1);
  if (end <= begin)
    return;
  auto maps = llvm::MemoryBuffer::getFileAsStream("/proc/self/maps");
  if (!maps)
    return;
  StringRef rest = (*maps)->getBuffer();
  while (!rest.empty()) {
    StringRef line;
    std::tie(line, rest) = rest.split('\n');
    // start-end perms offset dev inode [path]
    SmallVector<StringRef, 6> fields;
    line.split(fields, ' ', /*MaxSplit=*/5, /*KeepEmpty=*/false);
    if (fields.size() < 5)
      continue;
    auto [lo, hi] = fields[0].split('-');
    uint64_t start, stop, inode;
    if (lo.getAsInteger(16, start) || hi.getAsInteger(16, stop) ||
        fields[4].getAsInteger(10, inode))
      continue;
    if (begin < start || end > stop)
      continue;
    if (fields[1] == "r--p" && inode != 0)
      madvise(reinterpret_cast<void *>(begin), end - begin, MADV_DONTNEED);
    return;
  }
#else
  (void)bytes;
#endif
}

/// dst[i] = keep[i] ? src[i] : 0 on elements stored as T, in one pass; counts
/// the zeros of the result (for floats +0 and -0: the bits but `signMask`).
template <typename T>
static int64_t maskTyped(char *dst, const char *src, bool splat, int64_t n,
                         const uint8_t *keep, T signMask) {
  int64_t zeros = 0;
  if (splat) {
    T v;
    std::memcpy(&v, src, sizeof(T));
    for (int64_t i = 0; i < n; ++i) {
      T w = keep[i] ? v : T(0);
      std::memcpy(dst + i * sizeof(T), &w, sizeof(T));
      zeros += (w & ~signMask) == 0;
    }
    return zeros;
  }
  // Branch-free, in 32-bit counted blocks, so that it vectorizes.
  for (int64_t b = 0; b < n; b += 1 << 16) {
    int64_t e = std::min<int64_t>(n, b + (1 << 16));
    uint32_t blockZeros = 0;
    for (int64_t i = b; i < e; ++i) {
      T v;
      std::memcpy(&v, src + i * sizeof(T), sizeof(T));
      v &= static_cast<T>(-static_cast<T>(keep[i] != 0));
      std::memcpy(dst + i * sizeof(T), &v, sizeof(T));
      blockZeros += (v & ~signMask) == 0;
    }
    zeros += blockZeros;
  }
  return zeros;
}

/// Writes `data` with masked elements zeroed into `dst` (size() * bytes);
/// `dst` may be the data itself. Returns the zeros of the result.
static int64_t fillMasked(MutableArrayRef<char> dst, const WeightData &data,
                          ArrayRef<uint8_t> keep) {
  bool isFloat = isa<FloatType>(data.getElementType());
  const char *src = data.getRaw().data();
  int64_t n = data.size();
  bool splat = data.isSplat();
  switch (data.getElementBytes()) {
  case 1:
    return maskTyped<uint8_t>(dst.data(), src, splat, n, keep.data(), 0);
  case 2:
    return maskTyped<uint16_t>(dst.data(), src, splat, n, keep.data(),
                               isFloat ? 0x8000 : 0);
  case 4:
    return maskTyped<uint32_t>(dst.data(), src, splat, n, keep.data(),
                               isFloat ? 0x80000000u : 0);
  default:
    return maskTyped<uint64_t>(dst.data(), src, splat, n, keep.data(),
                               isFloat ? 0x8000000000000000ull : 0);
  }
}

DenseMap<void *, unsigned> mlir::prune::countResourceUsers(Operation *root) {
  DenseMap<void *, unsigned> users;
  DenseMap<void *, Operation *> lastUser;
  root->walk([&](Operation *op) {
    op->getAttrDictionary().walk([&](DenseResourceElementsAttr attr) {
      void *key = attr.getRawHandle().getResource();
      Operation *&last = lastUser[key];
      if (last != op)
        ++users[key];
      last = op;
    });
  });
  return users;
}

ElementsAttr mlir::prune::makeReplacementValue(arith::ConstantOp op,
                                               RankedTensorType type,
                                               ArrayRef<char> bytes) {
  auto resource = dyn_cast<DenseResourceElementsAttr>(op.getValue());
  if (!resource)
    return DenseElementsAttr::getFromRawBuffer(type, bytes);
  unsigned elementBytes =
      std::max<unsigned>(1, type.getElementTypeBitWidth() / 8);
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      bytes, std::max<size_t>(elementBytes, alignof(double)));
  if (!isResourceShared(op, resource)) {
    resource.getRawHandle().getResource()->setBlob(std::move(blob));
    return DenseResourceElementsAttr::get(type, resource.getRawHandle());
  }
  return DenseResourceElementsAttr::get(type, resource.getRawHandle().getKey(),
                                        std::move(blob));
}

bool mlir::prune::isResourceShared(arith::ConstantOp op,
                                   DenseResourceElementsAttr resource) {
  Operation *top = op;
  while (Operation *parent = top->getParentOp())
    top = parent;
  return countResourceUsers(top).lookup(resource.getRawHandle().getResource()) >
         1;
}

int64_t mlir::prune::writeMasked(arith::ConstantOp op, const WeightData &data,
                                 ArrayRef<uint8_t> keep) {
  auto resource = dyn_cast<DenseResourceElementsAttr>(op.getValue());
  return writeMasked(op, data, keep,
                     resource && isResourceShared(op, resource));
}

int64_t mlir::prune::writeMasked(arith::ConstantOp op, const WeightData &data,
                                 ArrayRef<uint8_t> keep, bool shared) {
  auto type = cast<RankedTensorType>(op.getType());
  size_t numBytes = data.size() * data.getElementBytes();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(op.getValue())) {
    // A blob other ops also read (tied weights, a weight that also feeds a
    // gather) keeps its data; this constant gets a blob of its own.
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!shared && blob && blob->isMutable() && !data.isSplat())
      return fillMasked(blob->getMutableData(), data, keep);
    AsmResourceBlob fresh = HeapAsmResourceBlob::allocate(
        numBytes, std::max<size_t>(data.getElementBytes(), alignof(double)),
        /*dataIsMutable=*/true);
    int64_t zeros = fillMasked(fresh.getMutableData(), data, keep);
    if (shared) {
      op.setValueAttr(cast<TypedAttr>(DenseResourceElementsAttr::get(
          type, resource.getRawHandle().getKey(), std::move(fresh))));
      return zeros;
    }
    // An immutable blob is most often a view of a bytecode file: once
    // replaced, its pages can go.
    ArrayRef<char> old = data.getRaw();
    resource.getRawHandle().getResource()->setBlob(std::move(fresh));
    if (!data.isSplat())
      releaseFilePages(old);
    return zeros;
  }
  std::vector<char> buffer(numBytes);
  int64_t zeros = fillMasked(buffer, data, keep);
  op.setValueAttr(DenseElementsAttr::getFromRawBuffer(type, buffer));
  return zeros;
}

void mlir::prune::writeValues(arith::ConstantOp op, ArrayRef<char> bytes) {
  auto type = cast<RankedTensorType>(op.getType());
  auto resource = dyn_cast<DenseResourceElementsAttr>(op.getValue());
  if (!resource) {
    op.setValueAttr(DenseElementsAttr::getFromRawBuffer(type, bytes));
    return;
  }
  bool shared = isResourceShared(op, resource);
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!shared && blob && blob->isMutable() &&
      blob->getData().size() == bytes.size()) {
    std::memcpy(blob->getMutableData().data(), bytes.data(), bytes.size());
    return;
  }
  AsmResourceBlob fresh = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      bytes, alignof(double), /*dataIsMutable=*/true);
  if (shared) {
    op.setValueAttr(cast<TypedAttr>(DenseResourceElementsAttr::get(
        type, resource.getRawHandle().getKey(), std::move(fresh))));
    return;
  }
  resource.getRawHandle().getResource()->setBlob(std::move(fresh));
}
