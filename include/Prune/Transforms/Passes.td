//===- Passes.td - mlir-prune passes -----------------------*- tablegen -*-===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_TRANSFORMS_PASSES_TD
#define PRUNE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

// Options every weight-pruning pass shares.
defvar PruneExcludeOption =
  ListOption<"exclude", "exclude", "std::string",
             "Weights to leave alone: glob patterns matched against the "
             "weight's name (its dense_resource key or NameLoc) and its "
             "printed location, e.g. 'exclude=*embed*,fc1'">;

defvar PruneMetricOption =
  Option<"metric", "metric", "std::string", /*default=*/"\"l1\"",
         "Importance metric: 'l1' (|w|) or 'l2' (w^2), computed here; or "
         "the name of a metric whose scores are attached as "
         "#prune.importance (e.g. 'taylor', 'wanda', 'external'); "
         "'attached' uses whatever scores are attached">;

def PruneImportance : Pass<"prune-importance", "ModuleOp"> {
  let summary = "Score weights and attach #prune.importance";
  let description = [{
    Finds every constant weight that feeds a contraction or convolution
    (through transposes, reshapes, broadcasts and casts) and attaches
    `prune.importance = #prune.importance<...>` to it. The data-free metrics
    are `l1` (sum of |w|) and `l2` (sum of w^2 for one element, the L2 norm
    for a group). The granularity decides what one score covers:
    `weight` (every element), `channel` (every output channel / neuron),
    `block` (every `block` tile of the (output x reduction) view),
    `head` (`heads` equal slices of the output dim) or `layer`.

    Before:

    ```mlir
    %w = arith.constant dense<[[1.0, -2.0], [0.5, 0.0]]> : tensor<2x2xf32>
    %0 = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) ...
    ```

    After `--prune-importance="metric=l1 granularity=weight"`:

    ```mlir
    %w = arith.constant {prune.importance = #prune.importance<metric = l1,
           granularity = weight,
           scores = dense<[[1.0, 2.0], [0.5, 0.0]]> : tensor<2x2xf32>>}
         dense<[[1.0, -2.0], [0.5, 0.0]]> : tensor<2x2xf32>
    ```

    Scores of weights with more than `resource-threshold` elements are
    stored as `dense_resource` blobs rather than inline.
  }];
  let options = [
    Option<"metric", "metric", "std::string", /*default=*/"\"l1\"",
           "Data-free metric: 'l1' or 'l2'">,
    Option<"granularity", "granularity", "std::string",
           /*default=*/"\"weight\"",
           "What one score covers: weight, channel, block, head or layer">,
    ListOption<"block", "block", "int64_t",
               "Block shape R,C for granularity=block (default 4,4)">,
    Option<"heads", "heads", "int64_t", /*default=*/"0",
           "Number of heads for granularity=head">,
    Option<"resourceThreshold", "resource-threshold", "int64_t",
           /*default=*/"4096",
           "Store scores with more elements than this as dense_resource">,
    PruneExcludeOption,
  ];
  let dependentDialects = ["::mlir::prune::PruneDialect"];
}

def PruneUnstructured : Pass<"prune-unstructured", "ModuleOp"> {
  let summary = "Zero the least important individual weights";
  let description = [{
    Zeroes the `ratio` fraction of weight elements with the lowest
    importance. With `scope=layer` every weight loses round(ratio * numel)
    elements, as `torch.nn.utils.prune.l1_unstructured` does; with
    `scope=global` all weights are ranked together and round(ratio * total)
    elements are removed wherever they are, as
    `torch.nn.utils.prune.global_unstructured` does. `round` is
    round-half-to-even, like Python's. Ties are broken by position: among
    equal scores the element with the lower row-major index is kept.

    Before:

    ```mlir
    %w = arith.constant dense<[[1.0, -2.0], [0.5, 3.0]]> : tensor<2x2xf32>
    %0 = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) ...
    ```

    After `--prune-unstructured="ratio=0.5"`:

    ```mlir
    %w = arith.constant dense<[[0.0, -2.0], [0.0, 3.0]]> : tensor<2x2xf32>
    %0 = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.5, operand = 1>}
           ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) ...
    ```
  }];
  let options = [
    Option<"ratio", "ratio", "double", /*default=*/"0.5",
           "Fraction of weights to zero, in [0, 1)">,
    Option<"scope", "scope", "std::string", /*default=*/"\"layer\"",
           "'layer': each weight loses `ratio`; 'global': rank all weights "
           "together">,
    PruneMetricOption,
    PruneExcludeOption,
  ];
  let dependentDialects = ["::mlir::prune::PruneDialect"];
}

def PruneNM : Pass<"prune-nm", "ModuleOp"> {
  let summary = "N:M semi-structured pruning along the reduction dim";
  let description = [{
    In every group of `m` consecutive elements along a weight's reduction
    dim (the input-channel dim for convolutions, as NVIDIA's ASP and
    TensorRT do) keeps the `n` with the highest importance and zeroes the
    rest. Ties keep the lower index. A weight whose reduction dim does not
    divide by `m`, or that has no single reduction dim, stays dense with a
    remark.

    Before (a PyTorch Linear: weight [out, in] transposed into the matmul):

    ```mlir
    %w = arith.constant dense<[[1.0, -4.0, 2.0, 0.5]]> : tensor<1x4xf32>
    %t = linalg.transpose ins(%w : tensor<1x4xf32>) outs(%e : tensor<4x1xf32>) permutation = [1, 0]
    %0 = linalg.matmul ins(%x, %t : tensor<8x4xf32>, tensor<4x1xf32>) ...
    ```

    After `--prune-nm="n=2 m=4"`:

    ```mlir
    %w = arith.constant dense<[[0.0, -4.0, 2.0, 0.0]]> : tensor<1x4xf32>
    ...
    %0 = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>} ...
    ```
  }];
  let options = [
    Option<"n", "n", "int64_t", /*default=*/"2", "Elements kept per group">,
    Option<"m", "m", "int64_t", /*default=*/"4", "Group size">,
    PruneMetricOption,
    PruneExcludeOption,
  ];
  let dependentDialects = ["::mlir::prune::PruneDialect"];
}

def PruneBlocks : Pass<"prune-blocks", "ModuleOp"> {
  let summary = "Zero whole blocks of the (output x reduction) view";
  let description = [{
    Views every weight as a matrix whose rows are the consumer's output dim
    and whose columns are its reduction dim (convolution weights: one such
    matrix per kernel position), tiles it into `block` = R x C blocks,
    scores each block (`l2`: Frobenius norm, `l1`: sum of |w|, or attached
    block-granularity scores) and zeroes the `ratio` fraction of blocks with
    the lowest scores in each weight. A weight whose view does not tile
    evenly stays dense with a remark.

    Before:

    ```mlir
    %w = arith.constant dense<[[1.0, 1.0, 0.1, 0.1], [1.0, 1.0, 0.1, 0.1]]> : tensor<2x4xf32>
    ```

    After `--prune-blocks="block=2,2 ratio=0.5"` (rows = output dim 0):

    ```mlir
    %w = arith.constant dense<[[1.0, 1.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0]]> : tensor<2x4xf32>
    ```
  }];
  let options = [
    ListOption<"block", "block", "int64_t",
               "Block shape R,C (rows along the output dim, columns along "
               "the reduction dim); default 4,4">,
    Option<"ratio", "ratio", "double", /*default=*/"0.5",
           "Fraction of blocks to zero, in [0, 1)">,
    Option<"metric", "metric", "std::string", /*default=*/"\"l2\"",
           "Block score: 'l2' (Frobenius norm), 'l1', or an attached "
           "block-granularity metric">,
    PruneExcludeOption,
  ];
  let dependentDialects = ["::mlir::prune::PruneDialect"];
}

def PruneApply : Pass<"prune-apply", "ModuleOp"> {
  let summary = "Carry out hand-written #prune.sparsity attributes";
  let description = [{
    Carries out `prune.sparsity` attributes that a user or a front end wrote
    on weight constants (dims in the constant's coordinates) or on the ops
    that consume them (dims in the operand's coordinates; `operand` names
    the weight operand when there are several). Scores come from an
    attached `#prune.importance` when there is one, otherwise from the
    weight's magnitude. The attribute is then replaced by the achieved
    pattern. A `prune.sparsity` on an op that consumes no weight is an
    error, and nothing is rewritten.

    Structural patterns are carried out with the engine of `prune-neurons`
    / `prune-filters` / `prune-heads` / `prune-layers`: `channel` (with
    `dim` and `ratio`) removes that fraction of the coupled channels,
    `head` (with `heads`, `dim` and `ratio`) that fraction of the attention
    heads splitting `dim`, and `layer` on a residual add removes its branch.
    Attached channel- or head-granularity `#prune.importance` scores along
    the same dim choose what goes; otherwise the l2 norm of the coupled
    weight slices. Every request is checked before anything changes.

    Before:

    ```mlir
    %0 = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4>}
           ins(%x, %w : tensor<8x16xf32>, tensor<16x4xf32>) ...
    ```

    After `--prune-apply`, `%w` holds at most two non-zeros in every four
    consecutive elements along its reduction dim, and the attribute records
    `dim = 0` and the achieved ratio.
  }];
  let dependentDialects = ["::mlir::prune::PruneDialect"];
}

// Options the structural passes share.
defvar PruneStructuralOptions = [
  Option<"ratio", "ratio", "double", /*default=*/"0.5",
         "Fraction of each group's indices to remove, in [0, 1)">,
  Option<"keep", "keep", "int64_t", /*default=*/"0",
         "Keep exactly this many indices per group (overrides ratio)">,
  Option<"metric", "metric", "std::string", /*default=*/"\"l2\"",
         "Unit score: 'l2' (norm of every coupled weight slice) or 'l1'; "
         "or the name of a metric (e.g. 'activation', 'taylor') whose "
         "channel- or head-granularity #prune.importance is attached to a "
         "weight of the group; 'attached' takes any">,
  Option<"scope", "scope", "std::string", /*default=*/"\"layer\"",
         "'layer': every group loses `ratio`; 'global': indices of all "
         "groups are ranked together, each group's scores divided by their "
         "mean (as Torch-Pruning's global mode does)">,
  Option<"minKeep", "min-keep", "int64_t", /*default=*/"1",
         "Never keep fewer than this many indices of a group">,
  Option<"roundTo", "round-to", "int64_t", /*default=*/"1",
         "Round the kept count up to a multiple of this (e.g. 8)">,
  Option<"mode", "mode", "std::string", /*default=*/"\"remove\"",
         "'remove' shrinks every coupled tensor; 'zero' keeps shapes and "
         "zeroes the consumer weights' slices (the exactness oracle)">,
  PruneExcludeOption,
];

def PruneNeurons : Pass<"prune-neurons", "ModuleOp"> {
  let summary = "Remove hidden units of fully connected layers";
  let description = [{
    Removes the least important hidden units of MLPs: rows of the weight
    that produces them, the matching bias entries, and the columns of every
    weight that reads them, through every elementwise op, transpose and
    trivial reshape in between (see the dimension-coupling analysis,
    `prune-print-coupling`). A unit's score aggregates the norms of all
    weight slices coupled to it. Groups the analysis cannot prove safe (a
    function argument or result, an unknown op, a reduction that mixes the
    units such as LayerNorm or softmax) are left alone with a remark naming
    the reason. The function signature never changes.

    Before (hidden size 4):

    ```mlir
    %w1 = arith.constant dense<...> : tensor<4x3xf32>
    %t1 = linalg.transpose ins(%w1 : tensor<4x3xf32>) outs(%e1 : tensor<3x4xf32>) permutation = [1, 0]
    %h = linalg.matmul ins(%x, %t1 : tensor<1x3xf32>, tensor<3x4xf32>) outs(%f1 : tensor<1x4xf32>) -> tensor<1x4xf32>
    %r = linalg.generic {...} ins(%h : tensor<1x4xf32>) outs(%e : tensor<1x4xf32>) { arith.maximumf ... }
    %w2 = arith.constant dense<...> : tensor<2x4xf32>
    ...
    ```

    After `--prune-neurons="ratio=0.5"`: `%w1` is `tensor<2x3xf32>`, `%h` and
    `%r` are `tensor<1x2xf32>`, `%w2` is `tensor<2x2xf32>`.
  }];
  let options = PruneStructuralOptions;
  let dependentDialects = ["::mlir::prune::PruneDialect",
                           "::mlir::tensor::TensorDialect"];
}

def PruneFilters : Pass<"prune-filters", "ModuleOp"> {
  let summary = "Remove convolution filters (output channels)";
  let description = [{
    Removes the least important output channels of convolutions (NCHW and
    NHWC): the filters, their bias, the BatchNorm parameters (also when
    BatchNorm is decomposed into elementwise ops), and the input channels of
    every layer that reads them. Channels coupled through residual adds are
    scored and removed together. Depthwise and grouped convolutions couple
    their input and output channels. Same options and safety rules as
    `prune-neurons`.

    Before: `%f = arith.constant dense<...> : tensor<8x3x3x3xf32>` feeding
    `linalg.conv_2d_nchw_fchw`, BatchNorm and ReLU, then a conv reading 8
    channels. After `--prune-filters="ratio=0.5"` the first filter is
    `tensor<4x3x3x3xf32>`, the BatchNorm constants have 4 channels and the
    next filter is `tensor<Kx4xRxSxf32>`.
  }];
  let options = PruneStructuralOptions;
  let dependentDialects = ["::mlir::prune::PruneDialect",
                           "::mlir::tensor::TensorDialect"];
}

def PruneHeads : Pass<"prune-heads", "ModuleOp"> {
  let summary = "Remove attention heads";
  let description = [{
    Finds attention heads from the reshapes that split a [.., H*D] dim into
    [.., H, D] (`tensor.expand_shape`, and the `tensor.collapse_shape` that
    merges them back) and removes the least important heads: the q, k and v
    projections lose D output rows per head (with their biases), the output
    projection loses D input columns per head, and every tensor on the way
    (transposes, the 3-D `batch_matmul` or 4-D `linalg.generic` attention,
    softmax, reshapes) gets the new H. A head's score aggregates the norms
    of every weight slice of that head. Grouped-query attention (key/value
    heads shared between query heads) is refused with a remark, as is every
    group the coupling analysis cannot prove safe.

    Before (4 heads of 8): `%q = ... tensor<8x32xf32>`,
    `tensor.expand_shape %q [[0], [1, 2]] output_shape [8, 4, 8]`, ...,
    output projection weight `tensor<32x32xf32>`.
    After `--prune-heads="ratio=0.5"`: the q/k/v weights are
    `tensor<16x32xf32>`, the expand gives `tensor<8x2x8xf32>`, and the
    output projection weight is `tensor<32x16xf32>`.
  }];
  let options = PruneStructuralOptions;
  let dependentDialects = ["::mlir::prune::PruneDialect",
                           "::mlir::tensor::TensorDialect"];
}

def PruneLayers : Pass<"prune-layers", "ModuleOp"> {
  let summary = "Remove residual branches or whole transformer layers";
  let description = [{
    Finds residual adds `y = x + f(x)` (an elementwise add whose one input
    is computed from the other) whose branch `f` holds at least one weight
    and whose values are used nowhere else, and removes the least important
    ones: `y = x + f(x)` becomes `y = x` and the branch disappears. With
    `unit=layer`, two consecutive branches (an attention branch and the MLP
    branch after it) form one layer; removing it maps the layer's input
    straight to its output (the value the next layer reads, or the
    function's result), normalisation after the adds included: "remove 2-3
    layers of DistilBERT". Scores are data-free: the RMS (`l2`) or mean
    absolute value (`l1`) of the unit's weights; a `#prune.sparsity<pattern
    = layer>` written on a residual add asks `prune-apply` to remove exactly
    that branch.

    `mode=zero` keeps the branch and zeroes its last weight and every
    constant between that weight and the add (exact for branches that end
    in a linear layer with bias): the exactness oracle of `mode=remove`.

    Before: `%y = linalg.generic {... arith.addf ...} ins(%x, %fx ...)`
    where `%fx` is an MLP of `%x`. After `--prune-layers="count=1"`: uses of
    `%y` use `%x` and the MLP's ops and weights are gone.
  }];
  let options = [
    Option<"count", "count", "int64_t", /*default=*/"1",
           "Number of units to remove (ignored when ratio > 0)">,
    Option<"ratio", "ratio", "double", /*default=*/"0.0",
           "Fraction of the units to remove, in [0, 1)">,
    Option<"unit", "unit", "std::string", /*default=*/"\"branch\"",
           "'branch' (one residual branch) or 'layer' (two consecutive "
           "branches: attention + MLP)">,
    Option<"metric", "metric", "std::string", /*default=*/"\"l2\"",
           "Unit score: 'l2' (RMS of its weights) or 'l1' (mean |w|)">,
    Option<"mode", "mode", "std::string", /*default=*/"\"remove\"",
           "'remove' or 'zero' (see above; unit=branch only)">,
    PruneExcludeOption,
  ];
  let dependentDialects = ["::mlir::prune::PruneDialect"];
}

def PrunePrintCoupling : Pass<"prune-print-coupling", "ModuleOp"> {
  let summary = "Print the dimension-coupling groups (inspection and tests)";
  let description = [{
    Prints, for every function, each group of coupled dims that contains a
    weight dim: its size, whether it is prunable (or why it is refused), its
    producer and consumer weights, and its (value, dim) nodes. The IR is not
    changed.
  }];
}

def PruneReport : Pass<"prune-report", "ModuleOp"> {
  let summary = "Report parameters, non-zeros, bytes and FLOPs per weight";
  let description = [{
    For every discovered weight and in total: parameters, non-zeros, bytes
    stored dense and compressed in the recorded pattern (CSR for
    unstructured, values + index metadata for N:M, BSR for blocks), and the
    FLOPs of its consumers before and after pruning (a zero weight saves its
    multiply-add). Writes JSON to `output` and a readable table to stderr.
    The IR is not changed.
  }];
  let options = [
    Option<"output", "output", "std::string", /*default=*/"\"\"",
           "Write the report as JSON to this file ('-' for stdout)">,
    Option<"quiet", "quiet", "bool", /*default=*/"false",
           "Do not print the table to stderr">,
  ];
}

//===----------------------------------------------------------------------===//
// Schedules and dynamic pruning (docs/schedules.md)
//===----------------------------------------------------------------------===//

def PruneIterative : Pass<"prune-iterative", "ModuleOp"> {
  let summary = "Reach a target sparsity in steps, re-scoring and repairing "
                "between them";
  let description = [{
    Runs a per-step pass pipeline `steps` times on the module. In the
    pipeline text, `@ratio@` stands for the step's sparsity (cumulative: a
    fraction of the whole weight, what fine-grained passes take),
    `@increment@` for the fraction of what is left that the step removes,
    `(r_s - r_{s-1}) / (1 - r_{s-1})` (what structural passes that shrink
    the model take), and `@step@` for the step number (1-based). The ratio
    of step s (of S) is
    * `schedule=linear`: `target * s / S`;
    * `schedule=cubic` (Zhu & Gupta 2017): `target * (1 - (1 - s / S)^3)`,
      large steps first while there are many redundant weights, small ones
      at the end.
    The last step reaches `target`. Every step re-scores the module as the
    previous step left it, so a pipeline with calibration and repair
    (`prune-calibrate`, `prune-reconstruct`) re-measures and refits between
    steps. Masks are monotone: a weight element that is zero before a step
    is zero after it (the pass re-zeroes, with a remark, any element a step
    revived). Each step reports the sparsity it reached with a remark.

    The whole run is one transaction: a pipeline that does not parse, a
    target outside [0, 1), `steps < 1` or a step that fails leaves the
    module as it was.

    Example (the default pipeline is `prune-unstructured{ratio=@ratio@}`):

    ```
    prune-opt model.mlir --pass-pipeline='builtin.module(prune-iterative{
        target=0.7 steps=4 schedule=cubic
        pipeline="prune-calibrate{inputs=calib.npy},prune-unstructured{ratio=@ratio@ metric=wanda},prune-reconstruct"})'
    ```

    prunes to 0.4 (step 1), 0.6125, 0.6891, 0.7 with a fresh calibration
    and a least-squares repair after each.
  }];
  let options = [
    Option<"target", "target", "double", /*default=*/"0.5",
           "Sparsity to reach after the last step, in [0, 1)">,
    Option<"steps", "steps", "int64_t", /*default=*/"4",
           "Number of steps (>= 1)">,
    Option<"schedule", "schedule", "std::string", /*default=*/"\"linear\"",
           "How the ratio grows: 'linear' or 'cubic' (Zhu & Gupta)">,
    Option<"pipeline", "pipeline", "std::string",
           /*default=*/"\"prune-unstructured{ratio=@ratio@}\"",
           "Pass pipeline run at each step (anchored on builtin.module); "
           "@ratio@ is replaced by the step's ratio, @increment@ by the "
           "fraction of the rest it removes, @step@ by its number">,
  ];
  let dependentDialects = ["::mlir::prune::PruneDialect"];
}

def PruneInsertMasks : Pass<"prune-insert-masks", "ModuleOp"> {
  let summary = "Make every weight `w * mask` with the mask a runtime value";
  let description = [{
    For every prunable weight `W` (a constant that feeds a contraction or a
    convolution) inserts `linalg.generic { arith.mulf }` computing `W * M`
    and makes every use of `W` use the product. The mask `M` (same shape and
    element type as `W`) is
    * `as=argument`: a new argument appended to the function, with the
      argument attribute `prune.mask = "<weight name>"`;
    * `as=global`: a mutable `memref.global` named `prune_mask_<N>` (with
      `prune.mask = "<weight name>"`), read with `memref.get_global` and
      `bufferization.to_tensor`; a runtime writes it between calls.
    The initial mask (the global's initial value) is `init=current`: 1
    where the weight is non-zero now, 0 where it is zero; or `init=ones`.
    A training loop can then update the masks without recompiling, e.g.
    with the gradual-magnitude schedule of `scripts/prune-schedule.py`.

    Before:

    ```mlir
    func.func @f(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
      %w = arith.constant dense<[[1.0, 0.0], [0.5, 3.0]]> : tensor<2x2xf32>
      %0 = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) ...
    ```

    After `--prune-insert-masks="as=argument"`:

    ```mlir
    func.func @f(%x: tensor<1x2xf32>, %mask: tensor<2x2xf32> {prune.mask = "weight0"}) -> tensor<1x2xf32> {
      %w = arith.constant dense<[[1.0, 0.0], [0.5, 3.0]]> : tensor<2x2xf32>
      %m = linalg.generic {...} ins(%w, %mask : ...) outs(...) { arith.mulf }
      %0 = linalg.matmul ins(%x, %m : tensor<1x2xf32>, tensor<2x2xf32>) ...
    ```

    With `as=argument` a function that is called from the module (its
    callers would need the new argument) is refused with an error, and
    nothing changes.
  }];
  let options = [
    Option<"as", "as", "std::string", /*default=*/"\"argument\"",
           "Where masks live: 'argument' or 'global'">,
    Option<"init", "init", "std::string", /*default=*/"\"current\"",
           "Initial mask: 'current' (the weight's non-zeros) or 'ones'">,
    PruneExcludeOption,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::bufferization::BufferizationDialect"];
}

def PruneReluSkip : Pass<"prune-relu-skip", "ModuleOp"> {
  let summary = "Skip, at run time, the work of hidden units a ReLU zeroed";
  let description = [{
    Rewrites `linalg.matmul(relu(h), W)` (a ReLU MLP's second layer) so that
    hidden units that are zero at run time cost nothing: the product
    becomes a loop over the hidden units that accumulates a unit's row of
    `W` only when its activation is non-zero. With `granularity=row` every
    row of the batch is treated separately (`scf.for` over rows and units,
    `scf.if` on the activation, an axpy of the weight row); with
    `granularity=batch` a unit is skipped when its whole column is zero
    (one rank-1 update per live unit). Zero activations contribute exactly
    zero, so the result is the same as the dense product.

    The ReLU is a `linalg.generic` with one input whose body is
    `arith.maximumf` / `arith.maxnumf` with 0 (either order), or
    `arith.cmpf ugt/ogt` with 0 followed by `arith.select`. A matmul whose
    left operand is not such a ReLU, that has transposed indexing maps or
    dynamic shapes, is left alone with a remark.

    Before:

    ```mlir
    %h = linalg.generic {...} ins(%a : tensor<4x256xf32>) ... { arith.maximumf %in, %zero }
    %y = linalg.matmul ins(%h, %w : tensor<4x256xf32>, tensor<256x10xf32>) outs(%acc : tensor<4x10xf32>)
    ```

    After `--prune-relu-skip` (granularity=row):

    ```mlir
    %y = scf.for %i = %c0 to %c4 step %c1 iter_args(%o = %acc) -> (tensor<4x10xf32>) {
      %r = scf.for %k = %c0 to %c256 step %c1 iter_args(%o2 = %o) -> (tensor<4x10xf32>) {
        %a = tensor.extract %h[%i, %k] : tensor<4x256xf32>
        %live = arith.cmpf une, %a, %zero : f32
        %n = scf.if %live -> (tensor<4x10xf32>) {
          // o2[i, :] += a * w[k, :]
        } else {
          scf.yield %o2 : tensor<4x10xf32>
        }
        scf.yield %n : tensor<4x10xf32>
      }
      scf.yield %r : tensor<4x10xf32>
    }
    ```
  }];
  let options = [
    Option<"granularity", "granularity", "std::string",
           /*default=*/"\"row\"",
           "'row': skip per batch row; 'batch': skip units dead for the "
           "whole batch">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

#endif // PRUNE_TRANSFORMS_PASSES_TD
