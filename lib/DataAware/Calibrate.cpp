//===- Calibrate.cpp - prune-calibrate ------------------------------------===//
//
// Part of mlir-prune. Runs an instrumented copy of the model (every
// activation that a weighted contraction reads becomes an extra result of the
// entry function) on calibration batches through the JIT, accumulates
// per-input-channel statistics and Gram matrices in C++, and records them on
// the weights.
//
//===----------------------------------------------------------------------===//

#include "Prune/Analysis/DimCoupling.h"
#include "Prune/Analysis/WeightData.h"
#include "Prune/Analysis/WeightDiscovery.h"
#include "Prune/DataAware/Calibration.h"
#include "Prune/DataAware/Passes.h"
#include "Prune/Dialect/Prune/IR/PruneDialect.h"
#include "Prune/Runtime/Jit.h"
#include "Prune/Runtime/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"

#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <Eigen/Dense>

#include <cmath>
#include <cstring>

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNECALIBRATE
#include "Prune/DataAware/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

namespace {

/// One place where a weight's activation is observed: an input of one of its
/// consumers.
struct Tap {
  unsigned weight;
  Operation *consumer;
  Value activation;
  /// The activation dim that runs over the weight's reduction dim.
  int64_t channelDim;
  /// True when every other activation dim is a plain parallel loop the
  /// weight does not have (rows of X in Y = X W): X^T X is then the Gram
  /// matrix of the layer.
  bool gramable;
  /// Index of the activation among the instrumented function's extra
  /// results.
  unsigned result = 0;
  /// For a 2-D convolution (the weight its filter): the Gram matrix is over
  /// im2col patches, columns ordered like the filter's (c, kh, kw) (NCHW /
  /// FCHW) or (kh, kw, c) (NHWC / HWCF).
  int conv = 0; // 0: none, 1: nchw_fchw, 2: nhwc_hwcf
  int64_t kh = 0, kw = 0, oh = 0, ow = 0, sh = 1, sw = 1, dh = 1, dw = 1;
};

/// Statistics of one weight's input channels.
struct Stats {
  int64_t channels = 0;
  int64_t rows = 0;
  std::vector<double> sumSq, sum;
  std::vector<int64_t> fired;
  bool gram = false;
  /// Columns of the Gram matrix, and the weight dims they run over (empty:
  /// just the reduction dim).
  int64_t gramSize = 0;
  SmallVector<int64_t> gramDims;
  Eigen::MatrixXd gramMatrix;
  /// reference=true: X^T X_ref, X_ref the same activation in the model with
  /// the recorded calibrated weights.
  bool cross = false;
  Eigen::MatrixXd crossMatrix;
};

struct PruneCalibratePass
    : public mlir::prune::impl::PruneCalibrateBase<PruneCalibratePass> {
  using Base::Base;
  void runOnOperation() override;
};

} // namespace

/// Finds where `use` lets us observe the weight's input channels, or says
/// why not.
static FailureOr<Tap> analyzeUse(const Weight &weight, const WeightUse &use,
                                 unsigned index, func::FuncOp entry,
                                 std::string &why) {
  linalg::LinalgOp consumer = use.consumer;
  if (weight.reductionDim < 0) {
    why = "it has no single reduction (input-channel) dim";
    return failure();
  }
  if (consumer.getNumDpsInputs() != 2) {
    why = "its consumer does not have exactly two inputs";
    return failure();
  }
  int64_t operandDim = use.getOperandDim(weight.reductionDim);
  if (operandDim < 0) {
    why = "its reduction dim is reshaped on the way to the consumer";
    return failure();
  }
  OpOperand &weightOperand = consumer->getOpOperand(use.operandNumber);
  AffineMap weightMap = consumer.getMatchingIndexingMap(&weightOperand);
  auto loop = dyn_cast<AffineDimExpr>(weightMap.getResult(operandDim));
  if (!loop) {
    why = "its reduction dim is not a plain loop of the consumer";
    return failure();
  }
  OpOperand &actOperand =
      consumer->getOpOperand(use.operandNumber == 0 ? 1 : 0);
  AffineMap actMap = consumer.getMatchingIndexingMap(&actOperand);
  Tap tap{index, consumer, actOperand.get(), -1, true};
  SmallVector<utils::IteratorType> iterators = consumer.getIteratorTypesArray();
  for (auto [i, expr] : llvm::enumerate(actMap.getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (dim && dim.getPosition() == loop.getPosition()) {
      tap.channelDim = i;
      continue;
    }
    if (!dim || iterators[dim.getPosition()] != utils::IteratorType::parallel ||
        weightMap.isFunctionOfDim(dim.getPosition()))
      tap.gramable = false;
  }
  // 2-D convolutions whose filter is this weight: Gram over patches.
  auto setConv = [&](int kind, DenseIntElementsAttr strides,
                     DenseIntElementsAttr dilations, int64_t khDim) {
    auto filter = cast<RankedTensorType>(weight.type);
    auto out = dyn_cast<RankedTensorType>(consumer->getResult(0).getType());
    if (use.operandNumber != 1 || !out || !out.hasStaticShape())
      return;
    tap.conv = kind;
    tap.kh = filter.getDimSize(khDim);
    tap.kw = filter.getDimSize(khDim + 1);
    tap.oh = out.getDimSize(kind == 1 ? 2 : 1);
    tap.ow = out.getDimSize(kind == 1 ? 3 : 2);
    auto s = strides.getValues<int64_t>(), d = dilations.getValues<int64_t>();
    tap.sh = s[0], tap.sw = s[1], tap.dh = d[0], tap.dw = d[1];
    tap.gramable = true;
  };
  if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(*consumer))
    setConv(1, conv.getStrides(), conv.getDilations(), 2);
  else if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(*consumer))
    setConv(2, conv.getStrides(), conv.getDilations(), 0);
  if (tap.channelDim < 0) {
    why = "the activation does not run over its reduction dim directly";
    return failure();
  }
  auto actType = dyn_cast<RankedTensorType>(tap.activation.getType());
  if (!actType || !actType.hasStaticShape() ||
      !actType.getElementType().isF32()) {
    why = "its activation is not a static-shape f32 tensor";
    return failure();
  }
  if (actType.getDimSize(tap.channelDim) !=
      weight.type.getDimSize(weight.reductionDim)) {
    why = "its activation and reduction dim differ in size";
    return failure();
  }
  Region *region = tap.activation.getParentRegion();
  if (region != &entry.getBody() || !entry.getBody().hasOneBlock()) {
    why = ("its consumer is not in the single block of @" + entry.getSymName() +
           "")
              .str();
    return failure();
  }
  return tap;
}

/// The rows of X in the layer's Y = X W: the activation as [samples, K]
/// for matmul-like consumers, or its im2col patches (one row per (n, oh,
/// ow), columns in the filter's order) for a 2-D convolution.
static Eigen::MatrixXd gramRows(const npy::Array &act, const Tap &tap) {
  ArrayRef<int64_t> shape = act.shape;
  const auto *x = reinterpret_cast<const float *>(act.data.data());
  int64_t channels = shape[tap.channelDim];
  if (!tap.conv) {
    int64_t inner = 1;
    for (int64_t d = tap.channelDim + 1; d < static_cast<int64_t>(shape.size());
         ++d)
      inner *= shape[d];
    int64_t n = act.getNumElements();
    Eigen::MatrixXd rows(n / std::max<int64_t>(channels, 1), channels);
    for (int64_t i = 0; i < n; ++i)
      rows((i / (inner * channels)) * inner + i % inner,
           (i / inner) % channels) = x[i];
    return rows;
  }
  int64_t nBatch = shape[0], c = channels;
  int64_t h = tap.conv == 1 ? shape[2] : shape[1];
  int64_t w = tap.conv == 1 ? shape[3] : shape[2];
  int64_t k = c * tap.kh * tap.kw;
  Eigen::MatrixXd patches(nBatch * tap.oh * tap.ow, k);
  for (int64_t n = 0; n < nBatch; ++n)
    for (int64_t y = 0; y < tap.oh; ++y)
      for (int64_t z = 0; z < tap.ow; ++z) {
        int64_t row = (n * tap.oh + y) * tap.ow + z;
        for (int64_t ch = 0; ch < c; ++ch)
          for (int64_t i = 0; i < tap.kh; ++i)
            for (int64_t j = 0; j < tap.kw; ++j) {
              int64_t yy = y * tap.sh + i * tap.dh,
                      zz = z * tap.sw + j * tap.dw;
              if (tap.conv == 1)
                patches(row, (ch * tap.kh + i) * tap.kw + j) =
                    x[((n * c + ch) * h + yy) * w + zz];
              else
                patches(row, (i * tap.kw + j) * c + ch) =
                    x[((n * h + yy) * w + zz) * c + ch];
            }
      }
  return patches;
}

/// Adds one batch of the activation `act` (and, with reference=true, `ref`,
/// the same activation in the reference model) to `stats`.
static void accumulate(const npy::Array &act, const npy::Array *ref,
                       const Tap &tap, Stats &stats) {
  ArrayRef<int64_t> shape = act.shape;
  int64_t channels = shape[tap.channelDim];
  int64_t inner = 1;
  for (int64_t d = tap.channelDim + 1; d < static_cast<int64_t>(shape.size());
       ++d)
    inner *= shape[d];
  int64_t n = act.getNumElements();
  const auto *x = reinterpret_cast<const float *>(act.data.data());
  for (int64_t i = 0; i < n; ++i) {
    int64_t k = (i / inner) % channels;
    double v = x[i];
    stats.sumSq[k] += v * v;
    stats.sum[k] += v;
    stats.fired[k] += v > 0;
  }
  stats.rows += n / std::max<int64_t>(channels, 1);
  if (!stats.gram)
    return;
  Eigen::MatrixXd rows = gramRows(act, tap);
  stats.gramMatrix.selfadjointView<Eigen::Lower>().rankUpdate(rows.transpose());
  if (stats.cross && ref)
    stats.crossMatrix.noalias() += rows.transpose() * gramRows(*ref, tap);
}

/// Relative damping of the Gram matrix when scoring heads (the default damp
/// of prune-reconstruct, which refits after the heads are removed).
static constexpr double kHeadDamp = 0.01;

template <typename T> static ArrayRef<char> asBytes(const std::vector<T> &v) {
  return ArrayRef<char>(reinterpret_cast<const char *>(v.data()),
                        v.size() * sizeof(T));
}

/// Head importance from a weight `w` (any shape; `dim` its reduction dim, of
/// size numHeads * headSize, head h owning indices [h*headSize,
/// (h+1)*headSize)) that reads the heads, and the Gram matrix `gram` of its
/// input over `dim`: for each head h, the output error that remains when the
/// head's inputs S are removed and the weight's other inputs K are refitted
/// by least squares (what prune-reconstruct does after prune-heads),
/// sum over output rows of w_S (G_SS - G_SK (G_KK + lambda I)^-1 G_KS) w_S^T,
/// lambda = damp * mean(diag G). Adds it to `scores`.
static LogicalResult addHeadScores(ArrayRef<float> w, ArrayRef<int64_t> shape,
                                   int64_t dim, const Eigen::MatrixXd &gram,
                                   int64_t numHeads, int64_t headSize,
                                   double damp, std::vector<double> &scores) {
  int64_t k = shape[dim], inner = 1;
  for (int64_t d = dim + 1; d < static_cast<int64_t>(shape.size()); ++d)
    inner *= shape[d];
  int64_t rows = static_cast<int64_t>(w.size()) / k;
  // Rows of the weight seen as (rows x k).
  Eigen::MatrixXd wm(rows, k);
  for (size_t e = 0; e < w.size(); ++e) {
    int64_t outer = e / (inner * k), c = (e / inner) % k, in = e % inner;
    wm(outer * inner + in, c) = w[e];
  }
  Eigen::MatrixXd g = gram;
  double meanDiag = g.diagonal().mean();
  if (!(meanDiag > 0) || !std::isfinite(meanDiag))
    return failure();
  g.diagonal().array() += damp * meanDiag;
  for (int64_t h = 0; h < numHeads; ++h) {
    std::vector<int> sIdx, kIdx;
    for (int64_t j = 0; j < k; ++j)
      (j / headSize == h ? sIdx : kIdx).push_back(j);
    Eigen::MatrixXd schur = g(sIdx, sIdx);
    if (!kIdx.empty()) {
      Eigen::LLT<Eigen::MatrixXd> llt(g(kIdx, kIdx));
      if (llt.info() != Eigen::Success)
        return failure();
      schur -= g(sIdx, kIdx) * llt.solve(g(kIdx, sIdx));
    }
    Eigen::MatrixXd ws = wm(Eigen::all, sIdx);
    double err = (ws * schur).cwiseProduct(ws).sum();
    if (!std::isfinite(err))
      return failure();
    scores[h] += std::max(err, 0.0);
  }
  return success();
}

void PruneCalibratePass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();
  Location loc = module.getLoc();

  if (metric != "wanda" && metric != "activation" && metric != "none") {
    emitError(loc) << "prune-calibrate: unknown metric '" << metric
                   << "' (wanda, activation or none)";
    return signalPassFailure();
  }
  if (progress != "auto" && progress != "always" && progress != "never") {
    emitError(loc) << "prune-calibrate: progress must be auto, always or "
                      "never, not '"
                   << progress << "'";
    return signalPassFailure();
  }
  if (inputs.empty()) {
    emitError(loc) << "prune-calibrate needs inputs=<file.npy>[,...]";
    return signalPassFailure();
  }
  if (batches < 0 || maxGramDim < 0 || batch < 0) {
    emitError(loc) << "prune-calibrate: batch, batches and max-gram-dim must "
                      "not be negative";
    return signalPassFailure();
  }
  auto entryFunc = module.lookupSymbol<func::FuncOp>(entry);
  if (!entryFunc) {
    emitError(loc) << "prune-calibrate: no function '" << entry << "'";
    return signalPassFailure();
  }
  if (failed(verifyJitSignature(entryFunc)))
    return signalPassFailure();

  // Calibration data: one file per argument, whole batches along dim 0.
  SmallVector<StringRef> paths;
  StringRef(inputs).split(paths, ',', -1, /*KeepEmpty=*/false);
  FunctionType funcType = entryFunc.getFunctionType();
  if (paths.size() != funcType.getNumInputs()) {
    entryFunc.emitError("prune-calibrate: @")
        << entry << " takes " << funcType.getNumInputs()
        << " argument(s), but inputs= names " << paths.size() << " file(s)";
    return signalPassFailure();
  }
  std::vector<npy::Array> data;
  int64_t numBatches = -1;
  for (auto [i, path] : llvm::enumerate(paths)) {
    llvm::Expected<npy::Array> array = npy::readNpy(path.trim());
    if (!array) {
      emitError(loc) << "prune-calibrate: "
                     << llvm::toString(array.takeError());
      return signalPassFailure();
    }
    TensorSpec spec = *getTensorSpec(funcType.getInput(i));
    ArrayRef<int64_t> shape = array->shape;
    if (spec.shape.empty() || array->dtype != spec.dtype ||
        shape.size() != spec.shape.size() ||
        shape.drop_front() != ArrayRef<int64_t>(spec.shape).drop_front() ||
        shape[0] == 0 || shape[0] % spec.shape[0] != 0) {
      entryFunc.emitError("prune-calibrate: ")
          << path << " is " << array->describe() << ", but argument " << i
          << " is " << spec.describe()
          << "; calibration data must stack whole batches of it along dim 0";
      return signalPassFailure();
    }
    if (llvm::Error err = checkFinite(*array, path)) {
      entryFunc.emitError("prune-calibrate: calibration data ")
          << llvm::toString(std::move(err));
      return signalPassFailure();
    }
    int64_t n = shape[0] / spec.shape[0];
    if (numBatches >= 0 && n != numBatches) {
      entryFunc.emitError("prune-calibrate: ")
          << path << " holds " << n << " batches, but the files before it "
          << numBatches;
      return signalPassFailure();
    }
    numBatches = n;
    data.push_back(std::move(*array));
  }
  // Calls per calibration batch: batch= rows of argument 0, in whole calls.
  int64_t callRows = getTensorSpec(funcType.getInput(0))->shape[0];
  int64_t callsPerBatch = 1;
  if (batch > 0) {
    if (batch % callRows != 0) {
      entryFunc.emitError("prune-calibrate: batch=")
          << static_cast<int64_t>(batch) << " is not a multiple of the "
          << callRows << " rows each call of @" << entry << " takes";
      return signalPassFailure();
    }
    callsPerBatch = batch / callRows;
  }
  int64_t numCalls = numBatches;
  numBatches = (numCalls + callsPerBatch - 1) / callsPerBatch;
  if (batches > 0 && batches < numBatches) {
    numBatches = batches;
    numCalls = batches * callsPerBatch;
  }

  // Where each weight's activations can be observed.
  WeightDiscovery discovery(module);
  ArrayRef<Weight> weights = discovery.getWeights();
  if (weights.empty()) {
    emitError(loc) << "prune-calibrate: the module has no weights";
    return signalPassFailure();
  }
  std::vector<SmallVector<Tap>> taps(weights.size());
  std::vector<std::string> notCalibrated(weights.size());
  SmallVector<Value> tapValues;
  DenseMap<Value, unsigned> tapIndex;
  for (auto [i, weight] : llvm::enumerate(weights)) {
    for (const WeightUse &use : weight.uses) {
      std::string why;
      FailureOr<Tap> tap = analyzeUse(weight, use, i, entryFunc, why);
      if (failed(tap)) {
        notCalibrated[i] = why;
        continue;
      }
      auto [it, inserted] =
          tapIndex.try_emplace(tap->activation, tapValues.size());
      if (inserted)
        tapValues.push_back(tap->activation);
      tap->result = it->second;
      taps[i].push_back(*tap);
    }
  }
  if (tapValues.empty()) {
    emitError(loc) << "prune-calibrate: no weight of @" << entry
                   << " can be calibrated";
    return signalPassFailure();
  }

  // The instrumented copy: the activations become extra results.
  IRMapping mapping;
  OwningOpRef<ModuleOp> instrumented(cast<ModuleOp>(module->clone(mapping)));
  auto copyFunc = instrumented->lookupSymbol<func::FuncOp>(entry);
  Operation *ret = copyFunc.getBody().front().getTerminator();
  SmallVector<Value> results(ret->getOperands());
  SmallVector<Type> resultTypes(funcType.getResults());
  for (Value v : tapValues) {
    results.push_back(mapping.lookup(v));
    resultTypes.push_back(v.getType());
  }
  ret->setOperands(results);
  copyFunc.setType(FunctionType::get(ctx, funcType.getInputs(), resultTypes));
  // reference=true: the same instrumented model with every weight's
  // recorded calibrated copy ('dense') in place of its current value.
  std::vector<bool> hasReference(weights.size(), false);
  std::unique_ptr<JitFunction> refJit;
  if (reference) {
    for (auto [i, weight] : llvm::enumerate(weights)) {
      if (weight.op->hasAttr(PruneDialect::kKeptAttrName)) {
        weight.op.emitError("prune-calibrate: reference=true needs every "
                            "weight in its calibrated shape, but '")
            << weight.name << "' was structurally shrunk (prune.kept)";
        return signalPassFailure();
      }
      auto calib =
          weight.op->getAttrOfType<DictionaryAttr>(kCalibrationAttrName);
      auto dense = calib ? calib.getAs<ElementsAttr>("dense") : ElementsAttr();
      hasReference[i] = dense && dense.getType() == weight.type;
    }
    if (llvm::none_of(hasReference, [](bool b) { return b; })) {
      emitError(loc) << "prune-calibrate: reference=true, but no weight "
                        "carries a calibrated copy ('dense') to run the "
                        "reference model with (run prune-calibrate before "
                        "pruning)";
      return signalPassFailure();
    }
    OwningOpRef<ModuleOp> refModule(cast<ModuleOp>(instrumented->clone()));
    refModule->walk([&](arith::ConstantOp op) {
      auto calib = op->getAttrOfType<DictionaryAttr>(kCalibrationAttrName);
      auto dense = calib ? calib.getAs<ElementsAttr>("dense") : ElementsAttr();
      if (dense && dense.getType() == op.getType())
        op.setValueAttr(cast<TypedAttr>(dense));
    });
    FailureOr<std::unique_ptr<JitFunction>> created =
        JitFunction::create(*refModule, entry);
    if (failed(created))
      return signalPassFailure();
    refJit = std::move(*created);
  }
  FailureOr<std::unique_ptr<JitFunction>> jit =
      JitFunction::create(*instrumented, entry);
  if (failed(jit))
    return signalPassFailure();
  instrumented = nullptr;

  std::vector<Stats> stats(weights.size());
  for (auto [i, weight] : llvm::enumerate(weights)) {
    if (taps[i].empty())
      continue;
    Stats &s = stats[i];
    s.channels = weight.type.getDimSize(weight.reductionDim);
    s.sumSq.assign(s.channels, 0);
    s.sum.assign(s.channels, 0);
    s.fired.assign(s.channels, 0);
    const Tap &first = taps[i].front();
    s.gramSize = s.channels * (first.conv ? first.kh * first.kw : 1);
    if (first.conv == 1)
      s.gramDims = {1, 2, 3};
    else if (first.conv == 2)
      s.gramDims = {0, 1, 2};
    s.gram = gram && s.gramSize <= maxGramDim &&
             llvm::all_of(taps[i],
                          [&](const Tap &t) {
                            return t.gramable && t.conv == first.conv;
                          }) &&
             weight.type.getElementType().isF32();
    if (s.gram)
      s.gramMatrix = Eigen::MatrixXd::Zero(s.gramSize, s.gramSize);
    s.cross = s.gram && hasReference[i];
    if (s.cross)
      s.crossMatrix = Eigen::MatrixXd::Zero(s.gramSize, s.gramSize);
  }

  bool showProgress = progress == "always" ||
                      (progress == "auto" && llvm::errs().is_displayed());
  unsigned numResults = funcType.getNumResults();
  for (int64_t call = 0; call < numCalls; ++call) {
    int64_t b = call / callsPerBatch;
    std::vector<npy::Array> slices;
    std::vector<const npy::Array *> pointers;
    slices.reserve(data.size());
    for (auto [i, array] : llvm::enumerate(data)) {
      TensorSpec spec = *getTensorSpec(funcType.getInput(i));
      npy::Array slice = npy::Array::zeros(spec.dtype, spec.shape);
      size_t bytes = slice.data.size();
      std::memcpy(slice.data.data(), array.data.data() + call * bytes, bytes);
      slices.push_back(std::move(slice));
    }
    for (const npy::Array &a : slices)
      pointers.push_back(&a);
    llvm::Expected<std::vector<npy::Array>> outputs = (*jit)->run(pointers);
    if (!outputs) {
      entryFunc.emitError("prune-calibrate: running @")
          << entry << " on batch " << b
          << " failed: " << llvm::toString(outputs.takeError());
      return signalPassFailure();
    }
    std::optional<std::vector<npy::Array>> refOutputs;
    if (refJit) {
      llvm::Expected<std::vector<npy::Array>> out = refJit->run(pointers);
      if (!out) {
        entryFunc.emitError("prune-calibrate: running the reference model on "
                            "batch ")
            << b << " failed: " << llvm::toString(out.takeError());
        return signalPassFailure();
      }
      refOutputs = std::move(*out);
    }
    for (auto [i, weight] : llvm::enumerate(weights)) {
      for (const Tap &tap : taps[i]) {
        const npy::Array &act = (*outputs)[numResults + tap.result];
        const npy::Array *ref =
            refOutputs ? &(*refOutputs)[numResults + tap.result] : nullptr;
        if (ref)
          if (llvm::Error err = checkFinite(*ref, "the reference activation")) {
            tap.consumer->emitError("prune-calibrate: on batch ")
                << b << ", " << llvm::toString(std::move(err))
                << " that this op reads";
            return signalPassFailure();
          }
        if (llvm::Error err = checkFinite(act, "the activation")) {
          tap.consumer->emitError("prune-calibrate: on batch ")
              << b << ", " << llvm::toString(std::move(err))
              << " that this op reads";
          return signalPassFailure();
        }
        accumulate(act, ref, tap, stats[i]);
      }
    }
    if (showProgress &&
        ((call + 1) % callsPerBatch == 0 || call + 1 == numCalls)) {
      int64_t width = 30, done = (b + 1) * width / numBatches;
      llvm::errs() << "\rprune-calibrate [" << std::string(done, '#')
                   << std::string(width - done, ' ') << "] " << (b + 1) << "/"
                   << numBatches << " batches";
      if (b + 1 == numBatches)
        llvm::errs() << "\n";
    }
  }

  // Build every attribute first: a failure leaves the module untouched.
  struct Plan {
    arith::ConstantOp op;
    DictionaryAttr calibration;
    ImportanceAttr importance;
  };
  std::vector<Plan> plans;
  // Weights that read attention heads (their reduction dim is a flat H*D dim
  // of a head structure prune-heads can prune): metric=activation scores
  // them per head.
  DenseMap<unsigned, std::pair<int64_t, int64_t>> headReaders;
  if (metric == "activation") {
    DimCoupling coupling(entryFunc, discovery);
    ArrayRef<CouplingGroup> groups = coupling.getGroups();
    for (const HeadStructure &hs : coupling.getHeadStructures()) {
      if (!hs.isPrunable())
        continue;
      for (unsigned flat : hs.flatGroups)
        for (const Weight *reader : groups[flat].consumers)
          if (reader->reductionDim >= 0 &&
              reader->type.getDimSize(reader->reductionDim) ==
                  hs.numHeads * hs.headSize)
            headReaders[reader - weights.data()] = {hs.numHeads, hs.headSize};
    }
  }
  for (auto [i, weight] : llvm::enumerate(weights)) {
    if (taps[i].empty()) {
      weight.op->emitRemark("weight '")
          << weight.name << "' not calibrated: " << notCalibrated[i];
      continue;
    }
    const Stats &s = stats[i];
    FailureOr<WeightData> wdata = WeightData::get(weight.op);
    if (failed(wdata))
      return signalPassFailure();
    std::vector<float> w;
    wdata->toFloat(w);
    for (float v : w)
      if (!std::isfinite(v)) {
        weight.op.emitError("prune-calibrate: weight '")
            << weight.name << "' holds NaN or Inf";
        return signalPassFailure();
      }

    Builder b(ctx);
    auto vecType = RankedTensorType::get({s.channels}, b.getF32Type());
    std::vector<float> sqNorm(s.channels), mean(s.channels),
        fireRate(s.channels);
    double rows = static_cast<double>(std::max<int64_t>(s.rows, 1));
    for (int64_t k = 0; k < s.channels; ++k) {
      sqNorm[k] = s.sumSq[k];
      mean[k] = s.sum[k] / rows;
      fireRate[k] = s.fired[k] / rows;
    }
    std::string key = weight.name;
    SmallVector<NamedAttribute> entries;
    entries.emplace_back(b.getStringAttr("dim"),
                         b.getI64IntegerAttr(weight.reductionDim));
    entries.emplace_back(b.getStringAttr("samples"),
                         b.getI64IntegerAttr(s.rows));
    entries.emplace_back(
        b.getStringAttr("sq_norm"),
        makeResource(vecType, key + "_sq_norm", asBytes(sqNorm)));
    entries.emplace_back(b.getStringAttr("mean"),
                         makeResource(vecType, key + "_mean", asBytes(mean)));
    DenseResourceElementsAttr fireRateAttr =
        makeResource(vecType, key + "_fire_rate", asBytes(fireRate));
    entries.emplace_back(b.getStringAttr("fire_rate"), fireRateAttr);
    if (s.gram) {
      std::vector<double> g(s.gramSize * s.gramSize);
      Eigen::MatrixXd full = s.gramMatrix.selfadjointView<Eigen::Lower>();
      Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic,
                               Eigen::RowMajor>>(g.data(), s.gramSize,
                                                 s.gramSize) = full;
      entries.emplace_back(
          b.getStringAttr("gram"),
          makeResource(
              RankedTensorType::get({s.gramSize, s.gramSize}, b.getF64Type()),
              key + "_gram", asBytes(g)));
      if (!s.gramDims.empty())
        entries.emplace_back(b.getStringAttr("gram_dims"),
                             b.getDenseI64ArrayAttr(s.gramDims));
    }
    if (s.cross) {
      std::vector<double> c(s.gramSize * s.gramSize);
      Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic,
                               Eigen::RowMajor>>(c.data(), s.gramSize,
                                                 s.gramSize) = s.crossMatrix;
      entries.emplace_back(
          b.getStringAttr("cross"),
          makeResource(
              RankedTensorType::get({s.gramSize, s.gramSize}, b.getF64Type()),
              key + "_cross", asBytes(c)));
    }
    if (hasReference[i]) {
      // The reference weights stay the fit target.
      entries.emplace_back(
          b.getStringAttr("dense"),
          weight.op->getAttrOfType<DictionaryAttr>(kCalibrationAttrName)
              .get("dense"));
    } else if (gram && weight.type.getElementType().isF32()) {
      entries.emplace_back(
          b.getStringAttr("dense"),
          makeResource(
              RankedTensorType::get(weight.type.getShape(), b.getF32Type()),
              key + "_dense", asBytes(w)));
    }
    Plan plan{weight.op, b.getDictionaryAttr(entries), {}};

    if (metric == "wanda") {
      int64_t inner = 1;
      for (int64_t d = weight.reductionDim + 1; d < weight.type.getRank(); ++d)
        inner *= weight.type.getDimSize(d);
      std::vector<float> scores(w.size());
      for (size_t e = 0; e < w.size(); ++e)
        scores[e] =
            std::fabs(w[e]) * std::sqrt(s.sumSq[(e / inner) % s.channels]);
      auto type = RankedTensorType::get(weight.type.getShape(), b.getF32Type());
      plan.importance = ImportanceAttr::get(
          ctx, Metric::Wanda, Granularity::Weight, std::nullopt, {},
          std::nullopt, makeResource(type, key + "_wanda", asBytes(scores)));
    } else if (metric == "activation" && headReaders.count(i) && s.gram &&
               s.gramDims.empty()) {
      auto [numHeads, headSize] = headReaders.lookup(i);
      std::vector<double> err(numHeads, 0.0);
      Eigen::MatrixXd full = s.gramMatrix.selfadjointView<Eigen::Lower>();
      if (failed(addHeadScores(w, weight.type.getShape(), weight.reductionDim,
                               full, numHeads, headSize, kHeadDamp, err))) {
        weight.op.emitError("prune-calibrate: cannot score the heads that '")
            << weight.name
            << "' reads: the Gram matrix of its input is zero, singular or "
               "not finite";
        return signalPassFailure();
      }
      std::vector<float> scores(err.begin(), err.end());
      plan.importance = ImportanceAttr::get(
          ctx, Metric::Activation, Granularity::Head, weight.reductionDim, {},
          numHeads,
          makeResource(RankedTensorType::get({numHeads}, b.getF32Type()),
                       key + "_head_error", asBytes(scores)));
    } else if (metric == "activation") {
      if (headReaders.count(i))
        weight.op->emitRemark("weight '")
            << weight.name
            << "' reads attention heads, but no Gram matrix of its input was "
               "recorded (gram=false or over max-gram-dim): no head scores";
      plan.importance = ImportanceAttr::get(
          ctx, Metric::Activation, Granularity::Channel, weight.reductionDim,
          {}, std::nullopt, fireRateAttr);
    }
    plans.push_back(plan);
  }

  for (Plan &plan : plans) {
    plan.op->setAttr(kCalibrationAttrName, plan.calibration);
    if (plan.importance)
      plan.op->setAttr(PruneDialect::kImportanceAttrName, plan.importance);
  }
}
