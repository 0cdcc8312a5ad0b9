"""Shared helpers for mlir-prune's integration and parity tests.

Everything here is an independent reference: it reads weights straight from
the `dense_resource` hex in the MLIR text, computes the masks the pruning
passes are documented to produce with its own numpy code, and runs the
bundled example models forward in numpy (float64). Nothing is taken from
prune-opt except the output that is being checked.

Tool paths come from the lit RUN line (see `parse_args`), never from PATH.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

SRC_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(SRC_ROOT, "examples")


class CheckFailure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise CheckFailure(msg)


# ---------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------

class Tools:
    def __init__(self, prune_opt, mlir_opt=None, mlir_runner=None, shared_libs=None):
        self.prune_opt = prune_opt
        self.mlir_opt = mlir_opt
        self.mlir_runner = mlir_runner
        self.shared_libs = shared_libs

    @staticmethod
    def _run(cmd, stdin_text=None):
        proc = subprocess.run(cmd, input=stdin_text, capture_output=True, text=True)
        if proc.returncode != 0:
            raise CheckFailure("command failed (%d): %s\n%s"
                               % (proc.returncode, " ".join(cmd), proc.stderr[-4000:]))
        return proc.stdout, proc.stderr

    def prune(self, text, pipeline):
        """Runs prune-opt with `pipeline` (a list of pass flags) on `text`."""
        out, _ = self._run([self.prune_opt] + list(pipeline) + ["-"], text)
        return out

    def jit(self, text):
        """Lowers `text` (with a @main) with mlir-opt --sparsifier and runs it."""
        # The pruned IR carries prune.* attributes that upstream mlir-opt does
        # not know; they are discardable, so let it parse them opaquely.
        lowered, _ = self._run([self.mlir_opt, "--allow-unregistered-dialect",
                                "--sparsifier", "-"], text)
        with tempfile.NamedTemporaryFile("w", suffix=".mlir", delete=False) as f:
            f.write(lowered)
            path = f.name
        try:
            out, _ = self._run([self.mlir_runner, "-e", "main",
                                "-entry-point-result=void",
                                "-shared-libs=" + self.shared_libs, path])
        finally:
            os.unlink(path)
        return out


def run_or_exit(cmd, text=None):
    """Runs `cmd` (stdin `text`); (stdout, stderr), or exits with a FAIL
    line and its stderr on a non-zero exit."""
    p = subprocess.run(cmd, input=text, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("FAIL: %s\n%s" % (" ".join(cmd), p.stderr[-3000:]))
    return p.stdout, p.stderr


def dense_text(a):
    """The body of a `dense<...>` literal holding `a` exactly."""
    return np.array2string(a, separator=", ", threshold=1 << 30,
                           floatmode="unique", max_line_width=1 << 30)


def run_pipeline(prune_opt, text, pipeline):
    """prune-opt --pass-pipeline=builtin.module(`pipeline`) on `text`;
    (stdout, stderr), a CheckFailure on a non-zero exit."""
    r = subprocess.run([prune_opt, "--pass-pipeline=builtin.module(%s)" % pipeline, "-"],
                       input=text, capture_output=True, text=True)
    check(r.returncode == 0, "prune-opt %s failed:\n%s" % (pipeline, r.stderr[-3000:]))
    return r.stdout, r.stderr


def run_npy(prune_run, text, x, tmp, name="m"):
    """prune-run on `text` with the one input `x` (an .npy round trip in
    `tmp`, files named after `name`); the output as float64."""
    mod = os.path.join(tmp, name + ".mlir")
    xin, yout = os.path.join(tmp, name + ".in.npy"), os.path.join(tmp, name + ".npy")
    with open(mod, "w") as f:
        f.write(text)
    np.save(xin, x)
    r = subprocess.run([prune_run, mod, "--input=" + xin, "--output=" + yout],
                       capture_output=True, text=True)
    check(r.returncode == 0, "prune-run %s failed:\n%s%s" % (name, r.stdout, r.stderr[-3000:]))
    return np.load(yout).astype(np.float64)


class OptRunner:
    """prune-opt on text and prune-run on one input, for tests that JIT-run
    whole models."""

    def __init__(self, prune_opt, prune_run, tmp):
        self.prune_opt, self.prune_run, self.tmp = prune_opt, prune_run, tmp

    def opt(self, text, flags):
        r = subprocess.run([self.prune_opt] + flags + ["-"], input=text,
                           capture_output=True, text=True)
        check(r.returncode == 0, "prune-opt %s failed:\n%s" % (flags, r.stderr[-3000:]))
        return r.stdout

    def run(self, text, x):
        return run_npy(self.prune_run, text, x, self.tmp)


def rel_close(a, b, what, tol=1e-5):
    """Max |a - b| relative to max(1, max |b|) below `tol`."""
    err = np.max(np.abs(a - b)) / max(1.0, np.max(np.abs(b)))
    check(err < tol, "%s: max rel error %g" % (what, err))
    return err


def parse_args(argv=None, need_jit=True):
    p = argparse.ArgumentParser()
    p.add_argument("--prune-opt", required=True)
    p.add_argument("--mlir-opt", required=need_jit)
    p.add_argument("--mlir-runner", required=need_jit)
    p.add_argument("--shared-libs", required=need_jit,
                   help="comma-separated runtime libraries for mlir-runner")
    args = p.parse_args(argv)
    for lib in (args.shared_libs or "").split(","):
        check(not lib or os.path.isabs(lib) and os.path.exists(lib),
              "runtime library %r not found (is %%mlir_c_runner_utils set?)" % lib)
    return Tools(args.prune_opt, args.mlir_opt, args.mlir_runner, args.shared_libs)


# ---------------------------------------------------------------------------
# MLIR text: dense_resource blobs, constants, attributes, printMemrefF32
# ---------------------------------------------------------------------------

_BLOB_RE = re.compile(r'^\s*([A-Za-z0-9_.\-$]+)\s*:\s*"0x([0-9A-Fa-f]*)"', re.M)
_RES_CONST_HEAD_RE = re.compile(r"arith\.constant\s*")
_RES_CONST_TAIL_RE = re.compile(
    r"\s*dense_resource<([^>]+)>\s*:\s*tensor<([0-9x]+)xf32>")


def _balanced_braces(text, pos):
    """End (exclusive) of the `{...}` that opens at text[pos], skipping
    nested braces and quoted strings; -1 if it does not close."""
    depth, quoted, i = 0, False, pos
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _resource_constant_matches(text):
    """(attribute dict text or '', key, shape) of every f32 dense_resource
    arith.constant; the attribute dictionary may nest (prune.calibration)."""
    out = []
    for m in _RES_CONST_HEAD_RE.finditer(text):
        pos, attrs = m.end(), ""
        if text.startswith("{", pos):
            end = _balanced_braces(text, pos)
            if end < 0:
                continue
            attrs, pos = text[pos:end], end
        tail = _RES_CONST_TAIL_RE.match(text, pos)
        if tail:
            out.append((attrs, tail.group(1), tail.group(2)))
    return out


def parse_blobs(text):
    """Raw bytes of every builtin dialect resource: key -> (alignment, bytes)."""
    start = text.find("{-#")
    check(start >= 0, "no dialect_resources section")
    blobs = {}
    for key, hexdata in _BLOB_RE.findall(text[start:]):
        raw = bytes.fromhex(hexdata)
        check(len(raw) >= 4, "resource %s has no alignment header" % key)
        align = int.from_bytes(raw[:4], "little")
        blobs[key] = (align, raw[4:])
    return blobs


def resource_constants(text):
    """key -> (shape, attribute dict text or '') for every dense_resource constant."""
    consts = {}
    for attrs, key, shape in _resource_constant_matches(text):
        consts[key] = (tuple(int(d) for d in shape.split("x")), attrs or "")
    return consts


def read_weights(text):
    """key -> float32 array (shaped) for every f32 dense_resource constant."""
    blobs = parse_blobs(text)
    out = {}
    for key, (shape, _) in resource_constants(text).items():
        check(key in blobs, "resource %s has no blob" % key)
        _, raw = blobs[key]
        arr = np.frombuffer(raw, dtype="<f4")
        check(arr.size == int(np.prod(shape)),
              "resource %s holds %d floats, expected %s" % (key, arr.size, shape))
        out[key] = arr.reshape(shape).copy()
    return out


def hex_blob(array):
    data = np.ascontiguousarray(array, dtype="<f4").tobytes()
    return "0x04000000" + data.hex().upper()


def tosa_weights(weights):
    """For a TOSA test module: one `tosa.const` line per weight (named like
    its key, the value a dense_resource) and the blob lines of the
    dialect_resources section, as (consts, blobs)."""
    consts = "\n".join(
        '  %%%s = "tosa.const"() {values = dense_resource<%s> : %s} : () -> %s'
        % (k, k, tensor_type(a.shape), tensor_type(a.shape)) for k, a in weights.items())
    blobs = ",\n".join('      %s: "%s"' % (k, hex_blob(a)) for k, a in weights.items())
    return consts, blobs


def tensor_type(shape):
    return "tensor<" + "x".join(str(d) for d in shape) + "xf32>"


def add_main(text, input_array, out_shape):
    """Appends a @main to the module in `text` that calls @forward on
    `input_array` (embedded as a hex dense literal) and prints the result
    with printMemrefF32."""
    in_t = tensor_type(input_array.shape)
    out_t = tensor_type(out_shape)
    memref_t = "memref<" + "x".join(str(d) for d in out_shape) + "xf32>"
    data = np.ascontiguousarray(input_array, dtype="<f4").tobytes().hex().upper()
    wrapper = """
  func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
  func.func @main() {
    %%x = arith.constant dense<"0x%s"> : %s
    %%y = call @forward(%%x) : (%s) -> %s
    %%b = bufferization.to_buffer %%y : %s to %s
    %%u = memref.cast %%b : %s to memref<*xf32>
    call @printMemrefF32(%%u) : (memref<*xf32>) -> ()
    return
  }
""" % (data, in_t, in_t, out_t, out_t, memref_t, memref_t)
    res = text.find("{-#")
    body = text if res < 0 else text[:res]
    close = body.rstrip().rfind("}")
    check(close >= 0, "no module to extend")
    return body[:close] + wrapper + body[close:] + ("" if res < 0 else text[res:])


_FLOAT_RE = re.compile(r"[-+]?(?:nan|inf|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")


def parse_memref_print(output, shape):
    """The data of the first printMemrefF32 in `output`, shaped."""
    at = output.find("data =")
    check(at >= 0, "no printMemrefF32 output in:\n" + output[:2000])
    vals = [float(v) for v in _FLOAT_RE.findall(output[at + len("data ="):])]
    n = int(np.prod(shape))
    check(len(vals) >= n, "printMemrefF32 printed %d values, expected %d" % (len(vals), n))
    return np.array(vals[:n], dtype=np.float64).reshape(shape)


def sparsegpt(w, gram, block, damp, zeros=None, nm=None):
    """Reference SparseGPT (Frantar & Alistarh) for prune-reconstruct's
    tests: `zeros` entries pruned in all (spread over the blocks by
    floor(zeros * end / cols) - floor(zeros * start / cols)), or nm = (n, m):
    n kept of every m columns. Ties: lower row-major index pruned first (a
    stable sort)."""
    w = w.astype(np.float64).copy()
    h = gram.astype(np.float64).copy()
    rows, cols = w.shape
    dead = np.diag(h) == 0
    h[dead, dead] = 1
    w[:, dead] = 0
    h += damp * np.mean(np.diag(h)) * np.eye(cols)
    u = np.linalg.cholesky(np.linalg.inv(h)).T  # upper: H^-1 = U^T U
    for i1 in range(0, cols, block):
        i2 = min(i1 + block, cols)
        count = i2 - i1
        w1 = w[:, i1:i2].copy()
        u1 = u[i1:i2, i1:i2]
        err1 = np.zeros((rows, count))
        mask1 = np.zeros((rows, count), bool)
        if nm is None:
            k = zeros * i2 // cols - zeros * i1 // cols
            tmp = w1 ** 2 / np.diag(u1)[None, :] ** 2
            mask1.ravel()[np.argsort(tmp.ravel(), kind="stable")[:k]] = True
        for i in range(count):
            if nm is not None and i % nm[1] == 0:
                tmp = w1[:, i:i + nm[1]] ** 2 / np.diag(u1)[None, i:i + nm[1]] ** 2
                order = np.argsort(tmp, axis=1, kind="stable")[:, :nm[1] - nm[0]]
                np.put_along_axis(mask1[:, i:i + nm[1]], order, True, axis=1)
            col = w1[:, i]
            q = col.copy()
            q[mask1[:, i]] = 0
            e = (col - q) / u1[i, i]
            w1[:, i:] -= np.outer(e, u1[i, i:])
            w1[:, i] = q
            err1[:, i] = e
        w[:, i1:i2] = w1
        w[:, i2:] -= err1 @ u[i1:i2, i2:]
    return w


# ---------------------------------------------------------------------------
# Reference masks (True = kept)
# ---------------------------------------------------------------------------

def round_half_even(x):
    return int(round(x))  # Python's round() is round-half-to-even.


def prune_lowest(scores, k):
    """Keep-mask over flat `scores` with the k lowest removed; among equal
    scores the element with the lower index is kept."""
    scores = np.asarray(scores).ravel()
    keep = np.ones(scores.size, dtype=bool)
    if k <= 0:
        return keep
    idx = np.arange(scores.size)
    # Least important first: lowest score, then highest index.
    order = np.lexsort((-idx, scores))
    keep[order[:k]] = False
    return keep


def l1_scores(w):
    return np.abs(np.asarray(w, dtype=np.float32))


def unstructured_mask(w, ratio):
    k = round_half_even(ratio * w.size)
    return prune_lowest(l1_scores(w), k).reshape(w.shape)


def global_unstructured_masks(weights, ratio):
    """weights: list of arrays in discovery order -> list of masks."""
    scores = np.concatenate([l1_scores(w).ravel() for w in weights])
    keep = prune_lowest(scores, round_half_even(ratio * scores.size))
    out, at = [], 0
    for w in weights:
        out.append(keep[at:at + w.size].reshape(w.shape))
        at += w.size
    return out


def nm_mask(w, dim, n, m):
    """Keeps the n largest |w| in every m consecutive elements along `dim`
    (lower index wins ties); None when the dim does not divide by m."""
    if w.shape[dim] % m:
        return None
    s = np.moveaxis(l1_scores(w), dim, -1)
    g = s.reshape(s.shape[:-1] + (s.shape[-1] // m, m))
    # Stable sort of -score: most important first, ties by position.
    order = np.argsort(-g, axis=-1, kind="stable")
    keep = np.zeros(g.shape, dtype=bool)
    np.put_along_axis(keep, order[..., :n], True, axis=-1)
    return np.moveaxis(keep.reshape(s.shape), -1, dim)


def block_mask(w, row_dim, col_dim, br, bc, ratio):
    """Block pruning of the (row_dim x col_dim) view, one matrix per index of
    the other dims; blocks scored by Frobenius norm; None if it does not tile."""
    rows, cols = w.shape[row_dim], w.shape[col_dim]
    if rows % br or cols % bc:
        return None
    others = [d for d in range(w.ndim) if d not in (row_dim, col_dim)]
    v = np.transpose(w.astype(np.float64), others + [row_dim, col_dim])
    lead = v.shape[:-2]
    v = v.reshape((-1, rows // br, br, cols // bc, bc))
    norms = np.sqrt((v * v).sum(axis=(2, 4))).astype(np.float32)  # [S, RB, CB]
    keep_blocks = prune_lowest(norms.ravel(), round_half_even(ratio * norms.size))
    keep_blocks = keep_blocks.reshape(norms.shape)
    keep = np.broadcast_to(keep_blocks[:, :, None, :, None], v.shape)
    keep = keep.reshape(lead + (rows, cols))
    inv = np.argsort(others + [row_dim, col_dim])
    return np.transpose(keep, inv)


# ---------------------------------------------------------------------------
# The bundled models, forward in numpy (float64)
# ---------------------------------------------------------------------------

class Params:
    """Hands out the parameters of a model in the order the generator
    created them, naming them the way torch-mlir names dense_resources
    (torch_tensor_<shape>_torch.float32, then _1, _2, ... for repeats).
    Records the contraction weights (in program order) in `weights`."""

    def __init__(self, arrays):
        self.arrays = arrays
        self.counts = {}
        self.weights = []  # keys of Linear / conv weights, program order

    def take(self, *shape, weight=False):
        base = "torch_tensor_" + "_".join(str(d) for d in shape) + "_torch.float32"
        c = self.counts.get(base, 0)
        self.counts[base] = c + 1
        key = base if c == 0 else "%s_%d" % (base, c)
        check(key in self.arrays, "model has no parameter %s" % key)
        a = self.arrays[key]
        check(a.shape == tuple(shape), "%s has shape %s" % (key, a.shape))
        if weight:
            self.weights.append(key)
        return a.astype(np.float64)

    def linear(self, x, out_f):
        w = self.take(out_f, x.shape[-1], weight=True)
        b = self.take(out_f)
        return x @ w.T + b


def relu(x):
    return np.maximum(x, 0.0)


def conv2d_nchw(x, w, pad):
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    kh, kw = w.shape[2:]
    win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))
    return np.einsum("nchwij,fcij->nfhw", win, w)


def conv2d_nhwc_ohwi(x, w, b, pad, stride=1):
    """NHWC activations, OHWI filters (TOSA's layout), bias `b`;
    pad = (top, bottom, left, right)."""
    x = np.pad(x, ((0, 0), (pad[0], pad[1]), (pad[2], pad[3]), (0, 0)))
    f, kh, kw, _ = w.shape
    oh = (x.shape[1] - kh) // stride + 1
    ow = (x.shape[2] - kw) // stride + 1
    y = np.zeros((x.shape[0], oh, ow, f))
    for i in range(kh):
        for j in range(kw):
            patch = x[:, i:i + stride * oh:stride, j:j + stride * ow:stride, :]
            y += np.einsum("nhwc,fc->nhwf", patch, w[:, i, j, :])
    return y + b


def batchnorm(p, x):
    c = x.shape[1]
    mean, invstd, gamma, beta = (p.take(c) for _ in range(4))
    bc = lambda v: v[None, :, None, None]
    return (x - bc(mean)) * bc(invstd) * bc(gamma) + bc(beta)


def layernorm(p, x, eps=1e-5):
    d = x.shape[-1]
    gamma, beta = p.take(d), p.take(d)
    mean = x.mean(axis=-1, keepdims=True)
    cen = x - mean
    var = (cen * cen).mean(axis=-1, keepdims=True)
    return cen / np.sqrt(var + eps) * gamma + beta


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))


def mlp_forward(p, x, sizes=(64, 256, 256, 10)):
    for i, out_f in enumerate(sizes[1:]):
        x = p.linear(x, out_f)
        if i + 2 < len(sizes):
            x = relu(x)
    return x


def cnn_forward(p, x, width=16, classes=10, blocks=2):
    def conv_bn(x):
        w = p.take(width, x.shape[1], 3, 3, weight=True)
        return batchnorm(p, conv2d_nchw(x, w, 1))

    x = relu(conv_bn(x))
    for _ in range(blocks):
        y = relu(conv_bn(x))
        x = relu(conv_bn(y) + x)
    x = x.mean(axis=(2, 3))
    return p.linear(x, classes)


def transformer_forward(p, x, heads=4, ffn=64):
    s, d = x.shape
    hd = d // heads
    q, k, v = p.linear(x, d), p.linear(x, d), p.linear(x, d)
    split = lambda t: t.reshape(s, heads, hd).transpose(1, 0, 2)  # [H, S, D]
    scores = split(q) @ split(k).transpose(0, 2, 1) / np.sqrt(hd)
    ctx = (softmax(scores) @ split(v)).transpose(1, 0, 2).reshape(s, d)
    h = layernorm(p, x + p.linear(ctx, d))
    f = p.linear(gelu_tanh(p.linear(h, ffn)), d)
    return layernorm(p, h + f)


MODELS = {
    # name: (forward, input shape, output shape)
    "mlp": (mlp_forward, (4, 64), (4, 10)),
    "cnn": (cnn_forward, (1, 3, 16, 16), (1, 10)),
    "transformer": (transformer_forward, (8, 32), (8, 32)),
}

# For every Linear [out, in] and conv [F, C, KH, KW] weight the output dim is
# 0 and the reduction (input-feature / input-channel) dim is 1.
OUTPUT_DIM, REDUCTION_DIM = 0, 1


def model_input(name, seed=7):
    shape = MODELS[name][1]
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape).astype(np.float32)


def forward(name, arrays, x):
    """Runs model `name` in float64 on the f32 `arrays`; returns
    (output, weight keys in program order)."""
    p = Params(arrays)
    y = MODELS[name][0](p, np.asarray(x, dtype=np.float64))
    check(len(p.counts) and sum(p.counts.values()) == len(arrays),
          "the reference used %d of the model's %d parameters"
          % (sum(p.counts.values()), len(arrays)))
    return y, p.weights


def load_example(name):
    with open(os.path.join(EXAMPLES, name + ".mlir")) as f:
        return f.read()


# ---------------------------------------------------------------------------
# The end-to-end check
# ---------------------------------------------------------------------------

def reference_masks(pass_name, opts, weights):
    """weights: [(key, array)] in discovery order -> {key: mask or None}."""
    if pass_name == "prune-unstructured":
        ratio = float(opts["ratio"])
        if opts.get("scope", "layer") == "global":
            masks = global_unstructured_masks([w for _, w in weights], ratio)
            return {k: m for (k, _), m in zip(weights, masks)}
        return {k: unstructured_mask(w, ratio) for k, w in weights}
    if pass_name == "prune-nm":
        n, m = int(opts["n"]), int(opts["m"])
        return {k: nm_mask(w, REDUCTION_DIM, n, m) for k, w in weights}
    if pass_name == "prune-blocks":
        br, bc = (int(v) for v in opts["block"].split(","))
        ratio = float(opts["ratio"])
        return {k: block_mask(w, OUTPUT_DIM, REDUCTION_DIM, br, bc, ratio)
                for k, w in weights}
    raise ValueError(pass_name)


def pass_flag(pass_name, opts):
    return "--%s=%s" % (pass_name, " ".join("%s=%s" % kv for kv in opts.items()))


def check_pruned_constants(orig, pruned_text, masks):
    """The pruned module's constants must be exactly orig * mask for pruned
    weights and untouched elsewhere; pruned weights (only they) carry
    prune.sparsity. Returns the masked float32 arrays."""
    pruned = read_weights(pruned_text)
    consts = resource_constants(pruned_text)
    check(set(pruned) == set(orig),
          "resource keys changed: %s" % sorted(set(pruned) ^ set(orig)))
    expected = {}
    for key, w in orig.items():
        mask = masks.get(key)
        exp = w if mask is None else np.where(mask, w, np.float32(0.0)).astype(np.float32)
        expected[key] = exp
        got = pruned[key]
        if not np.array_equal(got, exp):
            bad = np.argwhere(got != exp)
            raise CheckFailure(
                "weight %s differs from the reference at %d elements, first %s: "
                "got %r, expected %r (original %r)"
                % (key, len(bad), tuple(bad[0]), got[tuple(bad[0])],
                   exp[tuple(bad[0])], w[tuple(bad[0])]))
        has_attr = "prune.sparsity" in consts[key][1]
        check(has_attr == (mask is not None),
              "weight %s: prune.sparsity %s, but the reference %s it"
              % (key, "present" if has_attr else "absent",
                 "prunes" if mask is not None else "leaves dense (skips)"))
        if has_attr:
            # The recorded ratio is the achieved fraction of zeros.
            found = re.search(r"ratio = ([-+0-9.eE]+)", consts[key][1])
            check(found, "weight %s: prune.sparsity has no ratio" % key)
            zeros = float((exp == 0).mean())
            check(abs(float(found.group(1)) - zeros) <= 1e-6,
                  "weight %s: recorded ratio %s, but %.6f of it is zero"
                  % (key, found.group(1), zeros))
    return expected


def run_model_case(model, pass_name, opts, argv=None, rtol=1e-4, atol_rel=2e-5):
    """Prunes example `model` with `pass_name{opts}`, checks the pruned
    constants against the numpy reference masks, JIT-runs the pruned model
    and compares its output with the numpy forward of the masked weights:
    |jit - ref| <= rtol * |ref| + atol_rel * max|ref| elementwise. (The f32
    JIT run and the f64 reference differ by about 2e-6 * max|ref|; the
    absolute part is tight enough to tell GELU-tanh from exact GELU.)"""
    tools = parse_args(argv)
    text = load_example(model)
    orig = read_weights(text)
    x = model_input(model)
    dense_out, weight_keys = forward(model, orig, x)
    check(weight_keys, "the reference found no weights")
    masks = reference_masks(pass_name, opts, [(k, orig[k]) for k in weight_keys])
    check(any(m is not None for m in masks.values()), "reference prunes nothing")

    pruned_text = tools.prune(text, [pass_flag(pass_name, opts)])
    expected = check_pruned_constants(orig, pruned_text, masks)

    ref, _ = forward(model, expected, x)
    out_shape = MODELS[model][2]
    got = tools.jit(add_main(pruned_text, x, out_shape))
    jit_out = parse_memref_print(got, out_shape)
    scale = float(np.abs(ref).max())
    atol = atol_rel * max(scale, 1e-30)
    err = np.abs(jit_out - ref)
    check(np.all(err <= atol + rtol * np.abs(ref)),
          "JIT output differs from the numpy reference: max abs err %.3g "
          "(tolerance %.3g + %.3g*|ref|)\nref[0]=%s\njit[0]=%s"
          % (err.max(), atol, rtol, ref.ravel()[:8], jit_out.ravel()[:8]))
    # Pruning must have changed the model, or the check above proves little.
    dense_diff = np.abs(dense_out - ref).max()
    check(dense_diff > 100 * (atol + rtol * scale),
          "pruning barely changed the output (max diff %.3g)" % dense_diff)
    kept = sum(int(m.sum()) for m in masks.values() if m is not None)
    total = sum(m.size for m in masks.values() if m is not None)
    skipped = [k for k, m in masks.items() if m is None]
    print("%s %s: %d weights (%d left dense: %s), kept %d/%d, "
          "JIT max abs err %.3g (%.2g of max|ref|), dense-vs-pruned diff %.3g; OK"
          % (model, pass_flag(pass_name, opts), len(masks), len(skipped),
             ", ".join(skipped) or "-", kept, total, err.max(), err.max() / scale,
             dense_diff))


def main_guard(fn):
    """Runs fn(); turns CheckFailure into a message and exit status 1."""
    try:
        fn()
    except CheckFailure as e:
        print("FAIL: %s" % e, file=sys.stderr)
        sys.exit(1)


# ---------------------------------------------------------------------------
# Synthetic modules for the parity tests
# ---------------------------------------------------------------------------

def weights_module(weights):
    """A module whose @layers feeds each weight to its own consumer, the way
    torch-mlir emits it: `("linear", W[out, in])` through linalg.transpose
    into linalg.matmul, `("conv", W[F, C, KH, KW])` into
    linalg.conv_2d_nchw_fchw. Weights are dense_resources named
    layer<i>_weight; returns the module text."""
    args, results, body, consts, blobs = [], [], [], [], []
    for i, (kind, w) in enumerate(weights):
        key = "layer%d_weight" % i
        blobs.append('      %s: "%s"' % (key, hex_blob(w)))
        consts.append("    %%w%d = arith.constant dense_resource<%s> : %s"
                      % (i, key, tensor_type(w.shape)))
        if kind == "linear":
            out_f, in_f = w.shape
            x_t, wt_t = tensor_type((2, in_f)), tensor_type((in_f, out_f))
            r_t = tensor_type((2, out_f))
            body += [
                "    %%e%d = tensor.empty() : %s" % (i, wt_t),
                "    %%t%d = linalg.transpose ins(%%w%d : %s) outs(%%e%d : %s) permutation = [1, 0]"
                % (i, i, tensor_type(w.shape), i, wt_t),
                "    %%i%d = tensor.empty() : %s" % (i, r_t),
                "    %%f%d = linalg.fill ins(%%zero : f32) outs(%%i%d : %s) -> %s" % (i, i, r_t, r_t),
                "    %%r%d = linalg.matmul ins(%%x%d, %%t%d : %s, %s) outs(%%f%d : %s) -> %s"
                % (i, i, i, x_t, wt_t, i, r_t, r_t),
            ]
        elif kind == "conv":
            f, c, kh, kw = w.shape
            x_t = tensor_type((1, c, kh + 2, kw + 2))
            r_t = tensor_type((1, f, 3, 3))
            body += [
                "    %%i%d = tensor.empty() : %s" % (i, r_t),
                "    %%f%d = linalg.fill ins(%%zero : f32) outs(%%i%d : %s) -> %s" % (i, i, r_t, r_t),
                "    %%r%d = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, "
                "strides = dense<1> : vector<2xi64>} ins(%%x%d, %%w%d : %s, %s) outs(%%f%d : %s) -> %s"
                % (i, i, i, x_t, tensor_type(w.shape), i, r_t, r_t),
            ]
        else:
            raise ValueError(kind)
        args.append("%%x%d: %s" % (i, x_t))
        results.append(("%%r%d" % i, r_t))
    return "\n".join(
        ["module {",
         "  func.func @layers(%s) -> (%s) {" % (", ".join(args),
                                                ", ".join(t for _, t in results)),
         "    %zero = arith.constant 0.000000e+00 : f32"]
        + consts + body
        + ["    return %s : %s" % (", ".join(v for v, _ in results),
                                   ", ".join(t for _, t in results)),
           "  }", "}", "", "{-#", "  dialect_resources: {", "    builtin: {",
           ",\n".join(blobs), "    }", "  }", "#-}", ""])


def pruned_masks(tools, weights, pipeline):
    """Runs prune-opt `pipeline` on weights_module(weights); returns the
    pruned arrays, in order."""
    out = read_weights(tools.prune(weights_module(weights), pipeline))
    return [out["layer%d_weight" % i] for i in range(len(weights))]


def tie_free_weights(shapes, seed, extra_check=None):
    """Random f32 weights (torch-like scale) whose magnitudes are all
    distinct, so every ranking is unique; reseeds until `extra_check`
    (a function of the list) also holds."""
    for attempt in range(100):
        rng = np.random.default_rng(seed + 1000 * attempt)
        ws = [rng.standard_normal(s).astype(np.float32) for s in shapes]
        mags = np.concatenate([np.abs(w).ravel() for w in ws])
        if np.unique(mags).size != mags.size or (mags == 0).any():
            continue
        if extra_check is None or extra_check(ws):
            return ws
    raise CheckFailure("could not draw tie-free weights")
