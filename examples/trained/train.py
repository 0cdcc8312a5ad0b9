#!/usr/bin/python3
"""Trains the three bundled real-task models and exports them as MLIR.

    /usr/bin/python3 examples/trained/train.py [--only mlp,cnn,transformer] [--out DIR]

Needs Debian's python3-torch and python3-numpy (CPU, two threads); one to
four CPU minutes per model (meta.json's train_seconds is wall time on a
busy machine). Every seed is fixed, so a rerun on the same torch build
should write the same files; the committed files are what the tests and
bench/accuracy.py use, so nothing retrains in CI.

Models (the tasks are rendered or read from files Debian ships, no
download):

* ``mlp``: digits 0-9 from a 5x7 bitmap font, rendered at 12x12 with random
  scale, shear, rotation, shift, stroke blur and noise; MLP
  144 -> 256 -> 128 -> 10 with ReLU.
* ``cnn``: eight kinds of shape (disk, ring, square, square outline,
  triangle, plus, cross, bar) rendered at 1x16x16 with random position,
  size, rotation, contrast, background gradient and noise; a ResNet-style
  CNN: conv-BN-ReLU stem, two residual blocks (conv-BN-ReLU-conv-BN + skip,
  ReLU), global average pool, Linear. Width 24, 3x3 convs, no conv bias.
* ``transformer``: a character-level language model on the licence texts
  in /usr/share/common-licenses (base-files): token and position
  embeddings, two post-LayerNorm encoder layers with causal attention
  (4 heads of 16, d_model 64, FFN 256, GELU-tanh), a Linear head over the
  vocabulary. Accuracy is next-character accuracy on held-out text.

Each is written the way torch-mlir's linalg-on-tensors backend emits it,
with examples/gen_examples.py's emitters: weights as `dense_resource`
blobs, Linear as `linalg.transpose` + `linalg.matmul` + bias, conv as
`tensor.pad` + `linalg.conv_2d_nchw_fchw`, eval-mode BatchNorm, LayerNorm,
softmax and GELU as `linalg.generic`; heads split with
`tensor.expand_shape [[0, 1], [2, 3]]` into [B, S, H, D], transposed to
[B, H, S, D], and attention as 4-D `linalg.generic` contractions. The
embedding lookup is a `linalg.generic` that `tensor.extract`s rows of the
table by the i64 token ids, as torch-mlir lowers `aten.embedding`.

Files written per model NAME (the function batch is fixed; the .npy
files stack whole batches along dim 0):

* NAME.mlir            the model, `func.func @forward`
* NAME_calib.npy       calibration inputs (training data, not test data)
* NAME_test_x.npy      test inputs
* NAME_test_y.npy      test labels (int64; [N] or, for the LM, [N*S])
* NAME_ref_logits.npy  torch's logits on the first test batch
* NAME_fisher.npz      the empirical Fisher diagonal of every Linear / conv
                       weight over the calibration samples, keyed by
                       dense_resource name, for
                       prune-gradient-importance{metric=fisher}
* meta.json            shapes, batch, torch's test accuracy, parameters

`--fisher-only` rewrites just NAME_fisher.npz from the committed NAME.mlir
(its weights loaded back into the torch model, checked against
NAME_ref_logits.npy).
"""

import argparse
import copy
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.dont_write_bytecode = True
import gen_examples as ge  # noqa: E402  (the shared importer-style emitters)

SEED = 20261124
torch.set_num_threads(2)

# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------

FONT = {  # 5x7 bitmap digits, one string per row
    0: ["01110", "10001", "10011", "10101", "11001", "10001", "01110"],
    1: ["00100", "01100", "00100", "00100", "00100", "00100", "01110"],
    2: ["01110", "10001", "00001", "00010", "00100", "01000", "11111"],
    3: ["11111", "00010", "00100", "00010", "00001", "10001", "01110"],
    4: ["00010", "00110", "01010", "10010", "11111", "00010", "00010"],
    5: ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
    6: ["00110", "01000", "10000", "11110", "10001", "10001", "01110"],
    7: ["11111", "00001", "00010", "00100", "01000", "01000", "01000"],
    8: ["01110", "10001", "10001", "01110", "10001", "10001", "01110"],
    9: ["01110", "10001", "10001", "01111", "00001", "00010", "01100"],
}


def bilinear(img, ys, xs):
    """Samples img (H, W) at float coords, zero outside."""
    h, w = img.shape
    pad = np.zeros((h + 2, w + 2), np.float64)
    pad[1:-1, 1:-1] = img
    ys, xs = ys + 1, xs + 1
    y0 = np.clip(np.floor(ys).astype(int), 0, h)
    x0 = np.clip(np.floor(xs).astype(int), 0, w)
    fy = np.clip(ys - y0, 0, 1)
    fx = np.clip(xs - x0, 0, 1)
    inside = (ys >= 0) & (ys <= h + 1) & (xs >= 0) & (xs <= w + 1)
    v = (pad[y0, x0] * (1 - fy) * (1 - fx) + pad[y0 + 1, x0] * fy * (1 - fx) +
         pad[y0, x0 + 1] * (1 - fy) * fx + pad[y0 + 1, x0 + 1] * fy * fx)
    return np.where(inside, v, 0.0)


def render_digits(n, rng, size=12):
    glyphs = {d: np.array([[float(c) for c in row] for row in rows]) for d, rows in FONT.items()}
    labels = rng.integers(0, 10, n)
    out = np.zeros((n, size * size), np.float32)
    gy, gx = np.mgrid[0:size, 0:size].astype(np.float64)
    for i, lab in enumerate(labels):
        g = glyphs[int(lab)]
        scale = rng.uniform(1.25, 1.7)
        ang = rng.uniform(-0.3, 0.3)
        shear = rng.uniform(-0.3, 0.3)
        cy = size / 2 + rng.uniform(-1.2, 1.2)
        cx = size / 2 + rng.uniform(-1.2, 1.2)
        # Output pixel -> glyph coords (inverse map).
        dy, dx = gy - cy + 0.5, gx - cx + 0.5
        c, s = math.cos(ang), math.sin(ang)
        ry = (c * dy - s * dx) / scale
        rx = (s * dy + c * dx) / scale + shear * ry
        v = bilinear(g, ry + 3.5 - 0.5, rx + 2.5 - 0.5)
        v = v * rng.uniform(0.6, 1.0) + rng.normal(0, 0.22, v.shape)
        # Random dropout of a stroke pixel block (occlusion).
        if rng.random() < 0.3:
            oy, ox = rng.integers(0, size - 3, 2)
            v[oy:oy + 3, ox:ox + 3] = rng.normal(0, 0.22, (3, 3))
        out[i] = v.ravel().astype(np.float32)
    return out, labels.astype(np.int64)


SHAPES = ["disk", "ring", "square", "square outline", "triangle", "plus", "cross", "bar"]


def render_shapes(n, rng, size=16):
    labels = rng.integers(0, len(SHAPES), n)
    out = np.zeros((n, 1, size, size), np.float32)
    ss = 4  # supersampling
    g = (np.mgrid[0:size * ss, 0:size * ss].astype(np.float64) + 0.5) / ss
    for i, lab in enumerate(labels):
        r = rng.uniform(3.0, 6.0)
        cy, cx = rng.uniform(r + 0.5, size - r - 0.5, 2)
        ang = rng.uniform(-0.35, 0.35)
        c, s = math.cos(ang), math.sin(ang)
        y, x = g[0] - cy, g[1] - cx
        u, v = c * x + s * y, -s * x + c * y  # rotated coords
        t = max(0.9, r * 0.25)  # stroke width
        rad = np.sqrt(u * u + v * v)
        if lab == 0:
            m = rad <= r
        elif lab == 1:
            m = (rad <= r) & (rad >= r - t)
        elif lab == 2:
            m = (np.abs(u) <= r * 0.85) & (np.abs(v) <= r * 0.85)
        elif lab == 3:
            a = np.maximum(np.abs(u), np.abs(v))
            m = (a <= r * 0.85) & (a >= r * 0.85 - t)
        elif lab == 4:
            m = (v <= r * 0.7) & (v >= -r * 0.9 + 1.9 * np.abs(u))
        elif lab == 5:
            m = ((np.abs(u) <= t / 2) & (np.abs(v) <= r)) | ((np.abs(v) <= t / 2) & (np.abs(u) <= r))
        elif lab == 6:
            p, q = (u + v) / math.sqrt(2), (u - v) / math.sqrt(2)
            m = ((np.abs(p) <= t / 2) & (np.abs(q) <= r)) | ((np.abs(q) <= t / 2) & (np.abs(p) <= r))
        else:
            m = (np.abs(u) <= r) & (np.abs(v) <= t * 0.7)
        img = m.reshape(size, ss, size, ss).mean(axis=(1, 3))
        contrast = rng.uniform(0.5, 1.0) * rng.choice([-1.0, 1.0], p=[0.2, 0.8])
        gy, gx = rng.normal(0, 0.15, 2)
        lin = np.linspace(-1, 1, size)
        bg = gy * lin[:, None] + gx * lin[None, :]
        img = img * contrast + bg + rng.normal(0, 0.15, (size, size))
        out[i, 0] = img.astype(np.float32)
    return out, labels.astype(np.int64)


LICENSES = ["GPL-3", "GPL-2", "LGPL-2.1", "LGPL-3", "Apache-2.0", "MPL-2.0",
            "MPL-1.1", "GFDL-1.3", "GFDL-1.2", "Artistic", "CC0-1.0", "BSD"]
VOCAB = " abcdefghijklmnopqrstuvwxyz0123456789.,;:()'\"-/"


def license_text():
    """Lower-cased licence texts, other characters mapped to spaces and runs
    of whitespace collapsed; returned as token ids."""
    parts = []
    for name in LICENSES:
        path = os.path.join("/usr/share/common-licenses", name)
        with open(path, encoding="utf-8", errors="replace") as f:
            parts.append(f.read())
    text = " ".join(parts).lower()
    index = {ch: i for i, ch in enumerate(VOCAB)}
    ids, last_space = [], False
    for ch in text:
        i = index.get(ch, 0)
        if i == 0:
            if last_space:
                continue
            last_space = True
        else:
            last_space = False
        ids.append(i)
    return np.array(ids, dtype=np.int64)


# ---------------------------------------------------------------------------
# Models (torch), with exporters that mirror them op for op
# ---------------------------------------------------------------------------

class MLP(nn.Module):
    def __init__(self, sizes=(144, 256, 128, 10)):
        super().__init__()
        self.sizes = sizes
        self.fcs = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, x):
        for i, fc in enumerate(self.fcs):
            x = fc(x)
            if i + 1 < len(self.fcs):
                x = F.relu(x)
        return x


def export_mlp(model, batch):
    m = ge.new_module()
    x, shape = "%arg0", [batch, model.sizes[0]]
    for i, fc in enumerate(model.fcs):
        x, shape = m.linear(x, shape, t2n(fc.weight), t2n(fc.bias))
        if i + 1 < len(model.fcs):
            x = m.relu(x, shape)
    return m.text([batch, model.sizes[0]], x, shape, header(
        "MLP %s with ReLU, trained on rendered 12x12 digits"
        % "->".join(map(str, model.sizes))))


class CNN(nn.Module):
    def __init__(self, width=24, blocks=2, classes=8):
        super().__init__()
        self.stem = nn.Conv2d(1, width, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(width)
        self.blocks = nn.ModuleList()
        for _ in range(blocks):
            self.blocks.append(nn.ModuleList([
                nn.Conv2d(width, width, 3, padding=1, bias=False), nn.BatchNorm2d(width),
                nn.Conv2d(width, width, 3, padding=1, bias=False), nn.BatchNorm2d(width)]))
        self.fc = nn.Linear(width, classes)

    def forward(self, x):
        x = F.relu(self.bn(self.stem(x)))
        for c1, b1, c2, b2 in self.blocks:
            y = F.relu(b1(c1(x)))
            x = F.relu(b2(c2(y)) + x)
        return self.fc(x.mean(dim=(2, 3)))


def export_cnn(model, batch, in_shape=(1, 16, 16)):
    m = ge.new_module()
    x, shape = "%arg0", [batch] + list(in_shape)

    def conv_bn(x, shape, conv, bn):
        x, shape = m.conv(x, shape, t2n(conv.weight), pad=1)
        return m.batchnorm(x, shape, t2n(bn.weight), t2n(bn.bias), t2n(bn.running_mean),
                           t2n(bn.running_var), bn.eps), shape

    x, shape = conv_bn(x, shape, model.stem, model.bn)
    x = m.relu(x, shape)
    for c1, b1, c2, b2 in model.blocks:
        skip = x
        y, _ = conv_bn(x, shape, c1, b1)
        y = m.relu(y, shape)
        y, _ = conv_bn(y, shape, c2, b2)
        y = m.elementwise(y, skip, shape, "arith.addf")
        x = m.relu(y, shape)
    n, c, h, w = shape
    window = m.empty([h, w])
    pooled_shape = [n, c, 1, 1]
    init = m.empty(pooled_shape)
    filled = m.fill(m.zero, init, pooled_shape)
    pooled = m.tmp()
    m.emit("%s = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, "
           "strides = dense<1> : vector<2xi64>} ins(%s, %s : %s, %s) outs(%s : %s) -> %s"
           % (pooled, x, window, ge.ty(shape), ge.ty([h, w]), filled, ge.ty(pooled_shape),
              ge.ty(pooled_shape)))
    avg = m.with_scalar(pooled, pooled_shape, "arith.divf", m.scalar(float(h * w)))
    flat = m.named_value("collapsed")
    m.emit("%s = tensor.collapse_shape %s [[0], [1, 2, 3]] : %s into %s"
           % (flat, avg, ge.ty(pooled_shape), ge.ty([n, c])))
    x, shape = m.linear(flat, [n, c], t2n(model.fc.weight), t2n(model.fc.bias))
    return m.text([batch] + list(in_shape), x, shape, header(
        "ResNet-style CNN (1x16x16 NCHW, width %d, BatchNorm, %d residual blocks, "
        "global average pool), trained on rendered shapes" % (c, len(model.blocks))))


class Block(nn.Module):
    def __init__(self, d, heads, ffn, seq):
        super().__init__()
        self.heads = heads
        self.register_buffer("mask", causal_mask(seq))
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.ln1 = nn.LayerNorm(d)
        self.ff1, self.ff2 = nn.Linear(d, ffn), nn.Linear(ffn, d)
        self.ln2 = nn.LayerNorm(d)

    def forward(self, x):  # x: [B, S, D]
        b, s, d = x.shape
        hd = d // self.heads

        def split(t):
            return t.view(b, s, self.heads, hd).transpose(1, 2)  # [B, H, S, hd]

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        scores = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(hd)) + self.mask
        ctx = torch.softmax(scores, dim=-1) @ v
        ctx = ctx.transpose(1, 2).reshape(b, s, d)
        x = self.ln1(x + self.o(ctx))
        return self.ln2(x + self.ff2(F.gelu(self.ff1(x), approximate="tanh")))


NEG = -1.0e9  # the causal mask's fill (finite, so no inf reaches the JIT)


def causal_mask(seq):
    """Additive causal mask: 0 on and below the diagonal, NEG above."""
    return torch.full((seq, seq), NEG).triu(1)


class CharLM(nn.Module):
    def __init__(self, vocab, seq=64, d=64, heads=4, ffn=256, layers=2):
        super().__init__()
        self.seq, self.d, self.heads, self.ffn = seq, d, heads, ffn
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(seq, d) * 0.1)
        self.layers = nn.ModuleList(Block(d, heads, ffn, seq) for _ in range(layers))
        self.head = nn.Linear(d, vocab)

    def forward(self, ids):  # [B, S] -> [B*S, V]
        x = self.tok(ids) + self.pos[None]
        for layer in self.layers:
            x = layer(x)
        return self.head(x.reshape(-1, self.d))


def export_transformer(model, batch):
    m = ge.new_module()
    seq, d, heads = model.seq, model.d, model.heads
    hd = d // heads
    rows = batch * seq
    tok, _ = m.resource(t2n(model.tok.weight))
    pos, _ = m.resource(t2n(model.pos))
    # Embedding: gather rows of the token table by id, plus the positions.
    emb_shape = [batch, seq, d]
    init = m.empty(emb_shape)
    a_in = m.map_alias("affine_map<(d0, d1, d2) -> (d0, d1)>")
    a_out = m.map_alias("affine_map<(d0, d1, d2) -> (d0, d1, d2)>")
    emb = m.tmp()
    t = [m.tmp() for _ in range(6)]
    m.emit('%s = linalg.generic {indexing_maps = [%s, %s], iterator_types = ["parallel", '
           '"parallel", "parallel"]} ins(%%arg0 : %s) outs(%s : %s) {'
           % (emb, a_in, a_out, ge.ty([batch, seq], "i64"), init, ge.ty(emb_shape)))
    m.body.append("    ^bb0(%s: i64, %s: f32):" % (t[0], t[1]))
    m.body.append("      %s = arith.index_cast %s : i64 to index" % (t[2], t[0]))
    m.body.append("      %s = linalg.index 1 : index" % t[3])
    m.body.append("      %s = linalg.index 2 : index" % t[4])
    m.body.append("      %s = tensor.extract %s[%s, %s] : %s" % (t[5], tok, t[2], t[4],
                                                              ge.ty(model.tok.weight.shape)))
    p = m.tmp()
    s_ = m.tmp()
    m.body.append("      %s = tensor.extract %s[%s, %s] : %s" % (p, pos, t[3], t[4], ge.ty([seq, d])))
    m.body.append("      %s = arith.addf %s, %s : f32" % (s_, t[5], p))
    m.body.append("      linalg.yield %s : f32" % s_)
    m.emit("} -> %s" % ge.ty(emb_shape))
    x = m.named_value("collapsed")
    m.emit("%s = tensor.collapse_shape %s [[0, 1], [2]] : %s into %s"
           % (x, emb, ge.ty(emb_shape), ge.ty([rows, d])))
    shape = [rows, d]
    h4 = [batch, heads, seq, hd]

    def split(v):
        e = m.named_value("expanded")
        m.emit("%s = tensor.expand_shape %s [[0, 1], [2, 3]] output_shape [%d, %d, %d, %d] : %s into %s"
               % (e, v, batch, seq, heads, hd, ge.ty(shape), ge.ty([batch, seq, heads, hd])))
        r, _ = m.transpose(e, [batch, seq, heads, hd], [0, 2, 1, 3])
        return r

    def contract(a, a_shape, a_map, b, b_shape, b_map, out_shape):
        init = m.fill(m.zero, m.empty(out_shape), out_shape)

        def body(args, out):
            r1, r2 = m.tmp(), m.tmp()
            return ["%s = arith.mulf %s, %s : f32" % (r1, args[0], args[1]),
                    "%s = arith.addf %s, %s : f32" % (r2, out, r1)], r2

        return m.generic([(a, a_shape, a_map), (b, b_shape, b_map)], out_shape,
                         "d0, d1, d2, d3", ["parallel"] * 4 + ["reduction"], body,
                         init=init, rank=5)

    scale = m.scalar(1.0 / math.sqrt(hd))
    # The causal mask, a constant buffer as torch-mlir imports one (shared by
    # the layers).
    mask, _ = m.resource(t2n(model.layers[0].mask))
    for layer in model.layers:
        q, _ = m.linear(x, shape, t2n(layer.q.weight), t2n(layer.q.bias))
        k, _ = m.linear(x, shape, t2n(layer.k.weight), t2n(layer.k.bias))
        v, _ = m.linear(x, shape, t2n(layer.v.weight), t2n(layer.v.bias))
        qh, kh, vh = split(q), split(k), split(v)
        s_shape = [batch, heads, seq, seq]
        scores = contract(qh, h4, "d0, d1, d2, d4", kh, h4, "d0, d1, d3, d4", s_shape)

        scores = m.with_scalar(scores, s_shape, "arith.mulf", scale)
        scores = m.elementwise(scores, mask, s_shape, "arith.addf", b_map="d2, d3",
                               b_shape=[seq, seq])
        attn = m.softmax(scores, s_shape)
        ctx = contract(attn, s_shape, "d0, d1, d2, d4", vh, h4, "d0, d1, d4, d3", h4)
        ctx, _ = m.transpose(ctx, h4, [0, 2, 1, 3])  # [B, S, H, hd]
        merged = m.named_value("collapsed")
        m.emit("%s = tensor.collapse_shape %s [[0, 1], [2, 3]] : %s into %s"
               % (merged, ctx, ge.ty([batch, seq, heads, hd]), ge.ty(shape)))
        o, _ = m.linear(merged, shape, t2n(layer.o.weight), t2n(layer.o.bias))
        h = m.elementwise(x, o, shape, "arith.addf")
        h = m.layernorm(h, shape, t2n(layer.ln1.weight), t2n(layer.ln1.bias), layer.ln1.eps)
        f, f_shape = m.linear(h, shape, t2n(layer.ff1.weight), t2n(layer.ff1.bias))
        f = m.gelu_tanh(f, f_shape)
        f, _ = m.linear(f, f_shape, t2n(layer.ff2.weight), t2n(layer.ff2.bias))
        h2 = m.elementwise(h, f, shape, "arith.addf")
        x = m.layernorm(h2, shape, t2n(layer.ln2.weight), t2n(layer.ln2.bias), layer.ln2.eps)
    y, y_shape = m.linear(x, shape, t2n(model.head.weight), t2n(model.head.bias))
    text = m.text([batch, seq], y, y_shape, header(
        "Character-level LM on /usr/share/common-licenses: embeddings, %d post-LN "
        "encoder layers (causal, %d heads of %d, FFN %d, GELU-tanh), Linear head"
        % (len(model.layers), heads, hd, model.ffn)))
    # The token ids are i64 (Module.text writes f32 arguments).
    return text.replace("@forward(%%arg0: %s)" % ge.ty([batch, seq]),
                        "@forward(%%arg0: %s)" % ge.ty([batch, seq], "i64"), 1)


def t2n(t):
    return t.detach().cpu().numpy().astype(np.float32)


def header(what):
    return ("// Generated by examples/trained/train.py (seed %d); do not edit.\n"
            "// %s, as torch-mlir's linalg-on-tensors backend emits it." % (SEED, what))


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------

def fit(model, xs, ys, epochs, lr, batch, loss_fn=F.cross_entropy, wd=1e-4):
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd)
    n = len(xs)
    steps = epochs * (n // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    gen = torch.Generator().manual_seed(SEED)
    model.train()
    for ep in range(epochs):
        perm = torch.randperm(n, generator=gen)
        total = 0.0
        for i in range(n // batch):
            idx = perm[i * batch:(i + 1) * batch]
            loss = loss_fn(model(xs[idx]), ys[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        print("  epoch %d: loss %.4f" % (ep + 1, total / (n // batch)), flush=True)
    model.eval()


def accuracy(model, xs, ys, batch):
    with torch.no_grad():
        pred = torch.cat([model(xs[i:i + batch]).argmax(-1) for i in range(0, len(xs), batch)])
    return (pred == ys.reshape(-1)).float().mean().item()


def save(out, name, text, calib, test_x, test_y, ref_logits):
    with open(os.path.join(out, name + ".mlir"), "w") as f:
        f.write(text)
    np.save(os.path.join(out, name + "_calib.npy"), calib)
    np.save(os.path.join(out, name + "_test_x.npy"), test_x)
    np.save(os.path.join(out, name + "_test_y.npy"), test_y)
    np.save(os.path.join(out, name + "_ref_logits.npy"), ref_logits.astype(np.float32))


def data_mlp():
    rng = np.random.default_rng(SEED)
    xtr, ytr = render_digits(12000, rng)
    xcal, ycal = render_digits(512, rng)
    xte, yte = render_digits(1024, rng)
    return xtr, ytr, xcal, ycal, xte, yte


def data_cnn():
    rng = np.random.default_rng(SEED + 1)
    xtr, ytr = render_shapes(8000, rng)
    xcal, ycal = render_shapes(500, rng)
    xte, yte = render_shapes(1000, rng)
    return xtr, ytr, xcal, ycal, xte, yte


LM_SEQ = 64


def data_transformer():
    ids = license_text()
    seq = LM_SEQ
    split = int(len(ids) * 0.9)
    train_ids, held = ids[:split], ids[split:]
    rng = np.random.default_rng(SEED + 2)

    def windows(src, n):
        starts = rng.integers(0, len(src) - seq - 1, n)
        x = np.stack([src[s:s + seq] for s in starts])
        y = np.stack([src[s + 1:s + seq + 1] for s in starts])
        return x.astype(np.int64), y.astype(np.int64)

    xtr, ytr = windows(train_ids, 8000)
    xcal, ycal = windows(train_ids, 32)
    # Test: evenly spaced windows of the held-out tenth of the text.
    nt = 64
    step = (len(held) - seq - 1) // nt
    xte = np.stack([held[i * step:i * step + seq] for i in range(nt)]).astype(np.int64)
    yte = np.stack([held[i * step + 1:i * step + seq + 1] for i in range(nt)]).astype(np.int64)
    return xtr, ytr, xcal, ycal, xte, yte


def lm_loss(logits, y):
    return F.cross_entropy(logits, y.reshape(-1))


class Spec:
    def __init__(self, seed, data, make, fit_args, batch, export, meta):
        self.seed, self.data, self.make, self.fit_args = seed, data, make, fit_args
        self.batch, self.export, self.meta = batch, export, meta


SPECS = {
    "mlp": Spec(SEED, data_mlp, MLP, dict(epochs=12, lr=3e-3, batch=128), 256, export_mlp,
                {"input": [256, 144], "classes": 10,
                 "task": "rendered 12x12 digits (10 classes)"}),
    "cnn": Spec(SEED + 1, data_cnn, CNN, dict(epochs=5, lr=4e-3, batch=64), 250, export_cnn,
                {"input": [250, 1, 16, 16], "classes": len(SHAPES),
                 "task": "rendered 16x16 shapes (%d classes)" % len(SHAPES)}),
    "transformer": Spec(SEED + 2, data_transformer, lambda: CharLM(len(VOCAB), seq=LM_SEQ),
                        dict(epochs=3, lr=3e-3, batch=32, loss_fn=lm_loss, wd=0.01), 16,
                        export_transformer,
                        {"input": [16, LM_SEQ], "classes": len(VOCAB), "heads": 4,
                         "layers": 2, "task": "next character of held-out licence text "
                         "(vocab %d, seq %d)" % (len(VOCAB), LM_SEQ)}),
}


def train(name, out):
    spec = SPECS[name]
    xtr, ytr, xcal, ycal, xte, yte = spec.data()
    torch.manual_seed(spec.seed)
    model = spec.make()
    fit(model, torch.from_numpy(xtr), torch.from_numpy(ytr), **spec.fit_args)
    acc = accuracy(model, torch.from_numpy(xte), torch.from_numpy(yte), spec.batch)
    with torch.no_grad():
        ref = model(torch.from_numpy(xte[:spec.batch])).numpy()
    save(out, name, spec.export(model, spec.batch), xcal, xte, yte.reshape(-1), ref)
    fisher(name, model, xcal, ycal, out)
    meta = dict(spec.meta, batch=spec.batch, accuracy=acc,
                params=sum(p.numel() for p in model.parameters()))
    return meta


# ---------------------------------------------------------------------------
# Gradients for prune-gradient-importance (metric=fisher)
# ---------------------------------------------------------------------------

def resource_keys(name, model):
    """Tensor name (parameter or buffer) -> dense_resource key in the export,
    found by exporting a copy whose every tensor starts with a marker; BN
    running_var -> the key of its exported 1/sqrt(var + eps)."""
    spec = SPECS[name]
    marked = copy.deepcopy(model)
    tensors = dict(marked.named_parameters())
    tensors.update((k, v) for k, v in marked.named_buffers() if v.dtype.is_floating_point)
    names = list(tensors)
    with torch.no_grad():
        for i, n in enumerate(names):
            tensors[n].view(-1)[0] = 4096.0 + i
    text = spec.export(marked, spec.batch)
    keys, order = {}, list(read_blobs(text).items())
    for at, (key, arr) in enumerate(order):
        v = float(arr[0])
        if v >= 4096 and v == int(v) and int(v) - 4096 < len(names):
            n = names[int(v) - 4096]
            keys[n] = key
            if n.endswith("running_mean"):  # batchnorm(): mean, then 1/std
                keys[n[:-len("mean")] + "var"] = order[at + 1][0]
    return keys


def read_blobs(text):
    """key -> flat float32 array of every dense_resource blob in `text`."""
    out = {}
    start = text.find("{-#")
    for line in text[start:].splitlines():
        line = line.strip()
        if '"0x' not in line:
            continue
        key, hexdata = line.split(":", 1)
        hexdata = hexdata.strip().rstrip(",").strip('"')[2:]
        out[key.strip()] = np.frombuffer(bytes.fromhex(hexdata)[4:], dtype="<f4")
    return out


def load_exported(name, out):
    """The torch model with the weights of the committed NAME.mlir."""
    spec = SPECS[name]
    torch.manual_seed(spec.seed)
    model = spec.make()
    model.eval()
    keys = resource_keys(name, model)
    with open(os.path.join(out, name + ".mlir")) as f:
        blobs = read_blobs(f.read())
    state = dict(model.named_parameters())
    state.update(model.named_buffers())
    with torch.no_grad():
        for n, key in keys.items():
            v = torch.from_numpy(blobs[key].copy()).reshape(state[n].shape)
            if n.endswith("running_var"):
                eps = 1e-5
                v = 1.0 / (v.double() ** 2) - eps
            state[n].copy_(v)
    return model


def fisher(name, model, xcal, ycal, out):
    """NAME_fisher.npz: the empirical Fisher diagonal sum_s g_s^2 over the
    calibration samples (true labels; for the LM a sample is one window),
    for every Linear and conv weight, keyed by dense_resource name."""
    keys = resource_keys(name, model)
    spec = SPECS[name]
    loss_fn = spec.fit_args.get("loss_fn", F.cross_entropy)
    weights = {n: p for n, p in model.named_parameters()
               if n in keys and p.dim() >= 2 and not n.startswith(("tok", "pos"))}
    acc = {n: torch.zeros_like(p, dtype=torch.float64) for n, p in weights.items()}
    model.eval()
    xs, ys = torch.from_numpy(xcal), torch.from_numpy(ycal)
    for i in range(len(xs)):
        model.zero_grad()
        loss_fn(model(xs[i:i + 1]), ys[i:i + 1]).backward()
        for n, p in weights.items():
            acc[n] += p.grad.double() ** 2
    np.savez(os.path.join(out, name + "_fisher.npz"),
             **{keys[n]: a.numpy().astype(np.float32) for n, a in acc.items()})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="mlp,cnn,transformer")
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--fisher-only", action="store_true",
                    help="only (re)write NAME_fisher.npz from the committed NAME.mlir")
    args = ap.parse_args()
    meta_path = os.path.join(args.out, "meta.json")
    meta = {}
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
    for name in args.only.split(","):
        t0 = time.time()
        if args.fisher_only:
            _, _, xcal, ycal, xte, _ = SPECS[name].data()
            model = load_exported(name, args.out)
            with torch.no_grad():
                got = model(torch.from_numpy(xte[:SPECS[name].batch])).numpy()
            ref = np.load(os.path.join(args.out, name + "_ref_logits.npy"))
            err = float(np.max(np.abs(got - ref)))
            print("%s: weights loaded back from %s.mlir, logits within %.2g of torch's"
                  % (name, name, err))
            if err > 1e-3:
                raise SystemExit("%s.mlir does not reproduce the reference logits" % name)
            fisher(name, model, xcal, ycal, args.out)
            continue
        print("training %s" % name, flush=True)
        meta[name] = train(name, args.out)
        meta[name]["train_seconds"] = round(time.time() - t0, 1)
        print("  %s: test accuracy %.4f (%d params, %.0f s)"
              % (name, meta[name]["accuracy"], meta[name]["params"], time.time() - t0))
        meta[name]["torch"] = torch.__version__
        result = meta[name]
        if os.path.exists(meta_path):  # another run may have written meanwhile
            with open(meta_path) as f:
                meta = json.load(f)
        meta[name] = result
        with open(meta_path, "w") as f:
            json.dump(meta, f, indent=1, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
