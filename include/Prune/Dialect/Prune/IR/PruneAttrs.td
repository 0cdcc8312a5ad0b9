//===- PruneAttrs.td - prune dialect attributes ------------*- tablegen -*-===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_ATTRS_TD
#define PRUNE_ATTRS_TD

include "Prune/Dialect/Prune/IR/PruneDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Prune_Metric : I32EnumAttr<"Metric", "importance metric", [
    I32EnumAttrCase<"L1", 0, "l1">,
    I32EnumAttrCase<"L2", 1, "l2">,
    I32EnumAttrCase<"Taylor", 2, "taylor">,
    I32EnumAttrCase<"Fisher", 3, "fisher">,
    I32EnumAttrCase<"Wanda", 4, "wanda">,
    I32EnumAttrCase<"Activation", 5, "activation">,
    I32EnumAttrCase<"External", 6, "external">]> {
  let cppNamespace = "::mlir::prune";
  let genSpecializedAttr = 0;
}

def Prune_Granularity : I32EnumAttr<"Granularity",
    "what one importance score covers", [
    I32EnumAttrCase<"Weight", 0, "weight">,
    I32EnumAttrCase<"Channel", 1, "channel">,
    I32EnumAttrCase<"Block", 2, "block">,
    I32EnumAttrCase<"Head", 3, "head">,
    I32EnumAttrCase<"Layer", 4, "layer">]> {
  let cppNamespace = "::mlir::prune";
  let genSpecializedAttr = 0;
}

def Prune_Pattern : I32EnumAttr<"SparsityKind", "sparsity pattern", [
    I32EnumAttrCase<"Unstructured", 0, "unstructured">,
    I32EnumAttrCase<"NM", 1, "nm">,
    I32EnumAttrCase<"Block", 2, "block">,
    I32EnumAttrCase<"Channel", 3, "channel">,
    I32EnumAttrCase<"Head", 4, "head">,
    I32EnumAttrCase<"Layer", 5, "layer">]> {
  let cppNamespace = "::mlir::prune";
  let genSpecializedAttr = 0;
}

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

// A non-negative index or count, omitted when absent.
def Prune_OptionalInt : OptionalParameter<"std::optional<int64_t>">;

// A floating-point ratio such as `0.5`, printed in its shortest exact form.
// Stored as an f64 FloatAttr (null when absent); use getRatioValue().
def Prune_OptionalRatio : OptionalParameter<"::mlir::FloatAttr"> {
  let parser = [{ ::mlir::prune::parseRatio($_parser) }];
  let printer = [{ ::mlir::prune::printRatio($_printer, $_self) }];
}

// A block shape `[R, C]`.
def Prune_OptionalBlock : OptionalArrayRefParameter<"int64_t"> {
  let parser = [{ ::mlir::prune::parseIntList($_parser) }];
  let printer = [{ ::mlir::prune::printIntList($_printer, $_self) }];
}

// A list of N:M patterns `[2:4, 1:4]`, stored flattened as N, M pairs.
def Prune_OptionalNMList : OptionalArrayRefParameter<"int64_t"> {
  let parser = [{ ::mlir::prune::parseNMList($_parser) }];
  let printer = [{ ::mlir::prune::printNMList($_printer, $_self) }];
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

class Prune_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Prune_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def Prune_ImportanceAttr : Prune_Attr<"Importance", "importance"> {
  let summary = "Importance scores of a weight";
  let description = [{
    Importance scores for the weight constant that carries the attribute (as
    `prune.importance`). Higher scores mean more important: pruning removes
    the lowest scores first.

    * `metric`: how the scores were obtained: `l1` (|w|), `l2` (w^2 or the L2
      norm of a group), `taylor`, `fisher`, `wanda`, `activation`, or
      `external` (written by a user or another tool).
    * `granularity`: what one score covers, and so the shape of `scores`:
      - `weight`: one score per element; `scores` has the weight's shape.
      - `channel`: one score per index of dimension `dim` (neurons, filters);
        `scores` is 1-D with `shape[dim]` elements.
      - `block`: one score per `block = [R, C]` tile of the weight's
        (output x reduction) view; `scores` is at least 2-D and has
        `numel / (R * C)` elements.
      - `head`: one score per attention head; `heads` heads split dimension
        `dim` evenly; `scores` is 1-D with `heads` elements.
      - `layer`: one score for the whole weight; `scores` has one element.
    * `scores`: an `f32` tensor, `dense<...>` or `dense_resource<...>`.

    Example:

    ```mlir
    %w = arith.constant {prune.importance = #prune.importance<metric = l1,
           granularity = channel, dim = 0, scores = dense<[1.5, 0.25]> : tensor<2xf32>>}
         dense<[[1.0, -0.5], [0.25, 0.0]]> : tensor<2x2xf32>
    ```
  }];
  let parameters = (ins
    EnumParameter<Prune_Metric>:$metric,
    EnumParameter<Prune_Granularity>:$granularity,
    Prune_OptionalInt:$dim,
    Prune_OptionalBlock:$block,
    Prune_OptionalInt:$heads,
    "::mlir::ElementsAttr":$scores);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Checks that the scores fit a weight of type `weightType`.
    ::llvm::LogicalResult verifyAgainst(::mlir::ShapedType weightType,
        ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError) const;
  }];
}

def Prune_SparsityAttr : Prune_Attr<"Sparsity", "sparsity"> {
  let summary = "A sparsity pattern, requested or achieved";
  let description = [{
    A sparsity pattern. On a weight constant it is a request (`prune-apply`
    carries it out) or a record; on the operation that consumes the weight,
    pruning passes record the pattern they achieved so that lowering can pick
    a storage format and a kernel.

    * `pattern`:
      - `unstructured`: individual zeros; `ratio` is the fraction of zeros.
      - `nm`: in every group of `m` consecutive elements along dimension
        `dim` at most `n` are non-zero (`0 < n < m`), e.g. 2:4.
      - `block`: whole `block = [R, C]` tiles of the (output x reduction)
        view are zero; `ratio` is the fraction of zero tiles.
      - `channel`: whole indices of dimension `dim` are removed (neurons,
        filters); `ratio` is the fraction removed.
      - `head`: whole attention heads of dimension `dim`, split into `heads`
        heads, are removed.
      - `layer`: the whole layer (residual branch) is removed.
    * `ratio`: the target or achieved fraction removed, in [0, 1).
    * `dim`: a dimension of the constant (on a constant) or of the consumed
      operand (on a consumer).
    * `operand`: on a consumer, which input operand holds the weight; may be
      omitted when the consumer has exactly one weight.

    Examples:

    ```mlir
    #prune.sparsity<pattern = unstructured, ratio = 0.9>
    #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1>
    #prune.sparsity<pattern = block, block = [4, 4], ratio = 0.5>
    #prune.sparsity<pattern = channel, dim = 0, ratio = 0.25>
    ```
  }];
  let parameters = (ins
    EnumParameter<Prune_Pattern>:$pattern,
    Prune_OptionalInt:$n,
    Prune_OptionalInt:$m,
    Prune_OptionalInt:$dim,
    Prune_OptionalBlock:$block,
    Prune_OptionalInt:$heads,
    Prune_OptionalRatio:$ratio,
    Prune_OptionalInt:$operand);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Checks that the pattern fits a tensor of type `type` (the constant,
    /// or the consumed operand).
    ::llvm::LogicalResult verifyAgainst(::mlir::ShapedType type,
        ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError) const;
    /// True for patterns that remove whole structures.
    bool isStructural() const;
  }];
}

def Prune_TargetAttr : Prune_Attr<"Target", "target"> {
  let summary = "A hardware target for sparse lowering";
  let description = [{
    Describes what a piece of hardware runs fast: the N:M patterns it
    accelerates (`nm`), its preferred block shape (`block`), its vector
    width in bits (`vector_width`), and the fraction of zeros above which
    unstructured sparse code beats dense code (`min_sparsity`).

    The built-in names `x86-avx2`, `x86-avx512`, `aarch64-neon`,
    `nvidia-sm80`, `nvidia-sm90`, `intel-amx` and `arm-sme` need no further
    fields:
    `#prune.target<name = "nvidia-sm80">` means sm_80 with 2:4 sparse tensor
    cores; `intel-amx` is a tile accelerator with no N:M support whose
    `block` `[32, 16]` is the weight block of one bf16 tile multiply, and
    `arm-sme` (512-bit streaming vector length) one whose `block` `[16, 16]`
    is the weight block of 16 f32 outer products on a ZA tile. A
    custom target spells its capabilities out, and a field given
    with a built-in name overrides the built-in value:

    ```mlir
    #prune.target<name = "my-npu", nm = [1:4, 2:4], block = [16, 16], vector_width = 512>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"target name">:$name,
    Prune_OptionalNMList:$nm,
    Prune_OptionalBlock:$block,
    Prune_OptionalInt:$vector_width,
    Prune_OptionalRatio:$min_sparsity);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// True if `name` is one of the built-in targets.
    static bool isBuiltinName(::llvm::StringRef name);
    /// The names of the built-in targets.
    static ::llvm::ArrayRef<::llvm::StringRef> getBuiltinNames();
    /// This target with every field the built-in description has filled in
    /// (fields given explicitly win).
    TargetAttr resolved() const;
    /// True if the (resolved) target accelerates N:M sparsity `n`:`m`.
    bool supportsNM(int64_t n, int64_t m) const;
  }];
}

#endif // PRUNE_ATTRS_TD
