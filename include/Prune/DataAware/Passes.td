//===- Passes.td - data-aware pruning passes ---------------*- tablegen -*-===//
//
// Part of mlir-prune. Passes that look at data: calibration activations
// (prune-calibrate), user-supplied gradients (prune-gradient-importance) and
// the weight repair that uses them (prune-reconstruct). See
// docs/data-aware.md.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_DATAAWARE_PASSES_TD
#define PRUNE_DATAAWARE_PASSES_TD

include "mlir/Pass/PassBase.td"

def PruneCalibrate : Pass<"prune-calibrate", "::mlir::ModuleOp"> {
  let summary = "Run the model on calibration data and record activation "
                "statistics for every weight";
  let description = [{
    JIT-compiles an instrumented copy of the module (the `--sparsifier`
    pipeline and the MLIR ExecutionEngine, in-process), runs function
    `entry` on the calibration batches in `inputs`, and records, for every
    weight of a contraction, statistics of the activation that the
    contraction multiplies it with, per input channel (index of the weight's
    reduction dim):

    * the sum of squares `sum_x x_k^2` (Wanda's `||X_k||_2^2`), the mean and
      the firing rate (fraction of values `> 0`);
    * for matmul-like consumers, the Gram matrix `X^T X` (input channels x
      input channels, f64); for `conv_2d_nchw_fchw` / `conv_2d_nhwc_hwcf`
      filters, over the im2col patches (C*KH*KW columns in the filter's
      order, named by `gram_dims`); and a copy of the weight as calibrated:
      what `prune-reconstruct` needs.

    The statistics go into a `prune.calibration` dictionary on the weight
    constant, backed by `dense_resource` blobs (see docs/data-aware.md).
    With `metric=wanda` (default) the pass also attaches
    `#prune.importance<metric = wanda, granularity = weight>` with scores
    `|W| * ||X_k||_2`, so `prune-unstructured{metric=wanda}`,
    `prune-nm{metric=wanda}` and `prune-blocks{metric=wanda}` use them; with
    `metric=activation` it attaches the firing rate per input channel
    (`granularity = channel`, `dim` = the reduction dim), except on a weight
    that reads attention heads (its reduction dim is the flat `H*D` dim of
    heads `prune-heads` can remove, e.g. the output projection): there it
    attaches one score per head (`granularity = head`, `heads = H`), the
    calibration output error that removing the head and refitting the
    weight's other inputs by least squares leaves,
    `sum_rows w_S (G_SS - G_SK (G_KK + lambda I)^-1 G_KS) w_S^T` for the
    head's inputs S, the others K, G the Gram matrix of the weight's input
    and `lambda = 0.01 * mean(diag G)` (what `prune-reconstruct` does after
    `prune-heads`), so `prune-heads{metric=activation}` removes the heads
    whose loss the refit can absorb best. This needs the Gram matrix
    (`gram=true`, within `max-gram-dim`); an all-zero one is a located
    error.

    With `reference=true` (after pruning, on a module an earlier
    `prune-calibrate` recorded), the pass also runs a second copy of the
    model in which every weight has its recorded calibrated value (`dense`)
    and records, next to the Gram matrix of this model's inputs, the cross
    matrix `cross = X^T X_ref` with the same activation in that reference
    model; `dense` keeps the reference weights. `prune-reconstruct` then
    fits the reference model's outputs. A module without any recorded
    `dense`, or with structurally shrunk weights, is a located error.

    `inputs` holds one `.npy` per argument of `entry`. Each stacks whole
    batches along dim 0: an argument of type `tensor<4x64xf32>` takes a
    float32 array of shape `[4 * N, 64]`, run as N batches. A file of the
    wrong dtype or shape, data holding NaN or Inf, or activations that
    become NaN or Inf are located errors, and the module is left untouched.

    Before (examples/mlp.mlir, first layer):

    ```mlir
    %cst_0 = arith.constant dense_resource<torch_tensor_256_64_torch.float32> : tensor<256x64xf32>
    ```

    After `prune-calibrate{inputs=calib.npy}`:

    ```mlir
    %cst_0 = arith.constant {
        prune.importance = #prune.importance<metric = wanda, granularity = weight,
          scores = dense_resource<torch_tensor_256_64_torch.float32_wanda> : tensor<256x64xf32>>,
        prune.calibration = {dim = 1 : i64, samples = 32 : i64,
          sq_norm = dense_resource<..._sq_norm> : tensor<64xf32>,
          mean = dense_resource<..._mean> : tensor<64xf32>,
          fire_rate = dense_resource<..._fire_rate> : tensor<64xf32>,
          gram = dense_resource<..._gram> : tensor<64x64xf64>,
          dense = dense_resource<..._dense> : tensor<256x64xf32>}}
        dense_resource<torch_tensor_256_64_torch.float32> : tensor<256x64xf32>
    ```
  }];
  let options = [
    Option<"inputs", "inputs", "std::string", /*default=*/"",
           "Comma-separated .npy files, one per argument of the entry "
           "function, each stacking N batches along dim 0">,
    Option<"entry", "entry", "std::string", /*default=*/"\"forward\"",
           "The function to run">,
    Option<"batch", "batch", "int64_t", /*default=*/"0",
           "Rows of argument 0 per calibration batch, a multiple of the rows "
           "one call takes (0: one call per batch)">,
    Option<"batches", "batches", "int64_t", /*default=*/"0",
           "Use at most this many batches (0: all of them)">,
    Option<"metric", "metric", "std::string", /*default=*/"\"wanda\"",
           "Importance to attach: wanda, activation, or none">,
    Option<"gram", "gram", "bool", /*default=*/"true",
           "Record X^T X and the calibrated weight (for prune-reconstruct)">,
    Option<"maxGramDim", "max-gram-dim", "int64_t", /*default=*/"4096",
           "Skip the Gram matrix of weights with more input channels">,
    Option<"reference", "reference", "bool", /*default=*/"false",
           "Also run the model with every weight's recorded calibrated copy "
           "('dense', from an earlier prune-calibrate) and record the cross "
           "matrix X^T X_ref, so that prune-reconstruct fits the outputs of "
           "that reference model from this model's inputs">,
    Option<"progress", "progress", "std::string", /*default=*/"\"auto\"",
           "Progress bar on stderr: auto (when stderr is a terminal), "
           "always, never">,
  ];
  let dependentDialects = ["::mlir::prune::PruneDialect"];
}

def PruneReconstruct : Pass<"prune-reconstruct", "::mlir::ModuleOp"> {
  let summary = "Update the remaining weights to minimise each layer's "
                "output error on the calibration data";
  let description = [{
    For every weight that `prune-calibrate` recorded a Gram matrix
    `H = X^T X` and a calibrated copy `W0` for, takes the current zeros of
    the weight as the pruning mask (whatever pass made them: unstructured,
    N:M, blocks, or input channels zeroed by a structural change) and sets
    the kept weights of every output row `w` to the minimiser of

        (w0 - w)^T (H + lambda I) (w0 - w)   with w = 0 where pruned,

    `lambda = damp * mean(diag(H))`, i.e. the least-squares fit of the
    layer's calibration outputs `X w0` (with ridge damping). Pruned entries
    stay exactly zero, so the recorded sparsity pattern still holds.

    * `method=lsq` solves `(H + lambda I)_SS w_S = ((H + lambda I) w0)_S` over
      the kept set S of each row (Cholesky; rows with the same mask share
      one factorisation, so structural removal costs one).
    * `method=obs` applies the Optimal Brain Surgeon update with the
      inverse `Hinv = (H + lambda I)^-1` shared by all rows:
      `w = w0 - Hinv[:, P] (Hinv[P, P])^-1 w0_P` over the pruned set P. It
      gives the same minimiser; it is cheaper when few weights per row are
      pruned.

    * `method=sparsegpt` chooses the mask itself (SparseGPT, Frantar &
      Alistarh 2023) for weights whose `#prune.sparsity` record is
      `unstructured` (as many zeros as the weight has now, spread over the
      column blocks in proportion to their width) or `nm` along the input
      dim (for a convolution filter, the Gram matrix's patch columns are
      visited with the input channel innermost, `(kh, kw, c)`, so that
      every `m` consecutive columns are one N:M group of channels at one
      filter tap): starting again from the calibrated weight, columns are visited
      in blocks of `block-size`; a block's mask (unstructured) or each group
      of `m` columns' mask (N:M) keeps the entries with the largest OBS
      saliency `w^2 / [U]_jj^2`, `U` the upper Cholesky factor of
      `(H + lambda I)^-1`, and each pruned column's error is propagated to
      the columns not yet visited. With `refit=true` (default) the kept
      weights then get the exact least-squares fit on that mask (as `lsq`
      would give it); `refit=false` leaves SparseGPT's own weights. Weights
      with another record keep their zeros and are refitted as with `lsq`
      (with a remark).

    With a `cross` matrix in the record (`prune-calibrate{reference=true}`
    after pruning: `C = X^T X_ref`, X this model's inputs to the layer and
    X_ref the calibrated model's), the target is the reference model's
    output `X_ref w0` rather than `X w0`: each row minimises
    `|X w - X_ref w0|^2 + lambda |w - w0|^2`, i.e. `w0` is first replaced
    by `(H + lambda I)^-1 (C + lambda I) w0` (the best dense weight for
    the drifted inputs, which weights without zeros then take) and the
    methods above run from there. Alternating `prune-calibrate{reference=
    true}` and `prune-reconstruct` once per layer of depth fits every layer,
    in order, to the dense model's outputs from its repaired predecessors'.

    After structural removal (`prune-neurons`, `prune-filters`, ...), a
    weight whose inputs were removed carries `prune.kept` and its
    calibration record of the full weight: with a Gram matrix its kept
    inputs are refitted to the original full-input outputs (the next layer
    absorbs what was removed); without one, the removed inputs' mean
    contribution (`mean` times their calibrated weights) is folded into the
    bias (`y + b`) or BatchNorm mean (`y - b`) that follows the layer.

    A Gram matrix that is not positive definite even after damping is a
    located error (raise `damp`); the module is left untouched. Weights
    without calibration data, or that are not f32, are left alone with a
    remark.

    Before (after `prune-unstructured{metric=wanda ratio=0.5}`): half the
    entries of each weight are zero and the rest keep their calibrated
    values. After: the same entries are zero; the others are refitted.
  }];
  let options = [
    Option<"method", "method", "std::string", /*default=*/"\"lsq\"",
           "lsq (per-row least squares), obs (Optimal Brain Surgeon update) "
           "or sparsegpt (choose the mask column by column while updating)">,
    Option<"damp", "damp", "double", /*default=*/"0.01",
           "Ridge damping, as a fraction of the mean diagonal of X^T X">,
    Option<"refit", "refit", "bool", /*default=*/"true",
           "method=sparsegpt: after choosing the mask, refit the kept weights "
           "by least squares (false: SparseGPT's own updated weights)">,
    Option<"blockSize", "block-size", "int64_t", /*default=*/"128",
           "method=sparsegpt: columns per block (rounded down to a multiple "
           "of M for N:M)">,
  ];
}

def PruneGradientImportance
    : Pass<"prune-gradient-importance", "::mlir::ModuleOp"> {
  let summary = "Attach Taylor or Fisher importance from user-supplied "
                "gradients";
  let description = [{
    Reads an uncompressed `.npz` archive (`numpy.savez`) of per-weight
    gradients from a training framework and attaches
    `#prune.importance<metric = taylor | fisher, granularity = weight>` to
    every weight it names:

    * `metric=taylor`: the archive holds the gradient `g` of the loss
      (accumulated over the data); score `|g * w|` (first-order Taylor
      expansion of the loss change when `w` is removed).
    * `metric=fisher`: the archive holds the empirical Fisher diagonal
      `sum_s g_s^2`; score `0.5 * F * w^2` (second-order, Fisher
      approximation of the Hessian).

    Members are matched to weights by name: the `dense_resource` key, the
    name of a `NameLoc` on the constant, or `weight<N>` (the names
    `prune-report` prints). Every member must match a weight and have its
    shape; gradients with NaN or Inf, unknown names and shape mismatches
    are located errors and nothing is attached. Weights with no member get
    a remark.

    Before: `%w = arith.constant dense_resource<fc1.weight> : tensor<2x2xf32>`;
    after `prune-gradient-importance{gradients=g.npz metric=taylor}`:

    ```mlir
    %w = arith.constant {prune.importance = #prune.importance<metric = taylor,
           granularity = weight, scores = dense_resource<fc1.weight_taylor> : tensor<2x2xf32>>}
         dense_resource<fc1.weight> : tensor<2x2xf32>
    ```
  }];
  let options = [
    Option<"gradients", "gradients", "std::string", /*default=*/"",
           "The .npz archive of gradients">,
    Option<"metric", "metric", "std::string", /*default=*/"\"taylor\"",
           "taylor or fisher">,
  ];
  let dependentDialects = ["::mlir::prune::PruneDialect"];
}

#endif // PRUNE_DATAAWARE_PASSES_TD
