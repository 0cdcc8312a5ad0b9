//===- SparseMetadata.cpp - 2:4 operands for mma.sp -----------------------===//
//
// Part of mlir-prune. See SparseMetadata.h for the layout.
//
//===----------------------------------------------------------------------===//

#include "Prune/Conversion/GPU/SparseMetadata.h"

#include <cassert>

using namespace mlir;
using namespace mlir::prune::mmasp;

static bool isZero16(uint16_t bits) { return (bits & 0x7fff) == 0; }

bool mlir::prune::mmasp::isValid24Shape(int64_t rows, int64_t cols,
                                        int64_t kTile) {
  return (kTile == 16 || kTile == 32) && rows > 0 && cols > 0 &&
         rows % 16 == 0 && cols % kTile == 0;
}

/// The metadata register (index into Sparse24Operand::metadata) and the bit
/// offset of the nibble of group `group` (4 columns) of row `row`.
static void getMetadataSlot(int64_t row, int64_t group, int64_t kTile,
                            int64_t kTiles, int64_t &word, int64_t &shift) {
  int64_t groupsPerTile = kTile / 4;
  int64_t mt = row / 16, r = row % 16;
  int64_t kt = group / groupsPerTile, gInTile = group % groupsPerTile;
  // Lane 4*g + j holds columns [16j, 16j+16) of rows g (bits [15:0]) and
  // g+8 (bits [31:16]); each group of four columns is one nibble.
  int64_t j = gInTile / 4, nibble = gInTile % 4;
  int64_t lane = 4 * (r % 8) + j;
  word = (mt * kTiles + kt) * 32 + lane;
  shift = (r >= 8 ? 16 : 0) + 4 * nibble;
}

FailureOr<Sparse24Operand>
mlir::prune::mmasp::compress24(ArrayRef<uint16_t> data, int64_t rows,
                               int64_t cols, int64_t kTile, Not24Error *error) {
  assert(isValid24Shape(rows, cols, kTile) && "invalid 2:4 operand shape");
  assert(static_cast<int64_t>(data.size()) == rows * cols && "wrong size");
  Sparse24Operand out;
  out.rows = rows;
  out.cols = cols;
  out.kTile = kTile;
  out.values.assign(rows * cols / 2, 0);
  out.metadata.assign(getNumMetadataWords(rows, cols, kTile), 0);
  int64_t kTiles = cols / kTile;
  for (int64_t row = 0; row < rows; ++row) {
    for (int64_t group = 0; group < cols / 4; ++group) {
      const uint16_t *g = data.data() + row * cols + group * 4;
      unsigned pos[2];
      unsigned n = 0;
      for (unsigned i = 0; i < 4; ++i) {
        if (isZero16(g[i]))
          continue;
        if (n == 2) {
          if (error) {
            unsigned nz = 0;
            for (unsigned k = 0; k < 4; ++k)
              nz += !isZero16(g[k]);
            *error = {row, group, nz};
          }
          return failure();
        }
        pos[n++] = i;
      }
      // Pad with zeros so that the two positions differ and are ordered
      // (0b0000, 0b0101, 0b1010, 0b1111 are invalid metadata).
      if (n == 0) {
        pos[0] = 0;
        pos[1] = 1;
      } else if (n == 1) {
        if (pos[0] == 3) {
          pos[1] = 3;
          pos[0] = 2;
        } else {
          pos[1] = pos[0] + 1;
        }
      }
      uint16_t *v = out.values.data() + row * (cols / 2) + group * 2;
      v[0] = g[pos[0]];
      v[1] = g[pos[1]];
      int64_t word, shift;
      getMetadataSlot(row, group, kTile, kTiles, word, shift);
      out.metadata[word] |= (pos[0] | (pos[1] << 2)) << shift;
    }
  }
  return out;
}

std::vector<uint16_t>
mlir::prune::mmasp::decompress24(const Sparse24Operand &op) {
  std::vector<uint16_t> dense(op.rows * op.cols, 0);
  int64_t kTiles = op.cols / op.kTile;
  for (int64_t row = 0; row < op.rows; ++row) {
    for (int64_t group = 0; group < op.cols / 4; ++group) {
      int64_t word, shift;
      getMetadataSlot(row, group, op.kTile, kTiles, word, shift);
      unsigned nibble = (op.metadata[word] >> shift) & 0xf;
      const uint16_t *v = op.values.data() + row * (op.cols / 2) + group * 2;
      uint16_t *d = dense.data() + row * op.cols + group * 4;
      d[nibble & 3] = v[0];
      d[nibble >> 2] = v[1];
    }
  }
  return dense;
}
