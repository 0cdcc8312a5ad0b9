//===- Passes.td - mlir-prune TOSA input -------------------*- tablegen -*-===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_CONVERSION_TOSA_PASSES_TD
#define PRUNE_CONVERSION_TOSA_PASSES_TD

include "mlir/Pass/PassBase.td"

def PruneTosaConcat : Pass<"prune-tosa-concat", "func::FuncOp"> {
  let summary = "Rewrite tosa.concat as tensor.concat";
  let description = [{
    Upstream's `tosa-to-tensor` lowers `tosa.concat` to a chain of
    `tensor.insert_slice`s into a `tensor.empty`, which the structural passes
    cannot follow (each slice covers only part of the concatenated dim).
    This pass rewrites every `tosa.concat` on ranked tensors as the
    equivalent `tensor.concat`, which the dimension-coupling analysis links
    to its inputs (channels of a concatenated layer are then removed at their
    offset; see docs/structural.md). `prune-tosa-to-linalg` runs it first.

    ```mlir
    %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x8x8x6xf32>, tensor<1x8x8x4xf32>) -> tensor<1x8x8x10xf32>
    // becomes
    %c = tensor.concat dim(3) %a, %b : (tensor<1x8x8x6xf32>, tensor<1x8x8x4xf32>) -> tensor<1x8x8x10xf32>
    ```
  }];
  let dependentDialects = ["tensor::TensorDialect"];
}

#endif // PRUNE_CONVERSION_TOSA_PASSES_TD
