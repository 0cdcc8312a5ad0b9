"""Independent numpy reference for the 2:4 operand of PTX mma.sp (f16/bf16).

Written from the PTX ISA text (9.7.14.6 "Sparse matrix storage" and the
fragment sections for sparse m16n8k16 / m16n8k32 with .f16/.bf16), not from
lib/Conversion/GPU/SparseMetadata.cpp:

  * every group of 4 consecutive elements of a row of A keeps 2 elements;
    their 2-bit positions are the metadata of the group (first position in
    the low bits), values packed in column order;
  * with sparsity selector 0 the metadata of rows g and g + 8 of a 16-row
    tile lives in lane 4*g + j (bits [15:0] row g, [31:16] row g + 8),
    j selecting columns [16j, 16j + 16) of the k-slice;
  * the A fragment of lane 4*g + t holds the kept values of group t of rows
    g and g + 8 (m16n8k16).
"""
import numpy as np


def make_24(rows, cols, rng, zeros_extra=0.1):
    """A random 2:4 f16 matrix whose values are exact in f16."""
    a = (rng.integers(-8, 9, size=(rows, cols)) * 0.25).astype(np.float16)
    a[a == 0] = np.float16(0.5)
    for r in range(rows):
        for g in range(cols // 4):
            drop = rng.choice(4, size=2, replace=False)
            a[r, 4 * g + drop] = 0
            if rng.random() < zeros_extra:  # groups with fewer non-zeros
                a[r, 4 * g + rng.integers(0, 4)] = 0
    return a


def positions(group):
    nz = [i for i in range(4) if group[i] != 0]
    assert len(nz) <= 2, "not 2:4"
    if len(nz) == 0:
        nz = [0, 1]
    elif len(nz) == 1:
        nz = [2, 3] if nz[0] == 3 else [nz[0], nz[0] + 1]
    return nz


def compress(a, k_tile=16):
    """values [R, C/2] (as uint16 bits), metadata [R/16, C/k_tile, 32] u32."""
    rows, cols = a.shape
    bits = a.view(np.uint16)
    values = np.zeros((rows, cols // 2), np.uint16)
    meta = np.zeros((rows // 16, cols // k_tile, 32), np.uint32)
    for mt in range(rows // 16):
        for kt in range(cols // k_tile):
            for lane in range(32):
                g, j = lane >> 2, lane & 3
                if j >= k_tile // 16:
                    continue
                word = 0
                for half, r in enumerate((g, g + 8)):
                    row = mt * 16 + r
                    for c in range(4):
                        col = kt * k_tile + 16 * j + 4 * c
                        p0, p1 = positions(a[row, col:col + 4])
                        word |= (p0 | (p1 << 2)) << (16 * half + 4 * c)
                meta[mt, kt, lane] = word
    for r in range(rows):
        for g in range(cols // 4):
            p0, p1 = positions(a[r, 4 * g:4 * g + 4])
            values[r, 2 * g] = bits[r, 4 * g + p0]
            values[r, 2 * g + 1] = bits[r, 4 * g + p1]
    return values, meta


def decode_m16n8k16(values, meta):
    """What the hardware sees (selector 0): rebuild the dense A from the
    per-lane A fragments and the metadata of lane 4*g."""
    rows, half_cols = values.shape
    cols = half_cols * 2
    out = np.zeros((rows, cols), np.uint16)
    for mt in range(rows // 16):
        for kt in range(cols // 16):
            for lane in range(32):
                g, t = lane >> 2, lane & 3
                m = int(meta[mt, kt, 4 * g])
                for half, r in enumerate((g, g + 8)):
                    row = mt * 16 + r
                    a0, a1 = values[row, kt * 8 + 2 * t:kt * 8 + 2 * t + 2]
                    nib = (m >> (16 * half + 4 * t)) & 0xF
                    p0, p1 = nib & 3, nib >> 2
                    assert nib not in (0b0000, 0b0101, 0b1010, 0b1111), nib
                    out[row, kt * 16 + 4 * t + p0] = a0
                    out[row, kt * 16 + 4 * t + p1] = a1
    return out
