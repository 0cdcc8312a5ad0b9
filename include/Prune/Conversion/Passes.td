//===- Passes.td - mlir-prune lowering passes --------------*- tablegen -*-===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_CONVERSION_PASSES_TD
#define PRUNE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

defvar PruneTargetOption =
  Option<"target", "target", "std::string", /*default=*/"\"\"",
         "Target whose kernels to emit: a built-in name (x86-avx2, "
         "x86-avx512, aarch64-neon). Empty: the `prune.target` attribute of "
         "the module, else x86-avx512">;

def PruneSparsify : Pass<"prune-sparsify", "ModuleOp"> {
  let summary = "Compress pruned weights and lower their matmuls to "
                "structured-sparse vector kernels";
  let description = [{
    Rewrites every 2-D f32 `linalg.matmul` whose constant right-hand side
    (the weight, possibly behind a `linalg.transpose`) carries
    `prune.sparsity` into a compressed weight and a vector kernel:

    * `nm` along the reduction dim (2:4, 1:4, 4:8, any N:M the target
      lists): `values` f32 and `positions` i8 (the position of each kept
      value inside its group of `m`), `[N, K*n/m]` stored with the rows in
      the kernel's traversal order when K is split into reduction blocks
      (`[N * blocks, K*n/m / blocks]`: chunk of output rows, block, row);
    * `block` `[R, C]`: BSR over the (output x reduction) view: `rowptr`
      i32, block column `cols` i32 and `values` `[nnzb, R, C]`;
    * `unstructured`: CSR (BSR with 1x1 blocks).

    Small batches (at most 4 rows) of N:M on x86 (AVX-512, AVX2) use a
    dot-product kernel instead, when the kept weights of a row fill whole
    vectors: `values` as above and, per vector of kept weights,
    `ceil(log2 m)` lane masks (`<weight>.nm-masks`, i16 for 16 lanes, i8
    for 8: bit `l` of mask `t` is bit `t` of the position of kept weight
    `l`), i.e. 2 bits per kept weight for 2:4. The activation is repacked
    once per call as `xq[b, q, j] = x[b, (j / n) * m + q]`; a step loads
    one vector of kept values, the `m` candidate activation vectors (shared
    by a tile of rows) and selects the right one per lane with a tree of
    `arith.select` on the masks (no gathers), then `vector.fma`; rows are
    reduced across lanes at the end.

    The kernel computes `yT[o, :] += w[o, k] * xT[k, :]` for every stored
    non-zero: the activation is transposed once (square tiles transposed in
    registers) into panels `xP [ceil(M / W), K, W]` of `W` batch columns, so
    that every non-zero is a broadcast-and-FMA over a contiguous row of the
    batch (no gathers); register tiles of `R` output rows times `U` vectors
    of the target's width (`W = U x lanes`); N:M kernels split K into blocks
    whose panel rows stay in L1; the accumulators are transposed in
    registers and stored as rows of the result (CSR tiles take 4 rows,
    each with its own loop over its non-zeros; with few accumulators,
    non-zeros run interleaved over independent accumulator sets);
    `scf.parallel` over chunks
    of output rows (OpenMP threads with `prune-cpu-pipeline{threads=N}`).
    The decision is recorded on the IR (`prune.lowering`: the kernel, or
    "kept dense: <why>") and listed by `prune-report`.

    Before:

    ```mlir
    %w = arith.constant {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 1, ratio = 0.5>} dense<...> : tensor<2x8xf32>
    %t = linalg.transpose ins(%w : tensor<2x8xf32>) outs(%e : tensor<8x2xf32>) permutation = [1, 0]
    %y = linalg.matmul {prune.sparsity = #prune.sparsity<pattern = nm, n = 2, m = 4, dim = 0, ratio = 0.5, operand = 1>}
           ins(%x, %t : tensor<4x8xf32>, tensor<8x2xf32>) outs(%acc : tensor<4x2xf32>) -> tensor<4x2xf32>
    ```

    After `--prune-sparsify="target=x86-avx512"`:

    ```mlir
    %vals = arith.constant dense<...> : tensor<2x4xf32>   // dense_resource <weight>.nm-values when large
    %pos = arith.constant dense<...> : tensor<2x4xi8>    // <weight>.nm-positions
    %xP = memref.alloc() : memref<1x8x4xf32>        // packed xT panels
    scf.parallel ... { vector.transpose ... : vector<4x4xf32> ... }
    %yb = memref.alloc() : memref<4x2xf32>
    scf.parallel (%c) = (%c0) to (%c2) step (%c2) {  // chunks of rows
      scf.for %mt = ... {            // panels of the batch
        scf.for %k0 = ... {          // reduction blocks
          scf.for %o = ... {         // row tiles
            scf.for %g = ... iter_args(%acc = ...) {   // groups of m along K
              %v = memref.load %valsb[...]; %p = memref.load %posb[...]
              %xv = vector.transfer_read %panel[%k, %c0] ...
              %acc2 = vector.fma %vb, %xv, %acc ...
            }
            vector.transpose ...; vector.transfer_write ..., %yb[...]
    }}}}
    %y = bufferization.to_tensor %yb restrict writable : ...
    ```

    A contraction stays dense with a remark when the target cannot run the
    recorded pattern, when the cost model says sparse is slower (block or
    unstructured density above `1 - min_sparsity` of the target), when the
    weight's data does not satisfy the recorded pattern (a group with more
    than `n` non-zeros), or when the op is not a plain 2-D f32 matmul with
    the weight as right-hand side. A wrong result is never produced.
  }];
  let options = [
    PruneTargetOption,
    Option<"resourceThreshold", "resource-threshold", "int64_t",
           /*default=*/"4096",
           "Store compressed arrays with more elements than this as "
           "dense_resource">,
  ];
  let dependentDialects = [
    "::mlir::prune::PruneDialect",
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"];
}

def PruneVectorizeMatmul : Pass<"prune-vectorize-matmul", "ModuleOp"> {
  let summary = "Lower dense 2-D f32 matmuls to register-tiled vector code";
  let description = [{
    The dense baseline: every static 2-D f32 `linalg.matmul` (default
    indexing maps) becomes the same kind of loop nest as the sparse kernels
    of `prune-sparsify`, with every weight present: the activation is
    transposed to `xT [K, M]`; for a tile of `R` output columns and `U`
    vectors of the batch, `R x U` accumulators live in registers and every
    `k` costs `U` vector loads of `xT` and `R x U` FMAs with broadcast
    weights (an outer-product micro-kernel). A right-hand side that is a
    `linalg.transpose` of a `[N, K]` weight is read in place (no runtime
    transpose of the weight).

    Before:

    ```mlir
    %y = linalg.matmul ins(%x, %w : tensor<64x256xf32>, tensor<256x128xf32>)
           outs(%acc : tensor<64x128xf32>) -> tensor<64x128xf32>
    ```

    After: the activation packed into panels (in-register transposes),
    `scf.parallel` over chunks of output columns, `scf.for` over `K`
    carrying `vector<16xf32>` accumulators (`vector.fma`), the accumulators
    transposed in registers and written (or added to `%acc` when it is not a
    zero fill) as rows of the result.
  }];
  let options = [PruneTargetOption];
  let dependentDialects = [
    "::mlir::prune::PruneDialect",
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"];
}

#endif // PRUNE_CONVERSION_PASSES_TD
