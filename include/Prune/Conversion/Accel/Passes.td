//===- Passes.td - mlir-prune matrix-accelerator lowering --*- tablegen -*-===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_CONVERSION_ACCEL_PASSES_TD
#define PRUNE_CONVERSION_ACCEL_PASSES_TD

include "mlir/Pass/PassBase.td"

def PruneAMXBlockSparse : Pass<"prune-amx-block-sparse", "ModuleOp"> {
  let summary = "Lower bf16 matmuls with constant weights to Intel AMX tile "
                "code that issues tile multiplies only for non-zero weight "
                "tiles";
  let description = [{
    Rewrites every static `linalg.matmul` `Y[M, N] = X[M, K] * W[K, N] + C`
    with bf16 `X`, a bf16 constant `W` (found by `WeightDiscovery`, possibly
    behind a `linalg.transpose`) and an f32 `C`, `M % 16 == 0`,
    `N % 16 == 0`, `K % 32 == 0`, into AMX dialect code on the tiles of the
    `intel-amx` target (`#prune.target<name = "intel-amx">`: block
    `[32, 16]` of `W`, i.e. one 16x32 bf16 B tile in VNNI layout, a 16x16
    f32 accumulator):

    * `W` is cut into 32x16 blocks at compile time; blocks that are all zero
      are dropped, the others are packed (VNNI: `B[r][2j + p] =
      W[32kb + 2r + p][16nb + j]`) into one constant `tensor<T x 16 x 32 x
      bf16>`.
    * For every 16 rows of `X` (an `scf.for`), every output column tile with
      at least one non-zero block loads its `C` tile, issues one
      `amx.tile_load` of `X` + `amx.tile_load` of the packed block +
      `amx.tile_mulf` per non-zero block, and stores the tile; column tiles
      with no non-zero block are not touched (`Y = C` there).

    So the tile-op count is proportional to the non-zero blocks: a weight
    pruned with `prune-block{block = [32, 16]}` to 75% zero blocks issues a
    quarter of the dense tile multiplies. `skip-zero-tiles=false` issues
    every block (the dense AMX baseline on the same schedule).

    The result is AMX dialect on memrefs inside tensor code; lower with
    one-shot bufferization and `convert-vector-to-llvm{enable-amx}`, then
    compile for a CPU with `-mattr=+amx-tile,+amx-bf16` (the code needs
    AMX hardware, Sapphire Rapids or later, and a kernel that grants AMX
    state to the process, to run).

    Anything else is left alone with a remark.
  }];
  let options = [
    Option<"skipZeroTiles", "skip-zero-tiles", "bool", /*default=*/"true",
           "Issue no tile operations for all-zero weight blocks (false: "
           "every block, the dense baseline)">,
  ];
  let dependentDialects = [
    "::mlir::amx::AMXDialect", "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def PruneSMEBlockSparse : Pass<"prune-sme-block-sparse", "ModuleOp"> {
  let summary = "Lower f32 matmuls with constant weights to Arm SME outer "
                "products that skip all-zero weight blocks";
  let description = [{
    Rewrites every static f32 `linalg.matmul` `Y[M, N] = X[M, K] * W[K, N]
    + C` with a constant `W` (found by `WeightDiscovery`, possibly behind a
    `linalg.transpose`) and `M`, `N`, `K` multiples of the ZA tile side
    `S = svl / 32` into outer products on scalable vectors
    (`vector<[4]xf32>`, accumulators `vector<[4]x[4]xf32>`), which the
    ArmSME lowering (`convert-vector-to-arm-sme`, `enable-arm-streaming`,
    ...) maps to `fmopa` on ZA tiles:

    * `W` is cut into S x S blocks at compile time; for every S rows of `X`
      and every output column tile, only the blocks of that column that are
      not all zero get a loop of S outer products (`X^T[k, rows] x W[k,
      cols]`); column tiles with no non-zero block are not touched.
    * The schedule needs the streaming vector length to be `svl` bits; the
      kernel asserts `vector.vscale == svl / 128` at run time (`cf.assert`).

    `skip-zero-tiles=false` issues every block (the dense baseline).
    Anything else is left alone with a remark.
  }];
  let options = [
    Option<"svl", "svl", "int64_t", /*default=*/"512",
           "Streaming vector length in bits the schedule is built for">,
    Option<"skipZeroTiles", "skip-zero-tiles", "bool", /*default=*/"true",
           "Issue no outer products for all-zero weight blocks">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::cf::ControlFlowDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::vector::VectorDialect",
  ];
}

#endif // PRUNE_CONVERSION_ACCEL_PASSES_TD
