//===- Reconstruct.cpp - prune-reconstruct --------------------------------===//
//
// Part of mlir-prune. Refits the weights a pruning pass left non-zero so that
// each layer's calibration outputs change as little as possible, using the
// Gram matrix X^T X and the weight as calibrated (prune-calibrate).
//
//===----------------------------------------------------------------------===//

#include "Prune/Analysis/WeightData.h"
#include "Prune/Analysis/WeightDiscovery.h"
#include "Prune/DataAware/Calibration.h"
#include "Prune/DataAware/Passes.h"

#include "mlir/IR/DialectResourceBlobManager.h"

#include <Eigen/Dense>

#include <cmath>
#include <cstring>

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
};
} // namespace

void PruneReconstructPass::runOnOperation() {
  ModuleOp module = getOperation();
  if (method != "lsq" && method != "obs") {
    emitError(module.getLoc())
        << "prune-reconstruct: unknown method '" << method << "' (lsq or obs)";
    return signalPassFailure();
  }
  if (!(damp >= 0) || !std::isfinite(damp)) {
    emitError(module.getLoc())
        << "prune-reconstruct: damp must be a finite number >= 0";
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
    if (!gramAttr || !denseAttr || !dimAttr) {
      remark("calibration recorded no Gram matrix for it (a convolution, a "
             "weight over max-gram-dim, or gram=false)");
      continue;
    }
    if (!weight.type.getElementType().isF32()) {
      remark("only f32 weights are refitted");
      continue;
    }
    if (cast<ShapedType>(denseAttr.getType()).getShape() !=
        weight.type.getShape()) {
      remark("its shape changed since calibration");
      continue;
    }
    int64_t dim = dimAttr.getInt();
    int64_t rank = weight.type.getRank();
    Builder b(&getContext());
    if (dim < 0 || dim >= rank) {
      weight.op.emitError("prune-reconstruct: calibration 'dim' ")
          << dim << " is out of range";
      return signalPassFailure();
    }
    int64_t k = weight.type.getDimSize(dim);
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

    Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic,
                                   Eigen::RowMajor>>
        gram(reinterpret_cast<const double *>(gramRaw->data()), k, k);
    const auto *dense = reinterpret_cast<const float *>(denseRaw->data());
    double meanDiag = gram.diagonal().mean();
    if (!std::isfinite(meanDiag) || !gram.allFinite() || meanDiag <= 0) {
      weight.op.emitError("prune-reconstruct: the Gram matrix of '")
          << weight.name
          << "' is zero or not finite: its inputs were all zero (or "
             "overflowed) on the calibration data";
      return signalPassFailure();
    }
    Eigen::MatrixXd h = gram;
    h.diagonal().array() += damp * meanDiag;
    auto singular = [&](const Twine &what) {
      weight.op.emitError("prune-reconstruct: the damped Gram matrix of '")
          << weight.name << "' " << what << " is singular with damp=" << damp
          << "; increase damp";
      return signalPassFailure();
    };

    int64_t inner = 1;
    for (int64_t d = dim + 1; d < rank; ++d)
      inner *= weight.type.getDimSize(d);
    int64_t numRows = weight.getNumElements() / k;
    std::vector<float> out(current.size());
    auto element = [&](int64_t row, int64_t j) {
      return ((row / inner) * k + j) * inner + row % inner;
    };

    Eigen::MatrixXd hinv;
    if (method == "obs") {
      Eigen::LLT<Eigen::MatrixXd> llt(h);
      if (llt.info() != Eigen::Success || llt.rcond() < 1e-12)
        return singular("");
      hinv = llt.solve(Eigen::MatrixXd::Identity(k, k));
    }
    std::vector<int> lastKept;
    Eigen::LLT<Eigen::MatrixXd> lastLlt;
    bool haveLast = false;
    for (int64_t row = 0; row < numRows; ++row) {
      Eigen::VectorXd w0(k);
      std::vector<int> kept, pruned;
      for (int64_t j = 0; j < k; ++j) {
        int64_t e = element(row, j);
        w0[j] = dense[e];
        (current[e] != 0 ? kept : pruned).push_back(j);
      }
      Eigen::VectorXd w = Eigen::VectorXd::Zero(k);
      if (pruned.empty()) {
        w = w0;
      } else if (!kept.empty() && method == "lsq") {
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
        out[element(row, j)] = static_cast<float>(w[j]);
      }
    }
    plans.push_back(Plan{&weight, std::move(out)});
  }

  for (Plan &plan : plans)
    writeValues(
        plan.weight->op,
        ArrayRef<char>(reinterpret_cast<const char *>(plan.values.data()),
                       plan.values.size() * sizeof(float)));
}
