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

def PruneTosaLayouts : Pass<"prune-tosa-layouts", "func::FuncOp"> {
  let summary = "Put the contractions TOSA lowers to in the layouts the CPU "
                "kernels take, weights rewritten at compile time";
  let description = [{
    After upstream's TOSA-to-linalg conversion a `tosa.matmul` is a
    `linalg.batch_matmul` with batch 1 and a `tosa.conv2d` a
    `linalg.conv_2d_nhwc_fhwc` (OHWI filter). `prune-sparsify` lowers
    `linalg.matmul` and `linalg.conv_2d_nhwc_hwcf` with a constant weight to
    sparse kernels; this pass rewrites the two into those forms when the
    weight is a constant that only they read:

    * `linalg.batch_matmul` `[1, M, K] x [1, K, N]` with a constant
      right-hand side: `tensor.collapse_shape` of the activation and the
      init, a `linalg.matmul` on the `[K, N]` weight (same data), and a
      `tensor.expand_shape` of the result;
    * `linalg.conv_2d_nhwc_fhwc` with a constant filter: the filter data
      permuted to `[KH, KW, C, F]` at compile time and a
      `linalg.conv_2d_nhwc_hwcf` with the same strides and dilations.

    The weights keep their names (`dense_resource` keys). Ops with a
    `prune.*` attribute (already pruned) are left alone. `prune-tosa-to-linalg`
    runs it last (option `layouts`, on by default).
  }];
  let dependentDialects = ["tensor::TensorDialect", "linalg::LinalgDialect",
                           "arith::ArithDialect"];
}

#endif // PRUNE_CONVERSION_TOSA_PASSES_TD
