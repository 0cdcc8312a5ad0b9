//===- Npy.cpp - numpy .npy / .npz files ----------------------------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/Runtime/Npy.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace llvm;
using namespace mlir::prune::npy;

static Error makeError(const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), msg);
}

StringRef mlir::prune::npy::getDTypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "float32";
  case DType::F64:
    return "float64";
  case DType::I32:
    return "int32";
  case DType::I64:
    return "int64";
  }
  llvm_unreachable("unknown dtype");
}

unsigned mlir::prune::npy::getDTypeBytes(DType dtype) {
  return dtype == DType::F32 || dtype == DType::I32 ? 4 : 8;
}

static StringRef getDescr(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "<f4";
  case DType::F64:
    return "<f8";
  case DType::I32:
    return "<i4";
  case DType::I64:
    return "<i8";
  }
  llvm_unreachable("unknown dtype");
}

int64_t Array::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

double Array::getAsDouble(int64_t i) const {
  const char *p = data.data() + i * getDTypeBytes(dtype);
  switch (dtype) {
  case DType::F32: {
    float v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case DType::F64: {
    double v;
    std::memcpy(&v, p, 8);
    return v;
  }
  case DType::I32:
    return support::endian::read32le(p);
  case DType::I64:
    return static_cast<double>(
        static_cast<int64_t>(support::endian::read64le(p)));
  }
  llvm_unreachable("unknown dtype");
}

std::string Array::describe() const {
  std::string s;
  raw_string_ostream os(s);
  os << getDTypeName(dtype) << " [";
  llvm::interleaveComma(shape, os);
  os << "]";
  return s;
}

Array Array::zeros(DType dtype, ArrayRef<int64_t> shape) {
  Array a;
  a.dtype = dtype;
  a.shape.assign(shape.begin(), shape.end());
  a.data.assign(a.getNumElements() * getDTypeBytes(dtype), 0);
  return a;
}

/// Returns the text of the value of `key` in numpy's header dictionary.
static std::optional<StringRef> findKey(StringRef header, StringRef key) {
  std::string quoted = ("'" + key + "'").str();
  size_t pos = header.find(quoted);
  if (pos == StringRef::npos)
    return std::nullopt;
  StringRef rest = header.drop_front(pos + quoted.size()).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  return rest.ltrim();
}

Expected<Array> mlir::prune::npy::parseNpy(StringRef bytes, StringRef name) {
  auto fail = [&](const Twine &why) { return makeError(name + ": " + why); };
  if (bytes.size() < 10 || !bytes.starts_with("\x93NUMPY"))
    return fail("not a .npy file (no \\x93NUMPY magic)");
  unsigned major = static_cast<unsigned char>(bytes[6]);
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = support::endian::read16le(bytes.data() + 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return fail("truncated .npy header");
    headerLen = support::endian::read32le(bytes.data() + 8);
    headerStart = 12;
  } else {
    return fail("unsupported .npy version " + Twine(major));
  }
  if (bytes.size() < headerStart + headerLen)
    return fail("truncated .npy header");
  StringRef header = bytes.substr(headerStart, headerLen);
  StringRef payload = bytes.drop_front(headerStart + headerLen);

  Array array;
  std::optional<StringRef> descr = findKey(header, "descr");
  if (!descr || !(descr->starts_with("'") || descr->starts_with("\"")))
    return fail("header has no 'descr'");
  StringRef d = descr->drop_front().take_until(
      [](char c) { return c == '\'' || c == '"'; });
  if (d == "<f4")
    array.dtype = DType::F32;
  else if (d == "<f8")
    array.dtype = DType::F64;
  else if (d == "<i4")
    array.dtype = DType::I32;
  else if (d == "<i8")
    array.dtype = DType::I64;
  else if (d.starts_with(">"))
    return fail("big-endian dtype '" + d +
                "' is not supported; use a little-endian array");
  else
    return fail("dtype '" + d +
                "' is not supported (float32, float64, int32 or int64)");

  std::optional<StringRef> fortran = findKey(header, "fortran_order");
  if (!fortran)
    return fail("header has no 'fortran_order'");
  if (fortran->starts_with("True"))
    return fail("Fortran-order arrays are not supported; save a C-order "
                "array (numpy.ascontiguousarray)");

  std::optional<StringRef> shape = findKey(header, "shape");
  if (!shape || !shape->starts_with("("))
    return fail("header has no 'shape'");
  StringRef dims =
      shape->drop_front().take_until([](char c) { return c == ')'; });
  SmallVector<StringRef> parts;
  dims.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    part = part.trim();
    if (part.empty())
      continue;
    int64_t dim;
    if (part.getAsInteger(10, dim) || dim < 0)
      return fail("bad shape entry '" + part + "'");
    array.shape.push_back(dim);
  }
  size_t expected = array.getNumElements() * getDTypeBytes(array.dtype);
  if (payload.size() != expected)
    return fail("data holds " + Twine(payload.size()) + " bytes, but " +
                array.describe() + " needs " + Twine(expected));
  array.data.assign(payload.begin(), payload.end());
  return array;
}

Expected<Array> mlir::prune::npy::readNpy(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError(path + ": " + buffer.getError().message());
  return parseNpy((*buffer)->getBuffer(), path);
}

std::string mlir::prune::npy::serializeNpy(const Array &array) {
  std::string dict;
  raw_string_ostream os(dict);
  os << "{'descr': '" << getDescr(array.dtype)
     << "', 'fortran_order': False, 'shape': (";
  for (int64_t d : array.shape)
    os << d << ", ";
  if (!array.shape.empty())
    dict.resize(dict.size() - (array.shape.size() == 1 ? 1 : 2));
  os << "), }";
  // Pad with spaces so that the data starts 64-byte aligned; end with '\n'.
  size_t total = 10 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(static_cast<char>(dict.size() & 0xff));
  out.push_back(static_cast<char>(dict.size() >> 8));
  out += dict;
  out.append(array.data.begin(), array.data.end());
  return out;
}

Error mlir::prune::npy::writeNpy(StringRef path, const Array &array) {
  std::error_code ec;
  raw_fd_ostream os(path, ec, sys::fs::OF_None);
  if (ec)
    return makeError(path + ": " + ec.message());
  os << serializeNpy(array);
  os.close();
  if (os.has_error())
    return makeError(path + ": write failed: " + os.error().message());
  return Error::success();
}

/// Reads the sizes and the local-header offset of a central directory entry,
/// taking the ZIP64 extra field into account.
static void readZip64Extra(StringRef extra, uint64_t &usize, uint64_t &csize,
                           uint64_t &offset) {
  while (extra.size() >= 4) {
    uint16_t id = support::endian::read16le(extra.data());
    uint16_t len = support::endian::read16le(extra.data() + 2);
    StringRef body = extra.substr(4, len);
    if (id == 1) {
      size_t at = 0;
      auto next = [&](uint64_t &field) {
        if (field == 0xffffffffu && at + 8 <= body.size()) {
          field = support::endian::read64le(body.data() + at);
          at += 8;
        }
      };
      next(usize);
      next(csize);
      next(offset);
    }
    extra = extra.drop_front(std::min<size_t>(extra.size(), 4 + len));
  }
}

Expected<std::vector<std::pair<std::string, Array>>>
mlir::prune::npy::readNpz(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError(path + ": " + buffer.getError().message());
  StringRef bytes = (*buffer)->getBuffer();
  auto fail = [&](const Twine &why) { return makeError(path + ": " + why); };

  // End of central directory: the last "PK\5\6" record.
  size_t eocd = bytes.rfind(StringRef("PK\x05\x06", 4));
  if (eocd == StringRef::npos || eocd + 22 > bytes.size())
    return fail("not a .npz (zip) archive");
  const char *e = bytes.data() + eocd;
  uint64_t numEntries = support::endian::read16le(e + 10);
  uint64_t cdOffset = support::endian::read32le(e + 16);
  if (cdOffset == 0xffffffffu || numEntries == 0xffffu) {
    // ZIP64 end of central directory locator precedes the EOCD.
    if (eocd < 20 || support::endian::read32le(e - 20) != 0x07064b50)
      return fail("damaged ZIP64 archive");
    uint64_t z64 = support::endian::read64le(e - 20 + 8);
    if (z64 + 56 > bytes.size() ||
        support::endian::read32le(bytes.data() + z64) != 0x06064b50)
      return fail("damaged ZIP64 archive");
    numEntries = support::endian::read64le(bytes.data() + z64 + 32);
    cdOffset = support::endian::read64le(bytes.data() + z64 + 48);
  }

  std::vector<std::pair<std::string, Array>> members;
  uint64_t at = cdOffset;
  for (uint64_t i = 0; i < numEntries; ++i) {
    if (at + 46 > bytes.size() ||
        support::endian::read32le(bytes.data() + at) != 0x02014b50)
      return fail("damaged central directory");
    const char *c = bytes.data() + at;
    uint16_t method = support::endian::read16le(c + 10);
    uint64_t csize = support::endian::read32le(c + 20);
    uint64_t usize = support::endian::read32le(c + 24);
    uint16_t nameLen = support::endian::read16le(c + 28);
    uint16_t extraLen = support::endian::read16le(c + 30);
    uint16_t commentLen = support::endian::read16le(c + 32);
    uint64_t offset = support::endian::read32le(c + 42);
    if (at + 46 + nameLen + extraLen > bytes.size())
      return fail("damaged central directory");
    std::string name(c + 46, nameLen);
    readZip64Extra(StringRef(c + 46 + nameLen, extraLen), usize, csize, offset);
    at += 46 + nameLen + extraLen + commentLen;
    if (method != 0)
      return fail("member '" + name +
                  "' is compressed; write the archive with numpy.savez, not "
                  "numpy.savez_compressed");
    if (offset + 30 > bytes.size() ||
        support::endian::read32le(bytes.data() + offset) != 0x04034b50)
      return fail("damaged local header of '" + name + "'");
    const char *l = bytes.data() + offset;
    uint64_t dataStart = offset + 30 + support::endian::read16le(l + 26) +
                         support::endian::read16le(l + 28);
    if (dataStart + usize > bytes.size() || csize != usize)
      return fail("member '" + name + "' is truncated");
    Expected<Array> array =
        parseNpy(bytes.substr(dataStart, usize), (path + ":" + name).str());
    if (!array)
      return array.takeError();
    StringRef key(name);
    key.consume_back(".npy");
    members.emplace_back(key.str(), std::move(*array));
  }
  return members;
}
