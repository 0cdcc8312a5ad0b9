#!/usr/bin/python3
"""Writes a synthetic BERT-base model (about 110M f32 parameters) as MLIR text.

The IR has the shape torch-mlir gives a PyTorch model on its way to linalg:

  * every parameter is an `arith.constant dense_resource<...>` whose bytes sit
    in the `dialect_resources` section at the end of the file, as a hex blob;
  * a Linear layer is `weight [out, in] -> linalg.transpose -> linalg.matmul`
    followed by a broadcast bias add (`linalg.generic`);
  * the token embedding [30522, 768] is read by a gather (`linalg.generic`
    with `tensor.extract`) and reused, tied, by the LM head
    (transpose + matmul), so it is a weight that feeds a contraction;
  * attention uses expand_shape / transpose / batch_matmul / softmax, layer
    norm and GELU are `linalg.generic`s.

Weights are random (normal, std 0.02, fixed seed). The hex blobs are written
chunk by chunk with numpy, so the generator stays fast and small in memory.

Usage: /usr/bin/python3 bench/gen_bert.py [-o bench/out/bert.mlir]
       [--layers 12] [--hidden 768] [--ffn 3072] [--vocab 30522] [--seq 128]
(Debian's /usr/bin/python3 with python3-numpy.)
"""

import argparse
import os
import sys

import numpy as np

F32 = "f32"


def tensor(*shape, dtype=F32):
    return "tensor<" + "x".join(str(d) for d in shape) + "x" + dtype + ">"


class Builder:
    """Emits the body of @forward and collects the parameters."""

    def __init__(self, seq, hidden, heads):
        self.lines = []
        self.params = []  # (name, shape)
        self.counter = 0
        self.seq = seq
        self.hidden = hidden
        self.heads = heads

    def fresh(self, hint="v"):
        self.counter += 1
        return "%" + hint + str(self.counter)

    def emit(self, text):
        self.lines.append("    " + text)

    def param(self, name, *shape):
        self.params.append((name, shape))
        v = self.fresh("p")
        self.emit(f"{v} = arith.constant dense_resource<{name}> : "
                  f"{tensor(*shape)}")
        return v

    def empty(self, *shape):
        v = self.fresh("e")
        self.emit(f"{v} = tensor.empty() : {tensor(*shape)}")
        return v

    def zeros(self, *shape):
        e = self.empty(*shape)
        v = self.fresh("z")
        self.emit(f"{v} = linalg.fill ins(%zero : f32) outs({e} : "
                  f"{tensor(*shape)}) -> {tensor(*shape)}")
        return v

    def transpose(self, x, in_shape, perm):
        out_shape = [in_shape[p] for p in perm]
        e = self.empty(*out_shape)
        v = self.fresh("t")
        self.emit(f"{v} = linalg.transpose ins({x} : {tensor(*in_shape)}) "
                  f"outs({e} : {tensor(*out_shape)}) permutation = "
                  f"[{', '.join(str(p) for p in perm)}]")
        return v

    def linear(self, x, name, n_in, n_out, rows=None):
        """y = x @ W^T + b with W [out, in] as PyTorch stores it."""
        rows = rows or self.seq
        w = self.param(name + ".weight", n_out, n_in)
        wt = self.transpose(w, [n_out, n_in], [1, 0])
        acc = self.zeros(rows, n_out)
        y = self.fresh("mm")
        self.emit(f"{y} = linalg.matmul ins({x}, {wt} : "
                  f"{tensor(rows, n_in)}, {tensor(n_in, n_out)}) "
                  f"outs({acc} : {tensor(rows, n_out)}) -> "
                  f"{tensor(rows, n_out)}")
        b = self.param(name + ".bias", n_out)
        return self.binary("arith.addf", y, b, n_out, broadcast=True,
                           rows=rows)

    def binary(self, op, a, b, n, broadcast=False, rows=None):
        """Elementwise `op` on [rows, n] tensors (b may be a broadcast [n])."""
        rows = rows or self.seq
        shape = tensor(rows, n)
        bshape = tensor(n) if broadcast else shape
        bmap = "#row" if broadcast else "#id2"
        e = self.empty(rows, n)
        v = self.fresh("ew")
        self.emit(f"{v} = linalg.generic {{indexing_maps = [#id2, {bmap}, "
                  f"#id2], iterator_types = [\"parallel\", \"parallel\"]}} "
                  f"ins({a}, {b} : {shape}, {bshape}) outs({e} : {shape}) {{")
        self.emit("^bb0(%in: f32, %in_1: f32, %out: f32):")
        self.emit(f"  %r = {op} %in, %in_1 : f32")
        self.emit("  linalg.yield %r : f32")
        self.emit(f"}} -> {shape}")
        return v

    def unary(self, op, x, n, rows=1):
        shape = tensor(rows, n)
        e = self.empty(rows, n)
        v = self.fresh("u")
        self.emit(f"{v} = linalg.generic {{indexing_maps = [#id2, #id2], "
                  f"iterator_types = [\"parallel\", \"parallel\"]}} "
                  f"ins({x} : {shape}) outs({e} : {shape}) {{")
        self.emit("^bb0(%in: f32, %out: f32):")
        self.emit(f"  %r = {op} %in : f32")
        self.emit("  linalg.yield %r : f32")
        self.emit(f"}} -> {shape}")
        return v

    def gelu(self, x, n):
        shape = tensor(self.seq, n)
        e = self.empty(self.seq, n)
        v = self.fresh("gelu")
        self.emit(f"{v} = linalg.generic {{indexing_maps = [#id2, #id2], "
                  f"iterator_types = [\"parallel\", \"parallel\"]}} "
                  f"ins({x} : {shape}) outs({e} : {shape}) {{")
        self.emit("^bb0(%in: f32, %out: f32):")
        self.emit("  %a = arith.mulf %in, %rsqrt2 : f32")
        self.emit("  %b = math.erf %a : f32")
        self.emit("  %c = arith.addf %b, %one : f32")
        self.emit("  %d = arith.mulf %in, %c : f32")
        self.emit("  %g = arith.mulf %d, %half : f32")
        self.emit("  linalg.yield %g : f32")
        self.emit(f"}} -> {shape}")
        return v

    def layer_norm(self, x, name):
        n = self.hidden
        shape = tensor(self.seq, n)
        rshape = tensor(self.seq)
        gamma = self.param(name + ".weight", n)
        beta = self.param(name + ".bias", n)
        # mean and mean of squares over the hidden dim
        sums = []
        for square in (False, True):
            acc = self.fresh("racc")
            er = self.empty(self.seq)
            self.emit(f"{acc} = linalg.fill ins(%zero : f32) outs({er} : "
                      f"{rshape}) -> {rshape}")
            s = self.fresh("sum")
            self.emit(f"{s} = linalg.generic {{indexing_maps = [#id2, #col], "
                      f"iterator_types = [\"parallel\", \"reduction\"]}} "
                      f"ins({x} : {shape}) outs({acc} : {rshape}) {{")
            self.emit("^bb0(%in: f32, %out: f32):")
            if square:
                self.emit("  %sq = arith.mulf %in, %in : f32")
                self.emit("  %r = arith.addf %sq, %out : f32")
            else:
                self.emit("  %r = arith.addf %in, %out : f32")
            self.emit("  linalg.yield %r : f32")
            self.emit(f"}} -> {rshape}")
            sums.append(s)
        e = self.empty(self.seq, n)
        v = self.fresh("ln")
        self.emit(f"{v} = linalg.generic {{indexing_maps = [#id2, #col, #col, "
                  f"#row, #row, #id2], iterator_types = [\"parallel\", "
                  f"\"parallel\"]}} ins({x}, {sums[0]}, {sums[1]}, {gamma}, "
                  f"{beta} : {shape}, {rshape}, {rshape}, {tensor(n)}, "
                  f"{tensor(n)}) outs({e} : {shape}) {{")
        self.emit("^bb0(%in: f32, %s: f32, %ss: f32, %g: f32, %b: f32, "
                  "%out: f32):")
        self.emit("  %mean = arith.mulf %s, %inv_hidden : f32")
        self.emit("  %msq = arith.mulf %ss, %inv_hidden : f32")
        self.emit("  %m2 = arith.mulf %mean, %mean : f32")
        self.emit("  %var = arith.subf %msq, %m2 : f32")
        self.emit("  %ve = arith.addf %var, %eps : f32")
        self.emit("  %rs = math.rsqrt %ve : f32")
        self.emit("  %xc = arith.subf %in, %mean : f32")
        self.emit("  %xn = arith.mulf %xc, %rs : f32")
        self.emit("  %xg = arith.mulf %xn, %g : f32")
        self.emit("  %r = arith.addf %xg, %b : f32")
        self.emit("  linalg.yield %r : f32")
        self.emit(f"}} -> {shape}")
        return v

    def attention(self, q, k, v):
        s, h, nh = self.seq, self.hidden, self.heads
        d = h // nh

        def heads(x, perm):
            xe = self.fresh("split")
            self.emit(f"{xe} = tensor.expand_shape {x} [[0], [1, 2]] "
                      f"output_shape [{s}, {nh}, {d}] : {tensor(s, h)} into "
                      f"{tensor(s, nh, d)}")
            return self.transpose(xe, [s, nh, d], perm)

        qh = heads(q, [1, 0, 2])  # [nh, s, d]
        kh = heads(k, [1, 2, 0])  # [nh, d, s]
        vh = heads(v, [1, 0, 2])  # [nh, s, d]
        acc = self.zeros(nh, s, s)
        scores = self.fresh("scores")
        self.emit(f"{scores} = linalg.batch_matmul ins({qh}, {kh} : "
                  f"{tensor(nh, s, d)}, {tensor(nh, d, s)}) outs({acc} : "
                  f"{tensor(nh, s, s)}) -> {tensor(nh, s, s)}")
        e = self.empty(nh, s, s)
        scaled = self.fresh("scaled")
        self.emit(f"{scaled} = linalg.generic {{indexing_maps = [#id3, #id3], "
                  f"iterator_types = [\"parallel\", \"parallel\", "
                  f"\"parallel\"]}} ins({scores} : {tensor(nh, s, s)}) "
                  f"outs({e} : {tensor(nh, s, s)}) {{")
        self.emit("^bb0(%in: f32, %out: f32):")
        self.emit("  %r = arith.mulf %in, %scale : f32")
        self.emit("  linalg.yield %r : f32")
        self.emit(f"}} -> {tensor(nh, s, s)}")
        e2 = self.empty(nh, s, s)
        probs = self.fresh("probs")
        self.emit(f"{probs} = linalg.softmax dimension(2) ins({scaled} : "
                  f"{tensor(nh, s, s)}) outs({e2} : {tensor(nh, s, s)}) -> "
                  f"{tensor(nh, s, s)}")
        acc2 = self.zeros(nh, s, d)
        ctx = self.fresh("ctx")
        self.emit(f"{ctx} = linalg.batch_matmul ins({probs}, {vh} : "
                  f"{tensor(nh, s, s)}, {tensor(nh, s, d)}) outs({acc2} : "
                  f"{tensor(nh, s, d)}) -> {tensor(nh, s, d)}")
        ct = self.transpose(ctx, [nh, s, d], [1, 0, 2])
        merged = self.fresh("merged")
        self.emit(f"{merged} = tensor.collapse_shape {ct} [[0], [1, 2]] : "
                  f"{tensor(s, nh, d)} into {tensor(s, h)}")
        return merged


def build(args):
    s, h = args.seq, args.hidden
    b = Builder(s, h, args.heads)
    # Token embedding: gather rows of the table by id (aten.embedding).
    table = b.param("bert.embeddings.word_embeddings.weight", args.vocab, h)
    e = b.empty(s, h)
    emb = b.fresh("emb")
    b.emit(f"{emb} = linalg.generic {{indexing_maps = [#col, #id2], "
           f"iterator_types = [\"parallel\", \"parallel\"]}} ins(%ids : "
           f"{tensor(s, dtype='i64')}) outs({e} : {tensor(s, h)}) {{")
    b.emit("^bb0(%id: i64, %out: f32):")
    b.emit("  %row = arith.index_cast %id : i64 to index")
    b.emit("  %colidx = linalg.index 1 : index")
    b.emit(f"  %x = tensor.extract {table}[%row, %colidx] : "
           f"{tensor(args.vocab, h)}")
    b.emit("  linalg.yield %x : f32")
    b.emit(f"}} -> {tensor(s, h)}")
    # Position embedding: the first `seq` rows; token type 0: row 0.
    pos = b.param("bert.embeddings.position_embeddings.weight",
                  args.max_pos, h)
    pos_s = b.fresh("pos")
    b.emit(f"{pos_s} = tensor.extract_slice {pos}[0, 0] [{s}, {h}] [1, 1] : "
           f"{tensor(args.max_pos, h)} to {tensor(s, h)}")
    tt = b.param("bert.embeddings.token_type_embeddings.weight", 2, h)
    tt0 = b.fresh("tt")
    b.emit(f"{tt0} = tensor.extract_slice {tt}[0, 0] [1, {h}] [1, 1] : "
           f"{tensor(2, h)} to {tensor(h)}")
    x = b.binary("arith.addf", emb, pos_s, h)
    x = b.binary("arith.addf", x, tt0, h, broadcast=True)
    x = b.layer_norm(x, "bert.embeddings.LayerNorm")

    for i in range(args.layers):
        p = f"bert.encoder.layer.{i}"
        q = b.linear(x, p + ".attention.self.query", h, h)
        k = b.linear(x, p + ".attention.self.key", h, h)
        v = b.linear(x, p + ".attention.self.value", h, h)
        ctx = b.attention(q, k, v)
        o = b.linear(ctx, p + ".attention.output.dense", h, h)
        x = b.layer_norm(b.binary("arith.addf", o, x, h),
                         p + ".attention.output.LayerNorm")
        f = b.linear(x, p + ".intermediate.dense", h, args.ffn)
        f = b.gelu(f, args.ffn)
        f = b.linear(f, p + ".output.dense", args.ffn, h)
        x = b.layer_norm(b.binary("arith.addf", f, x, h),
                         p + ".output.LayerNorm")

    # Pooler (BertForPreTraining): dense + tanh on the first token.
    first = b.fresh("first")
    b.emit(f"{first} = tensor.extract_slice {x}[0, 0] [1, {h}] [1, 1] : "
           f"{tensor(s, h)} to {tensor(1, h)}")
    pooled = b.unary("math.tanh",
                     b.linear(first, "bert.pooler.dense", h, h, rows=1), h)

    # MLM head: transform (dense + GELU + LayerNorm), then the decoder tied
    # to the token embedding: [vocab, hidden] -> transpose -> matmul, plus
    # its own bias.
    x = b.linear(x, "cls.predictions.transform.dense", h, h)
    x = b.layer_norm(b.gelu(x, h), "cls.predictions.transform.LayerNorm")
    t = b.transpose(table, [args.vocab, h], [1, 0])
    acc = b.zeros(s, args.vocab)
    logits = b.fresh("logits")
    b.emit(f"{logits} = linalg.matmul ins({x}, {t} : {tensor(s, h)}, "
           f"{tensor(h, args.vocab)}) outs({acc} : {tensor(s, args.vocab)}) "
           f"-> {tensor(s, args.vocab)}")
    logits = b.binary("arith.addf", logits,
                      b.param("cls.predictions.bias", args.vocab),
                      args.vocab, broadcast=True)
    b.emit(f"return {logits}, {pooled} : {tensor(s, args.vocab)}, "
           f"{tensor(1, h)}")
    return b


def write(args, b, out):
    s, h = args.seq, args.hidden
    out.write("#id2 = affine_map<(d0, d1) -> (d0, d1)>\n")
    out.write("#row = affine_map<(d0, d1) -> (d1)>\n")
    out.write("#col = affine_map<(d0, d1) -> (d0)>\n")
    out.write("#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>\n")
    out.write("module {\n")
    out.write(f"  func.func @forward(%ids: {tensor(s, dtype='i64')}) -> "
              f"({tensor(s, args.vocab)}, {tensor(1, h)}) {{\n")
    consts = {
        "zero": "0.000000e+00", "one": "1.000000e+00", "half": "5.000000e-01",
        "rsqrt2": "0.707106769", "eps": "9.99999996E-13",
        "inv_hidden": repr(float(np.float32(1.0 / h))),
        "scale": repr(float(np.float32(1.0 / np.sqrt(h // args.heads)))),
    }
    for name, value in consts.items():
        out.write(f"    %{name} = arith.constant {value} : f32\n")
    out.write("\n".join(b.lines))
    out.write("\n  }\n}\n\n{-#\n  dialect_resources: {\n    builtin: {\n")
    rng = np.random.default_rng(args.seed)
    chunk = 1 << 22  # elements per hex chunk (16 MiB of f32)
    total = 0
    for idx, (name, shape) in enumerate(b.params):
        n = int(np.prod(shape))
        total += n
        # The blob starts with its alignment as a little-endian u32.
        out.write(f"      {name}: \"0x04000000")
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            if name.endswith("LayerNorm.weight"):
                values = np.ones(m, dtype=np.float32)
            else:
                values = rng.standard_normal(m, dtype=np.float32)
                values *= np.float32(0.02)
            out.write(values.astype("<f4").tobytes().hex().upper())
        out.write("\"" + ("," if idx + 1 < len(b.params) else "") + "\n")
    out.write("    }\n  }\n#-}\n")
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("-o", "--output",
                    default=os.path.join(here, "out", "bert.mlir"))
    ap.add_argument("--layers", type=int, default=12)
    ap.add_argument("--hidden", type=int, default=768)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--ffn", type=int, default=3072)
    ap.add_argument("--vocab", type=int, default=30522)
    ap.add_argument("--max-pos", type=int, default=512)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    b = build(args)
    tmp = args.output + ".tmp"
    with open(tmp, "w", buffering=1 << 24) as out:
        total = write(args, b, out)
    os.replace(tmp, args.output)
    print(f"wrote {args.output}: {len(b.params)} parameters, {total} "
          f"elements ({total * 4 / 2**20:.1f} MiB f32)", file=sys.stderr)


if __name__ == "__main__":
    main()
