//===- PruneDialect.td - prune dialect definition ----------*- tablegen -*-===//
//
// Part of mlir-prune. The `prune` dialect carries the contract between
// importance analysis, pruning and lowering as attributes.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_DIALECT_TD
#define PRUNE_DIALECT_TD

include "mlir/IR/OpBase.td"

def Prune_Dialect : Dialect {
  let name = "prune";
  let cppNamespace = "::mlir::prune";
  let summary = "Attributes that describe importance, sparsity and targets";
  let description = [{
    The `prune` dialect has no operations. Its attributes are the contract
    between the stages of mlir-prune (score -> mark -> prune -> repair ->
    lower). Every stage reads and writes them, and a user or a front end may
    write them by hand:

    * `prune.importance = #prune.importance<...>` on a weight constant holds
      importance scores (what to keep);
    * `prune.sparsity = #prune.sparsity<...>` on a weight constant (dims in
      the constant's coordinates) or on the op that consumes the weight (dims
      in the consumed operand's coordinates) asks for, or records, a sparsity
      pattern;
    * `prune.target = #prune.target<...>` on a module names the hardware that
      lowering aims at;
    * `prune.dense_shape = array<i64: ...>` on a weight constant, and
      `prune.dense_flops`, `prune.dense_params` and `prune.removed = {...}`
      on a function, record what structural pruning removed, for
      `prune-report`; `prune.kept = [array<i64: ...>, ...]` on a weight
      constant lists, per dim, the indices of the original (`dense_shape`)
      weight that structural removal kept (empty: all);
    * `prune.calibration = {...}` on a weight constant holds the statistics
      `prune-calibrate` recorded for it (docs/data-aware.md);
    * `prune.mask = "<weight name>"` on a function argument or a
      `memref.global` marks the runtime mask `prune-insert-masks` made for
      that weight;
    * `prune.lowering = "<what>"` on a contraction or on a kernel's result
      records what `prune-sparsify` did with it (the kernel, or why it kept
      it dense), for `prune-report`.

    The dialect verifies these discardable attributes against the operation
    that carries them (for example, the shape of the scores against the shape
    of the weight).
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Names of the discardable attributes this dialect verifies.
    static constexpr ::llvm::StringLiteral kImportanceAttrName = "prune.importance";
    static constexpr ::llvm::StringLiteral kSparsityAttrName = "prune.sparsity";
    static constexpr ::llvm::StringLiteral kTargetAttrName = "prune.target";
    /// Bookkeeping of structural pruning, read by prune-report: the shape a
    /// weight constant had before structural removal (array<i64>), and on a
    /// function its FLOPs (f64) and weight parameters (i64) before the first
    /// removal and the count of removed structures per kind (a dictionary
    /// of i64, e.g. {neurons = 128, heads = 2}).
    static constexpr ::llvm::StringLiteral kDenseShapeAttrName = "prune.dense_shape";
    static constexpr ::llvm::StringLiteral kDenseFlopsAttrName = "prune.dense_flops";
    static constexpr ::llvm::StringLiteral kDenseParamsAttrName = "prune.dense_params";
    static constexpr ::llvm::StringLiteral kRemovedAttrName = "prune.removed";
    /// Per dim of a structurally shrunk weight constant, the original indices
    /// it kept (array of array<i64>; an empty entry: the dim is whole).
    static constexpr ::llvm::StringLiteral kKeptAttrName = "prune.kept";
    /// Calibration statistics of a weight constant (prune-calibrate; format
    /// in docs/data-aware.md).
    static constexpr ::llvm::StringLiteral kCalibrationAttrName = "prune.calibration";
    /// The weight a runtime mask (a function argument or a memref.global)
    /// multiplies (prune-insert-masks): a string.
    static constexpr ::llvm::StringLiteral kMaskAttrName = "prune.mask";
    /// What prune-sparsify decided for a contraction: a string.
    static constexpr ::llvm::StringLiteral kLoweringAttrName = "prune.lowering";
  }];
}

#endif // PRUNE_DIALECT_TD
