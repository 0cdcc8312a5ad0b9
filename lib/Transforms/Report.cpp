//===- Report.cpp - prune-report ------------------------------------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/Transforms/Passes.h"
#include "Prune/Transforms/PruneUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <map>

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNEREPORT
#include "Prune/Transforms/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

namespace {
struct WeightRow {
  std::string name;
  std::string shape;
  /// The shape before structural removal (empty when never resized).
  std::string shapeBefore;
  int64_t paramsBefore = 0;
  std::string dtype;
  std::string pattern;
  int64_t params = 0;
  int64_t nonzeros = 0;
  int64_t denseBytes = 0;
  int64_t compressedBytes = 0;
  double flopsBefore = 0;
  double flopsAfter = 0;
};
} // namespace

static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string s;
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? "x" : "") + std::to_string(d);
  return s;
}

/// Bytes of `weight` stored in `pattern`'s compressed format.
static int64_t compressedBytes(const Weight &weight, const WeightData &data,
                               SparsityAttr pattern, int64_t nonzeros,
                               std::string &name) {
  int64_t eb = data.getElementBytes();
  int64_t params = data.size();
  int64_t dense = params * eb;
  if (!pattern) {
    name = "dense";
    return dense;
  }
  switch (pattern.getPattern()) {
  case SparsityKind::Unstructured: {
    name = "unstructured";
    int64_t rows = weight.outputDim >= 0
                       ? weight.type.getDimSize(weight.outputDim)
                       : weight.type.getDimSize(0);
    // CSR: values + 32-bit column indices + row pointers.
    return nonzeros * (eb + 4) + (rows + 1) * 4;
  }
  case SparsityKind::NM: {
    int64_t n = *pattern.getN(), m = *pattern.getM();
    name = std::to_string(n) + ":" + std::to_string(m);
    int64_t kept = params / m * n;
    int64_t bitsPerIndex =
        static_cast<int64_t>(std::ceil(std::log2(static_cast<double>(m))));
    // Values + packed in-group positions (2 bits each for 2:4).
    return kept * eb + (kept * bitsPerIndex + 7) / 8;
  }
  case SparsityKind::Block: {
    int64_t r = pattern.getBlock()[0], c = pattern.getBlock()[1];
    name = "block " + std::to_string(r) + "x" + std::to_string(c);
    std::string why;
    FailureOr<BlockTiling> tiling = getBlockTiling(weight, r, c, why);
    if (failed(tiling))
      return dense;
    std::vector<uint8_t> live(tiling->getNumBlocks(), 0);
    tiling->forEachElement([&](int64_t block, int64_t e) {
      if (!data.isZero(e))
        live[block] = 1;
    });
    int64_t liveBlocks = std::count(live.begin(), live.end(), 1);
    // BSR: block values + 32-bit block column indices + block row pointers.
    return liveBlocks * r * c * eb + liveBlocks * 4 +
           (tiling->numSlices * tiling->numBlockRows + 1) * 4;
  }
  default:
    name = stringifySparsityKind(pattern.getPattern()).str();
    return dense;
  }
}

namespace {
struct PruneReportPass : prune::impl::PruneReportBase<PruneReportPass> {
  using Base::Base;

  /// Structures removed per kind (neurons, filters, heads, ...).
  std::map<std::string, int64_t> removed;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    WeightDiscovery discovery(module);

    // Density of the weights each consumer reads.
    DenseMap<Operation *, double> consumerDensity;
    SmallVector<WeightRow> rows;
    for (const Weight &weight : discovery.getWeights()) {
      FailureOr<WeightData> data = WeightData::get(weight.op);
      if (failed(data))
        return signalPassFailure();
      WeightRow row;
      row.name = weight.name;
      row.shape = formatShape(weight.type.getShape());
      llvm::raw_string_ostream(row.dtype) << weight.type.getElementType();
      row.params = data->size();
      row.paramsBefore = row.params;
      if (auto dense = weight.op->getAttrOfType<DenseI64ArrayAttr>(
              PruneDialect::kDenseShapeAttrName)) {
        row.shapeBefore = formatShape(dense.asArrayRef());
        row.paramsBefore = 1;
        for (int64_t d : dense.asArrayRef())
          row.paramsBefore *= d;
      }
      row.nonzeros = data->countNonZeros();
      row.denseBytes = row.params * data->getElementBytes();
      auto pattern = weight.op->getAttrOfType<SparsityAttr>(
          PruneDialect::kSparsityAttrName);
      row.compressedBytes =
          compressedBytes(weight, *data, pattern, row.nonzeros, row.pattern);
      double density =
          row.params ? static_cast<double>(row.nonzeros) / row.params : 1.0;
      // A consumer's FLOPs are proportional to its weight's size (one
      // multiply-add per weight element and output position), so structural
      // removal scales them by params / paramsBefore.
      double shrink =
          row.params ? static_cast<double>(row.paramsBefore) / row.params : 1.0;
      for (const WeightUse &use : weight.uses) {
        double flops = getFlops(use.consumer);
        row.flopsBefore += flops * shrink;
        row.flopsAfter += flops * density;
        auto [it, inserted] =
            consumerDensity.try_emplace(use.consumer.getOperation(), density);
        if (!inserted)
          it->second = std::min(it->second, density);
      }
      rows.push_back(std::move(row));
    }

    WeightRow total;
    total.name = "total";
    for (const WeightRow &row : rows) {
      total.params += row.params;
      total.paramsBefore += row.paramsBefore;
      total.nonzeros += row.nonzeros;
      total.denseBytes += row.denseBytes;
      total.compressedBytes += row.compressedBytes;
    }
    // Total FLOPs cover every contraction and convolution, with or without
    // a constant weight.
    module.walk([&](linalg::LinalgOp op) {
      if (!isPrunableConsumer(op))
        return;
      double flops = getFlops(op);
      auto it = consumerDensity.find(op.getOperation());
      double density = it == consumerDensity.end() ? 1.0 : it->second;
      total.flopsBefore += flops;
      total.flopsAfter += flops * density;
    });
    // Functions that lost structures remember their FLOPs and parameters
    // from before (removed weights included).
    double baselineFlops = 0.0, currentFlops = 0.0;
    int64_t baselineParams = 0, currentParams = 0;
    for (auto func : module.getOps<func::FuncOp>()) {
      auto flops =
          func->getAttrOfType<FloatAttr>(PruneDialect::kDenseFlopsAttrName);
      auto params =
          func->getAttrOfType<IntegerAttr>(PruneDialect::kDenseParamsAttrName);
      if (!flops || !params)
        continue;
      baselineFlops += flops.getValueAsDouble();
      currentFlops += getTotalFlops(func);
      baselineParams += params.getInt();
      // The baseline replaces what the rows say about this function.
      for (auto [weight, row] : llvm::zip(discovery.getWeights(), rows))
        if (weight.op->getParentOfType<func::FuncOp>() == func)
          currentParams += row.paramsBefore;
      if (auto dict = func->getAttrOfType<DictionaryAttr>(
              PruneDialect::kRemovedAttrName))
        for (NamedAttribute entry : dict)
          removed[entry.getName().getValue().str()] +=
              cast<IntegerAttr>(entry.getValue()).getInt();
    }
    total.flopsBefore += baselineFlops - currentFlops;
    total.paramsBefore += baselineParams - currentParams;

    collectLowering(module, discovery);
    if (!quiet)
      printTable(rows, total);
    if (!output.empty() && failed(writeJson(module, rows, total)))
      return signalPassFailure();
    markAllAnalysesPreserved();
  }

  static llvm::json::Object toJson(const WeightRow &row) {
    double sparsity =
        row.params ? 1.0 - static_cast<double>(row.nonzeros) / row.params : 0;
    return llvm::json::Object{{"name", row.name},
                              {"shape", row.shape},
                              {"dtype", row.dtype},
                              {"pattern", row.pattern},
                              {"params", row.params},
                              {"params_before", row.paramsBefore},
                              {"nonzeros", row.nonzeros},
                              {"sparsity", sparsity},
                              {"dense_bytes", row.denseBytes},
                              {"compressed_bytes", row.compressedBytes},
                              {"flops_before", row.flopsBefore},
                              {"flops_after", row.flopsAfter}};
  }

  LogicalResult writeJson(ModuleOp module, ArrayRef<WeightRow> rows,
                          const WeightRow &total) {
    llvm::json::Array weights;
    for (const WeightRow &row : rows) {
      llvm::json::Object object = toJson(row);
      if (!row.shapeBefore.empty())
        object["shape_before"] = row.shapeBefore;
      weights.push_back(std::move(object));
    }
    llvm::json::Object totalJson = toJson(total);
    totalJson.erase("shape");
    totalJson.erase("dtype");
    totalJson.erase("pattern");
    llvm::json::Object removedJson;
    for (auto &[kind, count] : removed)
      removedJson[kind] = count;
    totalJson["removed"] = std::move(removedJson);
    llvm::json::Object docObject{{"weights", std::move(weights)},
                                 {"total", std::move(totalJson)}};
    if (!loweringOf.empty()) {
      std::vector<std::string> lines;
      for (auto &[op, text] : loweringOf)
        lines.push_back(text);
      llvm::sort(lines);
      llvm::json::Array lowering;
      for (std::string &l : lines)
        lowering.push_back(std::move(l));
      docObject["lowering"] = std::move(lowering);
    }
    llvm::json::Value doc = std::move(docObject);
    std::string error;
    auto file = openOutputFile(output, &error);
    if (!file)
      return module.emitError("cannot write report: ") << error;
    file->os() << llvm::formatv("{0:2}", doc) << "\n";
    file->keep();
    return success();
  }

  static std::unique_ptr<llvm::ToolOutputFile>
  openOutputFile(StringRef path, std::string *error) {
    std::error_code ec;
    auto file = std::make_unique<llvm::ToolOutputFile>(path, ec,
                                                       llvm::sys::fs::OF_Text);
    if (ec) {
      *error = ec.message();
      return nullptr;
    }
    return file;
  }

  /// What prune-sparsify decided (its `prune.lowering` records): the
  /// contractions it kept dense and why, and the kernels it emitted.
  DenseMap<Operation *, std::string> loweringOf;
  void collectLowering(ModuleOp module, const WeightDiscovery &discovery) {
    module.walk([&](Operation *op) {
      auto rec = op->getAttrOfType<StringAttr>(PruneDialect::kLoweringAttrName);
      if (!rec)
        return;
      std::string who;
      for (auto [w, u] : discovery.getWeightsOf(op))
        who = w->name;
      loweringOf[op] = who.empty() ? rec.str() : who + ": " + rec.str();
    });
  }
  void printLowering() {
    if (loweringOf.empty())
      return;
    std::vector<std::string> lines;
    for (auto &[op, text] : loweringOf)
      lines.push_back(text);
    llvm::sort(lines);
    llvm::errs() << "lowering (prune-sparsify):\n";
    for (const std::string &l : lines)
      llvm::errs() << "  " << l << "\n";
  }

  void printTable(ArrayRef<WeightRow> rows, const WeightRow &total) {
    auto &os = llvm::errs();
    auto line = [&](const WeightRow &r) {
      double sparsity =
          r.params ? 100.0 * (1.0 - double(r.nonzeros) / r.params) : 0.0;
      os << llvm::format("%-28s %-14s %-12s %11lld %11lld %6.1f%% %12lld "
                         "%12lld %12.4g %12.4g\n",
                         r.name.substr(0, 28).c_str(), r.shape.c_str(),
                         r.pattern.c_str(), (long long)r.params,
                         (long long)r.nonzeros, sparsity,
                         (long long)r.denseBytes, (long long)r.compressedBytes,
                         r.flopsBefore, r.flopsAfter);
    };
    os << "=== prune-report ===\n";
    os << llvm::format("%-28s %-14s %-12s %11s %11s %7s %12s %12s %12s "
                       "%12s\n",
                       "weight", "shape", "pattern", "params", "nonzeros",
                       "sparse", "dense B", "packed B", "FLOPs", "FLOPs now");
    for (const WeightRow &r : rows)
      line(r);
    line(total);
    double reduction =
        total.flopsBefore > 0 ? total.flopsBefore / total.flopsAfter : 1.0;
    os << llvm::format("weights: %zu, parameters %lld -> %lld non-zero, "
                       "bytes %lld -> %lld, FLOPs %.4g -> %.4g (%.2fx)\n",
                       rows.size(), (long long)total.params,
                       (long long)total.nonzeros, (long long)total.denseBytes,
                       (long long)total.compressedBytes, total.flopsBefore,
                       total.flopsAfter, reduction);
    printLowering();
    if (removed.empty() && total.paramsBefore == total.params)
      return;
    os << "structural: parameters " << total.paramsBefore << " -> "
       << total.params << ", removed:";
    for (auto &[kind, count] : removed)
      os << " " << kind << " " << count;
    os << "\n";
    for (const WeightRow &r : rows) {
      if (r.shapeBefore.empty())
        continue;
      double flopsRatio = r.flopsBefore > 0 ? r.flopsAfter / r.flopsBefore : 1;
      os << llvm::format("  %-28s %s -> %s, params %lld -> %lld, FLOPs "
                         "%.4g -> %.4g (%.0f%%)\n",
                         r.name.substr(0, 28).c_str(), r.shapeBefore.c_str(),
                         r.shape.c_str(), (long long)r.paramsBefore,
                         (long long)r.params, r.flopsBefore, r.flopsAfter,
                         100.0 * flopsRatio);
    }
  }
};
} // namespace
