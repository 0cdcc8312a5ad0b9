#!/usr/bin/python3
"""Generates the bundled example models (mlp.mlir, cnn.mlir, transformer.mlir).

Each model is written the way torch-mlir's linalg-on-tensors backend emits
a PyTorch module: one `func.func @forward` with static shapes, weights as
`arith.constant dense_resource<torch_tensor_<shape>_torch.float32>` blobs in
the file's `dialect_resources` section, Linear layers as
`linalg.transpose` + `linalg.matmul` on a `linalg.fill`-zeroed init plus a
broadcasting bias `linalg.generic`, convolutions as `tensor.pad` +
`linalg.conv_2d_nchw_fchw`, and everything elementwise (BatchNorm,
LayerNorm, softmax, GELU, ReLU) as `linalg.generic`.

Run with Debian's Python (numpy only; the seed is fixed, so the output is
reproducible):

    /usr/bin/python3 examples/gen_examples.py [output-dir]

The numpy reference forwards in test/lib/prunetest.py follow the same
architectures; keep the two in step.
"""

import os
import sys

import numpy as np

SEED = 20240601


def fmt_float(v):
    """A decimal literal that round-trips to the same f32."""
    return "%.9e" % float(np.float32(v))


def ty(shape, elt="f32"):
    return "tensor<" + "x".join(str(d) for d in shape) + "x" + elt + ">"


def hex_blob(array):
    """dense_resource hex: 4-byte little-endian alignment, then raw data."""
    data = np.ascontiguousarray(array, dtype="<f4").tobytes()
    return "0x04000000" + data.hex().upper()


class Module:
    """Builds the text of one importer-style module."""

    def __init__(self):
        self.maps = {}  # affine map text -> alias
        self.resources = {}  # key -> array (insertion ordered)
        self.key_counts = {}
        self.consts = []  # constant lines, hoisted to the top of @forward
        self.body = []
        self.ids = 0
        self.named = {}
        self.scalars = {}  # literal -> value name
        self.pad_args = 0

    # -- names --------------------------------------------------------------
    def tmp(self):
        name = "%%%d" % self.ids
        self.ids += 1
        return name

    def named_value(self, base):
        n = self.named.get(base, -1)
        self.named[base] = n + 1
        return "%" + base if n < 0 else "%%%s_%d" % (base, n)

    def map_alias(self, text):
        if text not in self.maps:
            k = len(self.maps)
            self.maps[text] = "#map" if k == 0 else "#map%d" % k
        return self.maps[text]

    # -- constants ----------------------------------------------------------
    def resource(self, array):
        """A dense_resource weight named the way torch-mlir names them."""
        array = np.asarray(array, dtype=np.float32)
        base = "torch_tensor_" + "_".join(str(d) for d in array.shape) + "_torch.float32"
        count = self.key_counts.get(base, 0)
        self.key_counts[base] = count + 1
        key = base if count == 0 else "%s_%d" % (base, count)
        self.resources[key] = array
        name = self.named_value("cst")
        self.consts.append("    %s = arith.constant dense_resource<%s> : %s"
                           % (name, key, ty(array.shape)))
        return name, key

    def scalar(self, value):
        text = fmt_float(value)
        if text in self.scalars:
            return self.scalars[text]
        name = self.named_value("cst")
        self.scalars[text] = name
        self.consts.append("    %s = arith.constant %s : f32" % (name, text))
        return name

    def emit(self, line):
        self.body.append("    " + line)

    # -- ops ----------------------------------------------------------------
    def empty(self, shape):
        v = self.tmp()
        self.emit("%s = tensor.empty() : %s" % (v, ty(shape)))
        return v

    def fill(self, scalar, init, shape):
        v = self.tmp()
        self.emit("%s = linalg.fill ins(%s : f32) outs(%s : %s) -> %s"
                  % (v, scalar, init, ty(shape), ty(shape)))
        return v

    def transpose(self, x, shape, perm):
        out_shape = [shape[p] for p in perm]
        init = self.empty(out_shape)
        v = self.named_value("transposed")
        self.emit("%s = linalg.transpose ins(%s : %s) outs(%s : %s) permutation = [%s]"
                  % (v, x, ty(shape), init, ty(out_shape),
                     ", ".join(str(p) for p in perm)))
        return v, out_shape

    def generic(self, ins, out_shape, out_map, iterators, body, init=None,
                rank=None):
        """ins: [(value, shape, map-results)]; body(args) -> (lines, result).

        Maps are written as the result list over d0..d{rank-1}."""
        rank = rank if rank is not None else len(out_shape)
        dims = ", ".join("d%d" % i for i in range(rank))

        def amap(results):
            return self.map_alias("affine_map<(%s) -> (%s)>" % (dims, results))

        if init is None:
            init = self.empty(out_shape)
        maps = [amap(m) for (_, _, m) in ins] + [amap(out_map)]
        args = []
        for i in range(len(ins)):
            args.append(self.named_value("in"))
        out_arg = self.named_value("out")
        v = self.tmp()
        lines, result = body(args, out_arg)
        its = ", ".join('"%s"' % it for it in iterators)
        head = "%s = linalg.generic {indexing_maps = [%s], iterator_types = [%s]}" % (
            v, ", ".join(maps), its)
        if ins:
            head += " ins(%s : %s)" % (", ".join(x for (x, _, _) in ins),
                                       ", ".join(ty(s) for (_, s, _) in ins))
        head += " outs(%s : %s) {" % (init, ty(out_shape))
        self.emit(head)
        self.body.append("    ^bb0(%s):" % ", ".join(
            "%s: f32" % a for a in args + [out_arg]))
        for line in lines:
            self.body.append("      " + line)
        self.body.append("      linalg.yield %s : f32" % result)
        self.emit("} -> %s" % ty(out_shape))
        return v

    def elementwise(self, a, b, shape, op, b_map=None, b_shape=None):
        """a (op) b with a and the result in `shape`; b of `b_shape` is
        broadcast by `b_map` (default: same shape, identity)."""
        ident = ", ".join("d%d" % i for i in range(len(shape)))

        def body(args, out):
            r = self.tmp()
            return ["%s = %s %s, %s : f32" % (r, op, args[0], args[1])], r

        return self.generic([(a, shape, ident), (b, b_shape or shape, b_map or ident)],
                            shape, ident, ["parallel"] * len(shape), body)

    def unary(self, x, shape, fn):
        ident = ", ".join("d%d" % i for i in range(len(shape)))

        def body(args, out):
            return fn(args[0])

        return self.generic([(x, shape, ident)], shape, ident,
                            ["parallel"] * len(shape), body)

    def with_scalar(self, x, shape, op, scalar, scalar_first=False):
        def fn(a):
            r = self.tmp()
            lhs, rhs = (scalar, a) if scalar_first else (a, scalar)
            return ["%s = %s %s, %s : f32" % (r, op, lhs, rhs)], r

        return self.unary(x, shape, fn)

    def relu(self, x, shape):
        zero = self.zero

        def fn(a):
            r = self.tmp()
            return ["%s = arith.maximumf %s, %s : f32" % (r, a, zero)], r

        return self.unary(x, shape, fn)

    def linear(self, x, in_shape, weight, bias):
        """PyTorch Linear: x @ weight^T + bias, weight [out, in]."""
        w, _ = self.resource(weight)
        b, _ = self.resource(bias)
        out_f, in_f = weight.shape
        wt, wt_shape = self.transpose(w, [out_f, in_f], [1, 0])
        out_shape = [in_shape[0], out_f]
        init = self.empty(out_shape)
        filled = self.fill(self.zero, init, out_shape)
        mm = self.tmp()
        self.emit("%s = linalg.matmul ins(%s, %s : %s, %s) outs(%s : %s) -> %s"
                  % (mm, x, wt, ty(in_shape), ty(wt_shape), filled,
                     ty(out_shape), ty(out_shape)))
        return self.elementwise(mm, b, out_shape, "arith.addf", b_map="d1", b_shape=[out_f]), out_shape

    def conv(self, x, in_shape, weight, pad):
        """Conv2d (stride 1, no bias) on NCHW input, weight FxCxKHxKW."""
        w, _ = self.resource(weight)
        n, c, h, wd = in_shape
        f, _, kh, kw = weight.shape
        padded_shape = [n, c, h + 2 * pad, wd + 2 * pad]
        p = self.named_value("padded")
        self.emit("%s = tensor.pad %s low[0, 0, %d, %d] high[0, 0, %d, %d] {"
                  % (p, x, pad, pad, pad, pad))
        idx = ["%%arg%d" % (self.pad_args + i + 1) for i in range(4)]
        self.pad_args += 4
        self.body.append("    ^bb0(%s):" % ", ".join(a + ": index" for a in idx))
        self.body.append("      tensor.yield %s : f32" % self.zero)
        self.emit("} : %s to %s" % (ty(in_shape), ty(padded_shape)))
        out_shape = [n, f, padded_shape[2] - kh + 1, padded_shape[3] - kw + 1]
        init = self.empty(out_shape)
        filled = self.fill(self.zero, init, out_shape)
        v = self.tmp()
        self.emit("%s = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, "
                  "strides = dense<1> : vector<2xi64>} ins(%s, %s : %s, %s) outs(%s : %s) -> %s"
                  % (v, p, w, ty(padded_shape), ty(weight.shape), filled,
                     ty(out_shape), ty(out_shape)))
        return v, out_shape

    def batchnorm(self, x, shape, gamma, beta, mean, var, eps=1e-5):
        """Eval-mode BatchNorm2d: (x - mean) * rsqrt(var + eps) * gamma + beta."""
        invstd = (1.0 / np.sqrt(var.astype(np.float64) + eps)).astype(np.float32)
        m, _ = self.resource(mean)
        s, _ = self.resource(invstd)
        g, _ = self.resource(gamma)
        b, _ = self.resource(beta)
        y = self.elementwise(x, m, shape, "arith.subf", b_map="d1", b_shape=[shape[1]])
        y = self.elementwise(y, s, shape, "arith.mulf", b_map="d1", b_shape=[shape[1]])
        y = self.elementwise(y, g, shape, "arith.mulf", b_map="d1", b_shape=[shape[1]])
        return self.elementwise(y, b, shape, "arith.addf", b_map="d1", b_shape=[shape[1]])

    def row_reduce(self, x, shape, op, init_value):
        """Reduces the last dim of x (rank 2 or 3), keepdim-style result."""
        rank = len(shape)
        out_shape = shape[:-1] + [1]
        dims = ["d%d" % i for i in range(rank)]
        out_map = ", ".join(dims[:-1] + ["0"])
        init = self.empty(out_shape)
        filled = self.fill(init_value, init, out_shape)

        def body(args, out):
            r = self.tmp()
            return ["%s = %s %s, %s : f32" % (r, op, args[0], out)], r

        its = ["parallel"] * (rank - 1) + ["reduction"]
        return self.generic([(x, shape, ", ".join(dims))], out_shape, out_map, its,
                            body, init=filled), out_shape

    def with_row(self, x, shape, row, op):
        """x (op) row, where row has the last dim 1 (keepdim)."""
        dims = ["d%d" % i for i in range(len(shape))]
        return self.elementwise(x, row, shape, op,
                                b_map=", ".join(dims[:-1] + ["0"]),
                                b_shape=shape[:-1] + [1])

    def layernorm(self, x, shape, gamma, beta, eps=1e-5):
        """LayerNorm over the last dim, decomposed the way torch-mlir does."""
        d = shape[-1]
        g, _ = self.resource(gamma)
        b, _ = self.resource(beta)
        total, red_shape = self.row_reduce(x, shape, "arith.addf", self.zero)
        inv_d = self.scalar(1.0 / d)
        mean = self.with_scalar(total, red_shape, "arith.mulf", inv_d)
        centered = self.with_row(x, shape, mean, "arith.subf")

        def square(a):
            r = self.tmp()
            return ["%s = arith.mulf %s, %s : f32" % (r, a, a)], r

        sq = self.unary(centered, shape, square)
        sqsum, _ = self.row_reduce(sq, shape, "arith.addf", self.zero)
        var = self.with_scalar(sqsum, red_shape, "arith.mulf", inv_d)
        eps_c = self.scalar(eps)

        def rstd(a):
            r1, r2 = self.tmp(), self.tmp()
            return ["%s = arith.addf %s, %s : f32" % (r1, a, eps_c),
                    "%s = math.rsqrt %s : f32" % (r2, r1)], r2

        inv = self.unary(var, red_shape, rstd)
        y = self.with_row(centered, shape, inv, "arith.mulf")
        y = self.elementwise(y, g, shape, "arith.mulf", b_map="d1", b_shape=[shape[1]])
        return self.elementwise(y, b, shape, "arith.addf", b_map="d1", b_shape=[shape[1]])

    def softmax(self, x, shape):
        """Softmax over the last dim: max, sub, exp, sum, div."""
        lowest = self.scalar(-3.40282347e38)
        mx, _ = self.row_reduce(x, shape, "arith.maximumf", lowest)
        shifted = self.with_row(x, shape, mx, "arith.subf")

        def exp(a):
            r = self.tmp()
            return ["%s = math.exp %s : f32" % (r, a)], r

        e = self.unary(shifted, shape, exp)
        s, _ = self.row_reduce(e, shape, "arith.addf", self.zero)
        return self.with_row(e, shape, s, "arith.divf")

    def gelu_tanh(self, x, shape):
        """GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
        half = self.scalar(0.5)
        one = self.scalar(1.0)
        c0 = self.scalar(np.sqrt(2.0 / np.pi))
        c1 = self.scalar(0.044715)

        def fn(a):
            t = [self.tmp() for _ in range(9)]
            return ["%s = arith.mulf %s, %s : f32" % (t[0], a, a),
                    "%s = arith.mulf %s, %s : f32" % (t[1], t[0], a),
                    "%s = arith.mulf %s, %s : f32" % (t[2], t[1], c1),
                    "%s = arith.addf %s, %s : f32" % (t[3], a, t[2]),
                    "%s = arith.mulf %s, %s : f32" % (t[4], t[3], c0),
                    "%s = math.tanh %s : f32" % (t[5], t[4]),
                    "%s = arith.addf %s, %s : f32" % (t[6], t[5], one),
                    "%s = arith.mulf %s, %s : f32" % (t[7], a, half),
                    "%s = arith.mulf %s, %s : f32" % (t[8], t[7], t[6]),
                    ], t[8]

        return self.unary(x, shape, fn)

    # -- output -------------------------------------------------------------
    def text(self, arg_shape, result, result_shape, header):
        out = []
        out.append(header)
        for text, alias in self.maps.items():
            out.append("%s = %s" % (alias, text))
        out.append("module {")
        out.append("  func.func @forward(%%arg0: %s) -> %s {"
                   % (ty(arg_shape), ty(result_shape)))
        out.extend(self.consts)
        out.extend(self.body)
        out.append("    return %s : %s" % (result, ty(result_shape)))
        out.append("  }")
        out.append("}")
        out.append("")
        out.append("{-#")
        out.append("  dialect_resources: {")
        out.append("    builtin: {")
        items = list(self.resources.items())
        for i, (key, array) in enumerate(items):
            sep = "," if i + 1 < len(items) else ""
            out.append('      %s: "%s"%s' % (key, hex_blob(array), sep))
        out.append("    }")
        out.append("  }")
        out.append("#-}")
        return "\n".join(out) + "\n"


def new_module():
    m = Module()
    m.zero = m.scalar(0.0)
    return m


def uniform(rng, bound, shape):
    return rng.uniform(-bound, bound, size=shape).astype(np.float32)


def linear_params(rng, out_f, in_f):
    bound = 1.0 / np.sqrt(in_f)
    return uniform(rng, bound, (out_f, in_f)), uniform(rng, bound, (out_f,))


def conv_params(rng, f, c, k):
    bound = 1.0 / np.sqrt(c * k * k)
    return uniform(rng, bound, (f, c, k, k))


def bn_params(rng, c):
    gamma = rng.uniform(0.5, 1.5, c).astype(np.float32)
    beta = rng.uniform(-0.2, 0.2, c).astype(np.float32)
    mean = rng.normal(0.0, 0.1, c).astype(np.float32)
    var = rng.uniform(0.5, 1.5, c).astype(np.float32)
    return gamma, beta, mean, var


HEADER = ("// Generated by examples/gen_examples.py (seed %d); do not edit.\n"
          "// %s, as torch-mlir's linalg-on-tensors backend emits it.")


def gen_mlp(rng, batch=4, sizes=(64, 256, 256, 10)):
    m = new_module()
    x, shape = "%arg0", [batch, sizes[0]]
    for i in range(len(sizes) - 1):
        w, b = linear_params(rng, sizes[i + 1], sizes[i])
        x, shape = m.linear(x, shape, w, b)
        if i + 2 < len(sizes):
            x = m.relu(x, shape)
    return m.text([batch, sizes[0]], x, shape,
                  HEADER % (SEED, "MLP %s with ReLU" % "->".join(map(str, sizes))))


def gen_cnn(rng, in_shape=(1, 3, 16, 16), width=16, classes=10, blocks=2):
    m = new_module()
    x, shape = "%arg0", list(in_shape)

    def conv_bn(x, shape, cin):
        x, shape = m.conv(x, shape, conv_params(rng, width, cin, 3), pad=1)
        return m.batchnorm(x, shape, *bn_params(rng, width)), shape

    # Stem: conv -> BN -> ReLU.
    x, shape = conv_bn(x, shape, in_shape[1])
    x = m.relu(x, shape)
    # Residual blocks: relu(x + bn(conv(relu(bn(conv(x)))))).
    for _ in range(blocks):
        skip = x
        y, _ = conv_bn(x, shape, width)
        y = m.relu(y, shape)
        y, _ = conv_bn(y, shape, width)
        y = m.elementwise(y, skip, shape, "arith.addf")
        x = m.relu(y, shape)
    # Global average pool (avg_pool2d with a full window) and flatten.
    n, c, h, w = shape
    window = m.empty([h, w])
    pooled_shape = [n, c, 1, 1]
    init = m.empty(pooled_shape)
    filled = m.fill(m.zero, init, pooled_shape)
    pooled = m.tmp()
    m.emit("%s = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, "
           "strides = dense<1> : vector<2xi64>} ins(%s, %s : %s, %s) outs(%s : %s) -> %s"
           % (pooled, x, window, ty(shape), ty([h, w]), filled, ty(pooled_shape),
              ty(pooled_shape)))
    area = m.scalar(float(h * w))
    avg = m.with_scalar(pooled, pooled_shape, "arith.divf", area)
    flat = m.named_value("collapsed")
    m.emit("%s = tensor.collapse_shape %s [[0], [1, 2, 3]] : %s into %s"
           % (flat, avg, ty(pooled_shape), ty([n, c])))
    wfc, bfc = linear_params(rng, classes, c)
    x, shape = m.linear(flat, [n, c], wfc, bfc)
    return m.text(list(in_shape), x, shape,
                  HEADER % (SEED, "Small ResNet-style CNN (NCHW, BatchNorm, "
                            "%d residual blocks, global average pool)" % blocks))


def gen_transformer(rng, seq=8, d_model=32, heads=4, ffn=64):
    m = new_module()
    hd = d_model // heads
    x, shape = "%arg0", [seq, d_model]

    def split_heads(v, perm):
        e = m.named_value("expanded")
        m.emit("%s = tensor.expand_shape %s [[0], [1, 2]] output_shape [%d, %d, %d] : %s into %s"
               % (e, v, seq, heads, hd, ty([seq, d_model]), ty([seq, heads, hd])))
        return m.transpose(e, [seq, heads, hd], perm)

    q, _ = m.linear(x, shape, *linear_params(rng, d_model, d_model))
    k, _ = m.linear(x, shape, *linear_params(rng, d_model, d_model))
    v, _ = m.linear(x, shape, *linear_params(rng, d_model, d_model))
    qh, qh_shape = split_heads(q, [1, 0, 2])      # [H, S, D]
    kt, kt_shape = split_heads(k, [1, 2, 0])      # [H, D, S]
    vh, vh_shape = split_heads(v, [1, 0, 2])      # [H, S, D]

    def bmm(a, a_shape, b, b_shape):
        out_shape = [a_shape[0], a_shape[1], b_shape[2]]
        init = m.empty(out_shape)
        filled = m.fill(m.zero, init, out_shape)
        r = m.tmp()
        m.emit("%s = linalg.batch_matmul ins(%s, %s : %s, %s) outs(%s : %s) -> %s"
               % (r, a, b, ty(a_shape), ty(b_shape), filled, ty(out_shape),
                  ty(out_shape)))
        return r, out_shape

    scores, s_shape = bmm(qh, qh_shape, kt, kt_shape)
    scale = m.scalar(1.0 / np.sqrt(hd))
    scores = m.with_scalar(scores, s_shape, "arith.mulf", scale)
    attn = m.softmax(scores, s_shape)
    ctx, c_shape = bmm(attn, s_shape, vh, vh_shape)  # [H, S, D]
    ctx, _ = m.transpose(ctx, c_shape, [1, 0, 2])    # [S, H, D]
    merged = m.named_value("collapsed")
    m.emit("%s = tensor.collapse_shape %s [[0], [1, 2]] : %s into %s"
           % (merged, ctx, ty([seq, heads, hd]), ty([seq, d_model])))
    o, _ = m.linear(merged, shape, *linear_params(rng, d_model, d_model))
    h = m.elementwise(x, o, shape, "arith.addf")
    g1, b1 = bn_params(rng, d_model)[:2]
    h = m.layernorm(h, shape, g1, b1)
    f, f_shape = m.linear(h, shape, *linear_params(rng, ffn, d_model))
    f = m.gelu_tanh(f, f_shape)
    f, _ = m.linear(f, f_shape, *linear_params(rng, d_model, ffn))
    h2 = m.elementwise(h, f, shape, "arith.addf")
    g2, b2 = bn_params(rng, d_model)[:2]
    y = m.layernorm(h2, shape, g2, b2)
    return m.text([seq, d_model], y, shape,
                  HEADER % (SEED, "One transformer encoder layer (seq %d, d_model %d, "
                            "%d heads, FFN %d, GELU-tanh, post-LayerNorm)"
                            % (seq, d_model, heads, ffn)))


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    gens = [("mlp.mlir", gen_mlp), ("cnn.mlir", gen_cnn),
            ("transformer.mlir", gen_transformer)]
    for i, (name, gen) in enumerate(gens):
        rng = np.random.default_rng(SEED + i)
        text = gen(rng)
        with open(os.path.join(out_dir, name), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
