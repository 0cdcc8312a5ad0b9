"""Runs the output of prune-amx-block-sparse on numpy: an interpreter for
the few ops the pass emits (constants, to_buffer, alloc/copy, scf.for,
amx.tile_load / tile_mulf / tile_store) with tdpbf16ps semantics taken from
Intel's ISA reference, not from the pass:

    C[m][n] += sum_{k < 16} A[m][2k] * B[k][2n] + A[m][2k+1] * B[k][2n+1]

    amx_sim.py LOWERED.mlir INPUT.npz   -> prints Y (the function's result)
    as .npy to stdout path given by --out, and the number of tile_mulf runs.
"""

import argparse
import re
import sys

import numpy as np


def bf16_to_f32(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mlir")
    ap.add_argument("inputs")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    text = open(a.mlir).read()
    inputs = np.load(a.inputs)
    env = {"%arg0": inputs["x"].astype(np.float32), "%arg1": inputs["c"].astype(np.float32)}
    lines = [l.strip() for l in text.splitlines()]
    # dense_resource blobs: key -> bytes after the 4-byte alignment header.
    blobs = {k: bytes.fromhex(h)[4:] for k, h in
             re.findall(r'^\s*"?([\w.\-]+)"?\s*:\s*"0x([0-9A-Fa-f]*)"', text[text.find("{-#"):], re.M)} \
        if "{-#" in text else {}
    counts = {"mulf": 0}

    def val(name):
        return env[name]

    def run(block):
        i = 0
        while i < len(block):
            l = block[i]
            m = re.match(r'(%\w+) = arith\.constant dense<"0x([0-9A-F]+)"> : tensor<([0-9x]+)xbf16>', l)
            if m:
                shape = [int(d) for d in m.group(3).split("x")]
                bits = np.frombuffer(bytes.fromhex(m.group(2)), dtype="<u2")
                env[m.group(1)] = bf16_to_f32(bits).reshape(shape).copy()
                i += 1
                continue
            m = re.match(r'(%\w+) = arith\.constant dense_resource<"?([\w.\-]+)"?> : tensor<([0-9x]+)xbf16>', l)
            if m:
                shape = [int(d) for d in m.group(3).split("x")]
                bits = np.frombuffer(blobs[m.group(2)], dtype="<u2")
                env[m.group(1)] = bf16_to_f32(bits).reshape(shape).copy()
                i += 1
                continue
            m = re.match(r"(%\w+) = arith\.constant (-?\d+) : index", l)
            if m:
                env[m.group(1)] = int(m.group(2))
                i += 1
                continue
            m = re.match(r"(%\w+) = bufferization\.to_buffer (%\w+)", l)
            if m:
                env[m.group(1)] = val(m.group(2))
                i += 1
                continue
            m = re.match(r"(%\w+) = memref\.alloc\(\) : memref<([0-9x]+)xf32>", l)
            if m:
                env[m.group(1)] = np.full([int(d) for d in m.group(2).split("x")], np.nan, np.float32)
                i += 1
                continue
            m = re.match(r"memref\.copy (%\w+), (%\w+)", l)
            if m:
                env[m.group(2)][...] = val(m.group(1))
                i += 1
                continue
            m = re.match(r"scf\.for (%\w+) = (%\w+) to (%\w+) step (%\w+) \{", l)
            if m:
                depth, j = 1, i + 1
                while depth:
                    depth += block[j].endswith("{") - (block[j] == "}")
                    j += 1
                body = block[i + 1:j - 1]
                for iv in range(val(m.group(2)), val(m.group(3)), val(m.group(4))):
                    env[m.group(1)] = iv
                    run(body)
                i = j
                continue
            m = re.match(r"(%\w+) = amx\.tile_load (%\w+)\[([^\]]*)\] : .* into !amx\.tile<(\d+)x(\d+)x\w+>", l)
            if m:
                idx = [val(v.strip()) for v in m.group(3).split(",")]
                r, c = int(m.group(4)), int(m.group(5))
                buf = val(m.group(2))
                env[m.group(1)] = buf[tuple(idx[:-2])][idx[-2]:idx[-2] + r, idx[-1]:idx[-1] + c].copy()
                i += 1
                continue
            m = re.match(r"(%\w+) = amx\.tile_mulf (%\w+), (%\w+), (%\w+) :", l)
            if m:
                A, B, C = val(m.group(2)), val(m.group(3)), val(m.group(4))
                D = C.astype(np.float64).copy()
                for k in range(16):
                    D += np.outer(A[:, 2 * k], B[k, 0::2]) + np.outer(A[:, 2 * k + 1], B[k, 1::2])
                env[m.group(1)] = D.astype(np.float32)
                counts["mulf"] += 1
                i += 1
                continue
            m = re.match(r"amx\.tile_store (%\w+)\[([^\]]*)\], (%\w+) :", l)
            if m:
                idx = [val(v.strip()) for v in m.group(2).split(",")]
                t = val(m.group(3))
                val(m.group(1))[idx[0]:idx[0] + t.shape[0], idx[1]:idx[1] + t.shape[1]] = t
                i += 1
                continue
            m = re.match(r"(%\w+) = bufferization\.to_tensor (%\w+)", l)
            if m:
                env[m.group(1)] = val(m.group(2))
                i += 1
                continue
            m = re.match(r"return (%\w+)", l)
            if m:
                np.save(a.out, val(m.group(1)))
                i += 1
                continue
            if l.startswith(("//", "func.func", "module", "}", "scf.yield")) or not l:
                i += 1
                continue
            sys.exit("amx_sim.py: unknown op: " + l[:200])

    start = next(i for i, l in enumerate(lines) if l.startswith("func.func"))
    end = next((i for i, l in enumerate(lines) if l.startswith("{-#")), len(lines))
    run(lines[start + 1:end])
    print("tile_mulf executed: %d" % counts["mulf"])


if __name__ == "__main__":
    main()
