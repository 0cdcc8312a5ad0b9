//===- Reconstruct.cpp - prune-reconstruct --------------------------------===//
//
// Part of mlir-prune. Refits the weights a pruning pass left non-zero so that
// each layer's calibration outputs change as little as possible, using the
// Gram matrix X^T X and the weight as calibrated (prune-calibrate); or, with
// method=sparsegpt, chooses the mask itself column by column (Frantar &
// Alistarh 2023) while updating the remaining weights.
//
//===----------------------------------------------------------------------===//

#include "Prune/Analysis/WeightData.h"
#include "Prune/Analysis/WeightDiscovery.h"
#include "Prune/DataAware/Calibration.h"
#include "Prune/DataAware/Passes.h"
#include "Prune/Dialect/Prune/IR/PruneDialect.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNERECONSTRUCT
#include "Prune/DataAware/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

namespace {
struct PruneReconstructPass
    : public mlir::prune::impl::PruneReconstructBase<PruneReconstructPass> {
  using Base::Base;
  void runOnOperation() override;
};

struct Plan {
  const Weight *weight;
  std::vector<float> values;
  /// Bias compensation: the bias constant and its new values.
  arith::ConstantOp bias;
  std::vector<float> biasValues;
};

using RowMatrix =
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// The mask SparseGPT chooses: `zeros` entries of the weight (unstructured,
/// spread over the column blocks in proportion to their width), or `n` of
/// every `m` consecutive columns kept (N:M).
struct Selection {
  bool nm = false;
  int64_t n = 0, m = 0;
  int64_t zeros = 0;
};
} // namespace

/// Element offsets of the original (`denseShape`) weight seen as a matrix
/// (rows: the multi-indices of every dim not in `colDims`, columns: those of
/// `colDims`, both row-major), plus, for every
/// original row and column, its offset in the current weight of `shape`
/// (structurally shrunk; `kept[d]` the original indices of dim d it kept,
/// empty when whole), or -1 where it was removed.
static void
getMappedOffsets(ArrayRef<int64_t> denseShape, ArrayRef<int64_t> shape,
                 ArrayRef<SmallVector<int64_t>> kept, ArrayRef<int64_t> colDims,
                 std::vector<int64_t> &rowOrig, std::vector<int64_t> &colOrig,
                 std::vector<int64_t> &rowCur, std::vector<int64_t> &colCur) {
  int64_t rank = denseShape.size();
  SmallVector<int64_t> origStrides(rank, 1), curStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d) {
    origStrides[d] = origStrides[d + 1] * denseShape[d + 1];
    curStrides[d] = curStrides[d + 1] * shape[d + 1];
  }
  auto enumerate = [&](bool cols, std::vector<int64_t> &orig,
                       std::vector<int64_t> &cur) {
    orig.assign(1, 0);
    cur.assign(1, 0);
    for (int64_t d = 0; d < rank; ++d) {
      if (llvm::is_contained(colDims, d) != cols)
        continue;
      std::vector<int64_t> map(denseShape[d], -1);
      if (kept[d].empty())
        std::iota(map.begin(), map.end(), 0);
      else
        for (auto [i, k] : llvm::enumerate(kept[d]))
          map[k] = i;
      std::vector<int64_t> nextOrig, nextCur;
      for (auto [o, c] : llvm::zip(orig, cur))
        for (int64_t i = 0; i < denseShape[d]; ++i) {
          nextOrig.push_back(o + i * origStrides[d]);
          nextCur.push_back(c < 0 || map[i] < 0 ? -1
                                                : c + map[i] * curStrides[d]);
        }
      orig = std::move(nextOrig);
      cur = std::move(nextCur);
    }
  };
  enumerate(false, rowOrig, rowCur);
  enumerate(true, colOrig, colCur);
}

/// The bias (or BatchNorm shift) that the output of `weight`'s only consumer
/// goes through next: an elementwise linalg.generic computing `y + b` or
/// `y - b` with `b` a 1-D constant along the dim of `y` that the weight's
/// output dim becomes, read by nothing else. `sign` is +1 for add, -1 for
/// sub. Sets `why` and returns null when there is none.
static arith::ConstantOp findBias(const Weight &weight, double &sign,
                                  std::string &why) {
  if (weight.uses.size() != 1 || weight.outputDim < 0) {
    why = "it has more than one consumer or no single output dim";
    return {};
  }
  const WeightUse &use = weight.uses.front();
  linalg::LinalgOp consumer = use.consumer;
  int64_t operandDim = use.getOperandDim(weight.outputDim);
  if (consumer->getNumResults() != 1 || operandDim < 0) {
    why = "its consumer's output channel cannot be traced";
    return {};
  }
  AffineMap weightMap = consumer.getMatchingIndexingMap(
      &consumer->getOpOperand(use.operandNumber));
  auto loop = dyn_cast<AffineDimExpr>(weightMap.getResult(operandDim));
  AffineMap outMap = consumer.getIndexingMapMatchingResult(
      cast<OpResult>(consumer->getResult(0)));
  std::optional<unsigned> outDim =
      loop ? outMap.getResultPosition(loop) : std::nullopt;
  Value y = consumer->getResult(0);
  auto generic = y.hasOneUse()
                     ? dyn_cast<linalg::GenericOp>(*y.getUsers().begin())
                     : linalg::GenericOp();
  if (!outDim || !generic || generic.getNumDpsInputs() != 2 ||
      generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops() ||
      generic.getDpsInputs()[0] != y) {
    why = "its output does not go straight into a bias add";
    return {};
  }
  auto bias = generic.getDpsInputs()[1].getDefiningOp<arith::ConstantOp>();
  AffineMap yMap =
      generic.getMatchingIndexingMap(generic.getDpsInputOperand(0));
  AffineMap bMap =
      generic.getMatchingIndexingMap(generic.getDpsInputOperand(1));
  Block &body = generic.getRegion().front();
  Operation *op = body.getTerminator()->getOperand(0).getDefiningOp();
  auto biasType =
      bias ? dyn_cast<RankedTensorType>(bias.getType()) : RankedTensorType();
  if (!bias || !biasType || biasType.getRank() != 1 ||
      !biasType.getElementType().isF32() || !bias->hasOneUse() ||
      !yMap.isIdentity() || bMap.getNumResults() != 1 ||
      bMap.getResult(0) != yMap.getResult(*outDim) || !op ||
      op->getBlock() != &body || &body.front() != op ||
      !isa<arith::AddFOp, arith::SubFOp>(op) ||
      op->getOperand(0) != body.getArgument(0) ||
      op->getOperand(1) != body.getArgument(1)) {
    why = "its output does not go straight into a bias add (y + b or y - b "
          "with a 1-D f32 constant b of its own)";
    return {};
  }
  sign = isa<arith::AddFOp>(op) ? 1.0 : -1.0;
  return bias;
}

/// SparseGPT (Frantar & Alistarh 2023, Algorithm 1 without quantization) on
/// the rows of `w` with the damped Gram matrix `h`: columns are visited in
/// blocks of `blockSize`; the mask of a block (unstructured) or of a group of
/// `m` columns (N:M) is chosen by the OBS saliency w^2 / [U]_jj^2, U the
/// upper Cholesky factor of H^-1; each pruned column's error is propagated to
/// the columns after it. Ties prune the lower (row-major) index first.
/// Returns false when H^-1 has no Cholesky factor.
static bool sparseGPT(RowMatrix &w, const Eigen::MatrixXd &h,
                      const Selection &sel, int64_t blockSize) {
  int64_t rows = w.rows(), k = w.cols();
  Eigen::LLT<Eigen::MatrixXd> llt(h);
  if (llt.info() != Eigen::Success || llt.rcond() < 1e-12)
    return false;
  Eigen::MatrixXd hinv = llt.solve(Eigen::MatrixXd::Identity(k, k));
  Eigen::LLT<Eigen::MatrixXd> lltInv(hinv);
  if (lltInv.info() != Eigen::Success)
    return false;
  Eigen::MatrixXd u = lltInv.matrixU();

  std::vector<uint8_t> mask(rows * blockSize);
  std::vector<int64_t> order;
  std::vector<double> key;
  for (int64_t i1 = 0; i1 < k; i1 += blockSize) {
    int64_t i2 = std::min(i1 + blockSize, k), count = i2 - i1;
    RowMatrix err = RowMatrix::Zero(rows, count);
    std::fill(mask.begin(), mask.end(), 0);
    auto choose = [&](int64_t c0, int64_t width, int64_t prune, bool perRow) {
      // Prunes the `prune` lowest saliencies of columns [c0, c0 + width) of
      // the block, per row or over all rows.
      int64_t groups = perRow ? rows : 1;
      int64_t span = perRow ? width : rows * width;
      for (int64_t g = 0; g < groups; ++g) {
        order.resize(span);
        key.resize(span);
        for (int64_t e = 0; e < span; ++e) {
          int64_t r = perRow ? g : e / width, c = c0 + e % width;
          double d = u(i1 + c, i1 + c);
          double v = w(r, i1 + c);
          key[e] = v * v / (d * d);
          order[e] = e;
        }
        std::stable_sort(order.begin(), order.end(),
                         [&](int64_t a, int64_t b) { return key[a] < key[b]; });
        for (int64_t t = 0; t < prune && t < span; ++t) {
          int64_t e = order[t];
          int64_t r = perRow ? g : e / width, c = c0 + e % width;
          mask[r * blockSize + c] = 1;
        }
      }
    };
    if (!sel.nm)
      choose(0, count,
             sel.zeros * i2 / std::max<int64_t>(k, 1) -
                 sel.zeros * i1 / std::max<int64_t>(k, 1),
             /*perRow=*/false);
    for (int64_t c = 0; c < count; ++c) {
      if (sel.nm && c % sel.m == 0)
        choose(c, std::min(sel.m, count - c), sel.m - sel.n, /*perRow=*/true);
      int64_t j = i1 + c;
      double d = u(j, j);
      for (int64_t r = 0; r < rows; ++r) {
        if (!mask[r * blockSize + c])
          continue;
        double e = w(r, j) / d;
        err(r, c) = e;
        // W[r, j:i2] -= e * U[j, j:i2]; column j becomes exactly zero.
        w.row(r).segment(j, i2 - j) -= e * u.row(j).segment(j, i2 - j);
        w(r, j) = 0;
      }
    }
    if (i2 < k)
      w.rightCols(k - i2) -= err * u.block(i1, i2, count, k - i2);
  }
  return true;
}

void PruneReconstructPass::runOnOperation() {
  ModuleOp module = getOperation();
  if (method != "lsq" && method != "obs" && method != "sparsegpt") {
    emitError(module.getLoc()) << "prune-reconstruct: unknown method '"
                               << method << "' (lsq, obs or sparsegpt)";
    return signalPassFailure();
  }
  if (!(damp >= 0) || !std::isfinite(damp)) {
    emitError(module.getLoc())
        << "prune-reconstruct: damp must be a finite number >= 0";
    return signalPassFailure();
  }
  if (blockSize <= 0) {
    emitError(module.getLoc())
        << "prune-reconstruct: block-size must be positive";
    return signalPassFailure();
  }

  WeightDiscovery discovery(module);
  std::vector<Plan> plans;
  for (const Weight &weight : discovery.getWeights()) {
    auto calib = weight.op->getAttrOfType<DictionaryAttr>(kCalibrationAttrName);
    auto remark = [&](const Twine &why) {
      weight.op->emitRemark("weight '")
          << weight.name << "' not reconstructed: " << why;
    };
    if (!calib) {
      remark("no calibration data (run prune-calibrate first)");
      continue;
    }
    auto gramAttr = calib.getAs<ElementsAttr>("gram");
    auto denseAttr = calib.getAs<ElementsAttr>("dense");
    auto dimAttr = calib.getAs<IntegerAttr>("dim");
    if (!weight.type.getElementType().isF32()) {
      remark("only f32 weights are refitted");
      continue;
    }
    // After structural removal the record describes the dense_shape weight;
    // prune.kept says which of its indices are left.
    int64_t rank = weight.type.getRank();
    SmallVector<int64_t> denseShape(weight.type.getShape());
    SmallVector<SmallVector<int64_t>> kept(rank);
    bool shrunk = false;
    if (auto keptAttr =
            weight.op->getAttrOfType<ArrayAttr>(PruneDialect::kKeptAttrName)) {
      auto shapeAttr = weight.op->getAttrOfType<DenseI64ArrayAttr>(
          PruneDialect::kDenseShapeAttrName);
      if (!shapeAttr || shapeAttr.size() != rank ||
          keptAttr.size() != static_cast<size_t>(rank)) {
        remark("prune.kept without a matching prune.dense_shape");
        continue;
      }
      denseShape.assign(shapeAttr.asArrayRef().begin(),
                        shapeAttr.asArrayRef().end());
      for (int64_t d = 0; d < rank; ++d) {
        ArrayRef<int64_t> idx =
            cast<DenseI64ArrayAttr>(keptAttr[d]).asArrayRef();
        kept[d].assign(idx.begin(), idx.end());
        shrunk |= !idx.empty();
      }
    }
    if (!dimAttr) {
      weight.op.emitError("prune-reconstruct: the calibration record of '")
          << weight.name << "' has no 'dim'";
      return signalPassFailure();
    }
    int64_t dim = dimAttr.getInt();
    if (!gramAttr || !denseAttr) {
      // No Gram matrix: if inputs were removed, fold their mean
      // contribution into the bias (bias / BatchNorm compensation).
      if (!shrunk || kept[dim].empty()) {
        remark("calibration recorded no Gram matrix for it (not a matmul or "
               "2-D convolution, "
               "a weight over max-gram-dim, or gram=false)");
        continue;
      }
      auto meanAttr = calib.getAs<ElementsAttr>("mean");
      FailureOr<std::vector<char>> meanRaw =
          meanAttr ? getRawData(meanAttr, Float32Type::get(&getContext()))
                   : FailureOr<std::vector<char>>(failure());
      std::string why;
      double sign = 1;
      arith::ConstantOp bias = findBias(weight, sign, why);
      if (failed(meanRaw) || !bias) {
        remark(Twine("inputs were removed but there is no Gram matrix, and "
                     "no bias compensation either: ") +
               (failed(meanRaw) ? "no 'mean' recorded" : why.c_str()));
        continue;
      }
      // The removed inputs' weights are gone from the constant: they come
      // from 'dense' when recorded; without it they cannot be known.
      auto denseOnly = calib.getAs<ElementsAttr>("dense");
      FailureOr<std::vector<char>> denseRaw =
          denseOnly ? getRawData(denseOnly, Float32Type::get(&getContext()))
                    : FailureOr<std::vector<char>>(failure());
      if (failed(denseRaw)) {
        remark("inputs were removed, but the calibration record keeps no "
               "copy ('dense') of their weights to compensate for");
        continue;
      }
      const auto *mean = reinterpret_cast<const float *>(meanRaw->data());
      const auto *w0 = reinterpret_cast<const float *>(denseRaw->data());
      std::vector<int64_t> rowOrig, colOrig, rowCur, colCur;
      getMappedOffsets(denseShape, weight.type.getShape(), kept, {dim}, rowOrig,
                       colOrig, rowCur, colCur);
      // Output index of every original row.
      int64_t outSize = denseShape[weight.outputDim];
      int64_t outInner = 1;
      for (int64_t d = weight.outputDim + 1; d < rank; ++d)
        outInner *= denseShape[d];
      std::vector<double> delta(outSize, 0.0);
      for (size_t r = 0; r < rowOrig.size(); ++r)
        for (size_t j = 0; j < colOrig.size(); ++j)
          if (colCur[j] < 0)
            delta[(rowOrig[r] / outInner) % outSize] +=
                double(w0[rowOrig[r] + colOrig[j]]) * mean[j];
      FailureOr<WeightData> biasData = WeightData::get(bias);
      if (failed(biasData))
        return signalPassFailure();
      std::vector<float> biasValues;
      biasData->toFloat(biasValues);
      ArrayRef<int64_t> outKept = kept[weight.outputDim];
      if (static_cast<int64_t>(biasValues.size()) !=
          weight.type.getDimSize(weight.outputDim)) {
        remark("its bias does not match its output dim");
        continue;
      }
      for (size_t o = 0; o < biasValues.size(); ++o)
        biasValues[o] += sign * delta[outKept.empty() ? o : outKept[o]];
      Plan plan{&weight, {}, bias, std::move(biasValues)};
      plans.push_back(std::move(plan));
      continue;
    }
    if (cast<ShapedType>(denseAttr.getType()).getShape() !=
        ArrayRef<int64_t>(denseShape)) {
      remark("its shape changed since calibration");
      continue;
    }
    Builder b(&getContext());
    if (dim < 0 || dim >= rank) {
      weight.op.emitError("prune-reconstruct: calibration 'dim' ")
          << dim << " is out of range";
      return signalPassFailure();
    }
    SmallVector<int64_t> gramDims{dim};
    if (auto dims = calib.getAs<DenseI64ArrayAttr>("gram_dims"))
      gramDims.assign(dims.asArrayRef().begin(), dims.asArrayRef().end());
    int64_t k = 1;
    for (int64_t d : gramDims)
      k *= denseShape[d];
    auto gramType = cast<ShapedType>(gramAttr.getType());
    FailureOr<std::vector<char>> gramRaw = getRawData(gramAttr, b.getF64Type());
    FailureOr<std::vector<char>> denseRaw =
        getRawData(denseAttr, b.getF32Type());
    if (gramType.getShape() != ArrayRef<int64_t>{k, k} || failed(gramRaw) ||
        failed(denseRaw)) {
      weight.op.emitError("prune-reconstruct: the calibration record of '")
          << weight.name << "' is damaged (gram must be " << k << "x" << k
          << "xf64 and dense the weight's shape in f32, with their data)";
      return signalPassFailure();
    }
    FailureOr<WeightData> data = WeightData::get(weight.op);
    if (failed(data))
      return signalPassFailure();
    std::vector<float> current;
    data->toFloat(current);

    Eigen::Map<const RowMatrix> gram(
        reinterpret_cast<const double *>(gramRaw->data()), k, k);
    const auto *dense = reinterpret_cast<const float *>(denseRaw->data());
    double meanDiag = gram.diagonal().mean();
    if (!std::isfinite(meanDiag) || !gram.allFinite() || meanDiag <= 0) {
      weight.op.emitError("prune-reconstruct: the Gram matrix of '")
          << weight.name
          << "' is zero or not finite: its inputs were all zero (or "
             "overflowed) on the calibration data";
      return signalPassFailure();
    }
    auto singular = [&](const Twine &what) {
      weight.op.emitError("prune-reconstruct: the damped Gram matrix of '")
          << weight.name << "'" << (what.isTriviallyEmpty() ? "" : " ") << what
          << " is singular with damp=" << damp << "; increase damp";
      return signalPassFailure();
    };

    std::vector<int64_t> rowOffset, colOffset, rowCur, colCur;
    getMappedOffsets(denseShape, weight.type.getShape(), kept, gramDims,
                     rowOffset, colOffset, rowCur, colCur);
    int64_t numRows = rowOffset.size();
    std::vector<float> out(current.size());

    // With a cross matrix C = X^T X_ref (prune-calibrate{reference=true}:
    // X this model's inputs, X_ref the reference model's), the target is the
    // reference output X_ref w0, not X w0: each row fits
    // min |X w - X_ref w0|^2 + lambda |w - w0|^2, i.e. the plain fit of
    // w0' = (H + lambda I)^-1 (C + lambda I) w0, the best dense weight for
    // these inputs. w0' takes w0's place from here on.
    std::vector<float> corrected;
    if (Attribute crossEntry = calib.get("cross")) {
      auto crossAttr = dyn_cast<ElementsAttr>(crossEntry);
      FailureOr<std::vector<char>> crossRaw =
          crossAttr ? getRawData(crossAttr, b.getF64Type())
                    : FailureOr<std::vector<char>>(failure());
      if (failed(crossRaw) ||
          cast<ShapedType>(crossAttr.getType()).getShape() !=
              ArrayRef<int64_t>{k, k}) {
        weight.op.emitError("prune-reconstruct: the calibration record of '")
            << weight.name << "' is damaged (cross must be " << k << "x" << k
            << "xf64, like gram)";
        return signalPassFailure();
      }
      Eigen::Map<const RowMatrix> cross(
          reinterpret_cast<const double *>(crossRaw->data()), k, k);
      if (!cross.allFinite()) {
        weight.op.emitError("prune-reconstruct: the cross matrix of '")
            << weight.name << "' is not finite";
        return signalPassFailure();
      }
      Eigen::MatrixXd hd = gram, cd = cross;
      hd.diagonal().array() += damp * meanDiag;
      cd.diagonal().array() += damp * meanDiag;
      Eigen::LLT<Eigen::MatrixXd> llt(hd);
      if (llt.info() != Eigen::Success || llt.rcond() < 1e-12)
        return singular("");
      int64_t numElements = 1;
      for (int64_t d : denseShape)
        numElements *= d;
      corrected.assign(dense, dense + numElements);
      Eigen::VectorXd w0(k);
      for (int64_t row = 0; row < numRows; ++row) {
        for (int64_t j = 0; j < k; ++j)
          w0[j] = dense[rowOffset[row] + colOffset[j]];
        Eigen::VectorXd target = llt.solve(cd * w0);
        for (int64_t j = 0; j < k; ++j) {
          if (!std::isfinite(target[j]))
            return singular("(row " + Twine(row) + " became not finite)");
          corrected[rowOffset[row] + colOffset[j]] =
              static_cast<float>(target[j]);
        }
      }
      dense = corrected.data();
    }

    // SparseGPT: the mask is chosen here, from the pattern recorded on the
    // weight; weights without an unstructured or N:M record keep their mask.
    bool select = false;
    Selection sel;
    if (method == "sparsegpt" && shrunk) {
      weight.op->emitRemark("weight '")
          << weight.name
          << "': structurally shrunk; refitted with its current zeros";
    } else if (method == "sparsegpt") {
      auto sparsity = weight.op->getAttrOfType<SparsityAttr>(
          PruneDialect::kSparsityAttrName);
      if (sparsity && sparsity.getPattern() == SparsityKind::Unstructured) {
        select = true;
        for (float v : current)
          sel.zeros += v == 0;
      } else if (sparsity && sparsity.getPattern() == SparsityKind::NM &&
                 sparsity.getDim() == dim && sparsity.getN() &&
                 sparsity.getM() && denseShape[dim] % *sparsity.getM() == 0 &&
                 llvm::is_contained(gramDims, dim)) {
        select = true;
        sel.nm = true;
        sel.n = *sparsity.getN();
        sel.m = *sparsity.getM();
      } else {
        weight.op->emitRemark("weight '")
            << weight.name
            << "': no unstructured or N:M (along its input dim, dividing it) "
               "#prune.sparsity record to choose a mask for; refitted with "
               "its current zeros";
      }
    }
    // SparseGPT visits the Gram matrix's columns in this order: for N:M along
    // `dim` over a convolution's (c, kh, kw) patch columns, `dim` innermost,
    // so that every group of m consecutive columns is one N:M group (m
    // consecutive input channels at one filter tap).
    std::vector<int64_t> order(k);
    std::iota(order.begin(), order.end(), 0);
    if (select && sel.nm && gramDims.size() > 1) {
      SmallVector<int64_t> sizes, strides(gramDims.size(), 1);
      for (int64_t d : gramDims)
        sizes.push_back(denseShape[d]);
      for (int64_t i = static_cast<int64_t>(sizes.size()) - 2; i >= 0; --i)
        strides[i] = strides[i + 1] * sizes[i + 1];
      int64_t pos = llvm::find(gramDims, dim) - gramDims.begin();
      // Column (outer..., c) of the permuted order, outer the other gram
      // dims in their order.
      int64_t inner = sizes[pos], next = 0;
      std::vector<int64_t> outer(1, 0);
      for (auto [i, size] : llvm::enumerate(sizes)) {
        if (static_cast<int64_t>(i) == pos)
          continue;
        std::vector<int64_t> grown;
        for (int64_t base : outer)
          for (int64_t j = 0; j < size; ++j)
            grown.push_back(base + j * strides[i]);
        outer = std::move(grown);
      }
      for (int64_t base : outer)
        for (int64_t c = 0; c < inner; ++c)
          order[next++] = base + c * strides[pos];
    }
    if (select) {
      // Dead inputs (never non-zero) carry no information: as in the
      // reference implementation, their diagonal becomes 1 and their weights
      // 0 (so they are pruned first).
      Eigen::MatrixXd h = gram(order, order);
      RowMatrix w(numRows, k);
      for (int64_t row = 0; row < numRows; ++row)
        for (int64_t j = 0; j < k; ++j)
          w(row, j) = dense[rowOffset[row] + colOffset[order[j]]];
      for (int64_t j = 0; j < k; ++j)
        if (h(j, j) == 0) {
          h(j, j) = 1;
          w.col(j).setZero();
        }
      h.diagonal().array() += damp * h.diagonal().mean();
      int64_t bs = blockSize;
      if (sel.nm)
        bs = std::max<int64_t>(sel.m, bs / sel.m * sel.m);
      if (!sparseGPT(w, h, sel, bs))
        return singular("");
      for (int64_t row = 0; row < numRows; ++row)
        for (int64_t j = 0; j < k; ++j) {
          if (!std::isfinite(w(row, j)))
            return singular("(row " + Twine(row) + " became not finite)");
          out[rowOffset[row] + colOffset[order[j]]] =
              static_cast<float>(w(row, j));
        }
      if (!refit) {
        plans.push_back(Plan{&weight, std::move(out), {}, {}});
        continue;
      }
      // Keep SparseGPT's mask, and give the kept weights the exact
      // least-squares fit (SparseGPT's sequential updates cannot move a
      // column already visited).
      current = out;
    }

    Eigen::MatrixXd h = gram;
    h.diagonal().array() += damp * meanDiag;
    Eigen::MatrixXd hinv;
    if (method == "obs" && !select) {
      Eigen::LLT<Eigen::MatrixXd> llt(h);
      if (llt.info() != Eigen::Success || llt.rcond() < 1e-12)
        return singular("");
      hinv = llt.solve(Eigen::MatrixXd::Identity(k, k));
    }
    std::vector<int> lastKept;
    Eigen::LLT<Eigen::MatrixXd> lastLlt;
    bool haveLast = false;
    for (int64_t row = 0; row < numRows; ++row) {
      if (rowCur[row] < 0)
        continue; // a removed output
      Eigen::VectorXd w0(k);
      std::vector<int> kept, pruned;
      for (int64_t j = 0; j < k; ++j) {
        w0[j] = dense[rowOffset[row] + colOffset[j]];
        bool keep = colCur[j] >= 0 && current[rowCur[row] + colCur[j]] != 0;
        (keep ? kept : pruned).push_back(j);
      }
      Eigen::VectorXd w = Eigen::VectorXd::Zero(k);
      if (pruned.empty()) {
        w = w0;
      } else if (!kept.empty() && (method != "obs" || select)) {
        if (!haveLast || kept != lastKept) {
          lastLlt.compute(h(kept, kept));
          if (lastLlt.info() != Eigen::Success || lastLlt.rcond() < 1e-12)
            return singular("restricted to the inputs row " + Twine(row) +
                            " keeps");
          lastKept = kept;
          haveLast = true;
        }
        Eigen::VectorXd rhs = h * w0;
        Eigen::VectorXd sol = lastLlt.solve(rhs(kept));
        for (size_t i = 0; i < kept.size(); ++i)
          w[kept[i]] = sol[i];
      } else if (!kept.empty()) {
        Eigen::LLT<Eigen::MatrixXd> llt(hinv(pruned, pruned));
        if (llt.info() != Eigen::Success)
          return singular("(its inverse restricted to the pruned inputs of "
                          "row " +
                          Twine(row) + ")");
        w = w0 - hinv(Eigen::all, pruned) * llt.solve(w0(pruned));
        for (int j : pruned)
          w[j] = 0;
      }
      for (int64_t j = 0; j < k; ++j) {
        if (!std::isfinite(w[j]))
          return singular("(row " + Twine(row) + " became not finite)");
        if (colCur[j] >= 0)
          out[rowCur[row] + colCur[j]] = static_cast<float>(w[j]);
      }
    }
    plans.push_back(Plan{&weight, std::move(out), {}, {}});
  }

  for (Plan &plan : plans) {
    if (!plan.values.empty())
      writeValues(
          plan.weight->op,
          ArrayRef<char>(reinterpret_cast<const char *>(plan.values.data()),
                         plan.values.size() * sizeof(float)));
    if (plan.bias)
      writeValues(
          plan.bias,
          ArrayRef<char>(reinterpret_cast<const char *>(plan.biasValues.data()),
                         plan.biasValues.size() * sizeof(float)));
  }
}
