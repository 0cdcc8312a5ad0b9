//===- Iterative.cpp - prune-iterative ------------------------------------===//
//
// Part of mlir-prune. Reaches a target sparsity in steps: each step runs a
// user-given pass pipeline (score, prune to the step's ratio, repair) on the
// module as the previous step left it. The whole run is one transaction.
//
//===----------------------------------------------------------------------===//

#include "Prune/Transforms/Passes.h"
#include "Prune/Transforms/PruneUtils.h"

#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/Format.h"

#include <cmath>
#include <map>

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNEITERATIVE
#include "Prune/Transforms/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

static constexpr StringLiteral kRatioPlaceholder = "@ratio@";
static constexpr StringLiteral kStepPlaceholder = "@step@";
static constexpr StringLiteral kIncrementPlaceholder = "@increment@";

/// The ratio of step `step` (1-based) of `steps`.
static double getStepRatio(StringRef schedule, double target, int64_t step,
                           int64_t steps) {
  double frac = static_cast<double>(step) / static_cast<double>(steps);
  if (step == steps)
    return target;
  if (schedule == "cubic")
    return target * (1.0 - std::pow(1.0 - frac, 3.0));
  return target * frac;
}

/// Shortest text that reads back as `value` (enough digits for a ratio).
static std::string formatRatio(double value) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%.10g", value);
  return s;
}

/// `value` with four decimals.
static std::string formatFixed(double value) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%.4f", value);
  return s;
}

static std::string replaceAll(StringRef text, StringRef from, StringRef to);

/// The pipeline text of one step.
static std::string substitute(StringRef pipeline, double ratio,
                              double increment, int64_t step) {
  std::string text =
      replaceAll(pipeline, kRatioPlaceholder, formatRatio(ratio));
  text = replaceAll(text, kIncrementPlaceholder, formatRatio(increment));
  return replaceAll(text, kStepPlaceholder, std::to_string(step));
}

static std::string replaceAll(StringRef text, StringRef from, StringRef to) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t next = text.find(from, pos);
    out += text.slice(pos, next).str();
    if (next == StringRef::npos)
      break;
    out += to.str();
    pos = next + from.size();
  }
  return out;
}

/// Parses `text` (a list of passes, or `builtin.module(...)`) into a pass
/// manager anchored on builtin.module.
static FailureOr<OpPassManager> parseStepPipeline(StringRef text,
                                                  std::string &error) {
  llvm::raw_string_ostream errs(error);
  StringRef trimmed = text.trim();
  if (trimmed.starts_with("builtin.module(")) {
    FailureOr<OpPassManager> pm = parsePassPipeline(trimmed, errs);
    if (failed(pm))
      return failure();
    return pm;
  }
  OpPassManager pm("builtin.module");
  if (failed(parsePassPipeline(trimmed, pm, errs)))
    return failure();
  return pm;
}

namespace {
/// A copy of the bytes of every dense_resource blob the module refers to:
/// passes write blobs in place, so a clone of the module alone cannot undo
/// a failed run.
class BlobBackup {
public:
  void save(ModuleOp module) {
    module->walk([&](Operation *op) {
      op->getAttrDictionary().walk([&](DenseResourceElementsAttr attr) {
        DenseResourceElementsHandle handle = attr.getRawHandle();
        auto *resource = handle.getResource();
        if (saved.count(resource))
          return;
        Entry &entry = saved[resource];
        if (AsmResourceBlob *blob = handle.getBlob()) {
          entry.present = true;
          entry.bytes.assign(blob->getData().begin(), blob->getData().end());
          entry.alignment = blob->getDataAlignment();
        }
      });
    });
  }

  void restore() {
    for (auto &[resource, entry] : saved) {
      if (!entry.present)
        continue;
      resource->setBlob(HeapAsmResourceBlob::allocateAndCopyWithAlign(
          entry.bytes, entry.alignment, /*dataIsMutable=*/true));
    }
  }

private:
  struct Entry {
    bool present = false;
    std::vector<char> bytes;
    size_t alignment = alignof(double);
  };
  std::map<DialectResourceBlobManager::BlobEntry *, Entry> saved;
};

/// Which elements of each weight are zero, by weight name.
struct ZeroSnapshot {
  struct Entry {
    SmallVector<int64_t> shape;
    std::vector<uint8_t> zero;
  };
  std::map<std::string, Entry> weights;
  int64_t numZeros = 0, numElements = 0;

  static FailureOr<ZeroSnapshot> take(ModuleOp module) {
    ZeroSnapshot snap;
    WeightDiscovery discovery(module);
    for (const Weight &weight : discovery.getWeights()) {
      FailureOr<WeightData> data = WeightData::get(weight.op);
      if (failed(data))
        return failure();
      Entry &entry = snap.weights[weight.name];
      entry.shape.assign(weight.type.getShape().begin(),
                         weight.type.getShape().end());
      entry.zero.resize(data->size());
      for (int64_t i = 0, e = data->size(); i < e; ++i)
        entry.zero[i] = data->isZero(i);
      snap.numElements += data->size();
      snap.numZeros += llvm::count(entry.zero, 1);
    }
    return snap;
  }
};

struct PruneIterativePass
    : prune::impl::PruneIterativeBase<PruneIterativePass> {
  using Base::Base;

  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    // The steps' passes run nested: their dialects must be loaded up front.
    std::string error;
    std::string text = substitute(pipeline, 0.5, 0.5, 1);
    FailureOr<OpPassManager> pm = parseStepPipeline(text, error);
    if (succeeded(pm))
      pm->getDependentDialects(registry);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Location loc = module.getLoc();
    int64_t steps = this->steps;
    if (!(target >= 0.0 && target < 1.0)) {
      emitError(loc) << "prune-iterative: target must be in [0, 1), got "
                     << formatRatio(target);
      return signalPassFailure();
    }
    if (steps < 1) {
      emitError(loc) << "prune-iterative: steps must be at least 1, got "
                     << steps;
      return signalPassFailure();
    }
    if (schedule != "linear" && schedule != "cubic") {
      emitError(loc) << "prune-iterative: unknown schedule '" << schedule
                     << "'; expected 'linear' or 'cubic'";
      return signalPassFailure();
    }
    if (!StringRef(pipeline).contains(kRatioPlaceholder) &&
        !StringRef(pipeline).contains(kIncrementPlaceholder)) {
      emitError(loc) << "prune-iterative: the pipeline '" << pipeline
                     << "' has no " << kRatioPlaceholder << " or "
                     << kIncrementPlaceholder
                     << " placeholder: every step would prune to the same "
                        "ratio";
      return signalPassFailure();
    }

    // Parse every step's pipeline before anything runs.
    SmallVector<OpPassManager> stepPMs;
    SmallVector<double> ratios;
    double previous = 0.0;
    for (int64_t s = 1; s <= steps; ++s) {
      double ratio = getStepRatio(schedule, target, s, steps);
      // The fraction of what is left that this step removes.
      double increment = (ratio - previous) / (1.0 - previous);
      previous = ratio;
      std::string text = substitute(pipeline, ratio, increment, s);
      std::string error;
      FailureOr<OpPassManager> pm = parseStepPipeline(text, error);
      if (failed(pm)) {
        emitError(loc) << "prune-iterative: cannot parse the pipeline of step "
                       << s << " '" << text << "': " << StringRef(error).trim();
        return signalPassFailure();
      }
      stepPMs.push_back(std::move(*pm));
      ratios.push_back(ratio);
    }

    // The transaction: a clone of the module and the bytes of its blobs.
    OwningOpRef<ModuleOp> backup = cast<ModuleOp>(module->clone());
    BlobBackup blobs;
    blobs.save(module);
    auto rollback = [&] {
      blobs.restore();
      module->setAttrs(backup.get()->getAttrDictionary());
      module.getBodyRegion().takeBody(backup->getBodyRegion());
      signalPassFailure();
    };

    FailureOr<ZeroSnapshot> before = ZeroSnapshot::take(module);
    if (failed(before))
      return rollback();
    for (int64_t s = 1; s <= steps; ++s) {
      if (failed(runPipeline(stepPMs[s - 1], module))) {
        emitError(loc) << "prune-iterative: step " << s << " of " << steps
                       << " (ratio " << formatRatio(ratios[s - 1])
                       << ") failed; the module is left as it was";
        return rollback();
      }
      int64_t revived = 0;
      if (failed(keepZeros(module, *before, revived)))
        return rollback();
      FailureOr<ZeroSnapshot> after = ZeroSnapshot::take(module);
      if (failed(after))
        return rollback();
      double achieved = after->numElements
                            ? static_cast<double>(after->numZeros) /
                                  static_cast<double>(after->numElements)
                            : 0.0;
      InFlightDiagnostic remark = emitRemark(loc);
      remark << "prune-iterative: step " << s << "/" << steps << ": ratio "
             << formatRatio(ratios[s - 1]) << ", weights "
             << formatFixed(achieved) << " zero (" << after->numZeros << " of "
             << after->numElements << ")";
      if (revived)
        remark << "; re-zeroed " << revived
               << " elements the step made non-zero";
      before = std::move(after);
    }
  }

  /// Zeroes again every element that was zero in `before` and is not now,
  /// for weights whose name and shape did not change.
  LogicalResult keepZeros(ModuleOp module, const ZeroSnapshot &before,
                          int64_t &revived) {
    WeightDiscovery discovery(module);
    for (const Weight &weight : discovery.getWeights()) {
      auto it = before.weights.find(weight.name);
      if (it == before.weights.end() ||
          ArrayRef<int64_t>(it->second.shape) != weight.type.getShape())
        continue;
      FailureOr<WeightData> data = WeightData::get(weight.op);
      if (failed(data))
        return failure();
      const std::vector<uint8_t> &wasZero = it->second.zero;
      std::vector<uint8_t> keep(data->size(), 1);
      int64_t count = 0;
      for (int64_t i = 0, e = data->size(); i < e; ++i) {
        if (wasZero[i]) {
          keep[i] = 0;
          count += !data->isZero(i);
        }
      }
      if (!count)
        continue;
      revived += count;
      writeMasked(weight.op, *data, keep);
    }
    return success();
  }
};
} // namespace
