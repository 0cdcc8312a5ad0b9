//===- Structural.cpp - prune-neurons, prune-filters ----------------------===//
//
// Part of mlir-prune. Thin passes over the dimension-coupling analysis:
// choose which indices of each prunable group to keep, then shrink every
// coupled tensor (or, in `mode=zero`, zero the consumer weights' slices).
//
//===----------------------------------------------------------------------===//

#include "Prune/Transforms/Structural.h"
#include "Prune/Analysis/DimCoupling.h"
#include "Prune/Analysis/ResidualBranches.h"
#include "Prune/Transforms/Passes.h"
#include "Prune/Transforms/PruneUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Transforms/RegionUtils.h"

#include <cmath>
#include <numeric>

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNENEURONS
#define GEN_PASS_DEF_PRUNEFILTERS
#define GEN_PASS_DEF_PRUNEHEADS
#define GEN_PASS_DEF_PRUNEPRINTCOUPLING
#include "Prune/Transforms/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

//===----------------------------------------------------------------------===//
// Slicing and resizing
//===----------------------------------------------------------------------===//

/// `value` with every dim d where `keep[d]` is non-empty reduced to the
/// indices `keep[d]`.
static ElementsAttr sliceElements(arith::ConstantOp op, const WeightData &data,
                                  RankedTensorType newType,
                                  ArrayRef<SmallVector<int64_t>> keep) {
  auto oldType = cast<RankedTensorType>(op.getType());
  if (data.isSplat())
    return DenseElementsAttr::getFromRawBuffer(newType, data.getRaw());
  int64_t rank = oldType.getRank();
  unsigned bytes = data.getElementBytes();
  SmallVector<int64_t> oldStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    oldStrides[d] = oldStrides[d + 1] * oldType.getDimSize(d + 1);
  int64_t newCount = newType.getNumElements();
  std::vector<char> out(newCount * bytes);
  SmallVector<int64_t> coord(rank, 0);
  ArrayRef<char> raw = data.getRaw();
  for (int64_t e = 0; e < newCount; ++e) {
    int64_t offset = 0;
    for (int64_t d = 0; d < rank; ++d)
      offset +=
          (keep[d].empty() ? coord[d] : keep[d][coord[d]]) * oldStrides[d];
    std::memcpy(out.data() + e * bytes, raw.data() + offset * bytes, bytes);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++coord[d] < newType.getDimSize(d))
        break;
      coord[d] = 0;
    }
  }
  return makeReplacementValue(op, newType, out);
}

/// A copy of the shape-only value `value` with type `type`, built before
/// `user`.
static Value cloneShapeOnly(OpBuilder &builder, Value value,
                            RankedTensorType type) {
  Operation *def = value.getDefiningOp();
  Location loc = def->getLoc();
  if (isa<tensor::EmptyOp>(def))
    return tensor::EmptyOp::create(builder, loc, type.getShape(),
                                   type.getElementType());
  if (auto constant = dyn_cast<arith::ConstantOp>(def)) {
    auto splat = cast<DenseElementsAttr>(constant.getValue());
    return arith::ConstantOp::create(builder, loc, type,
                                     splat.resizeSplat(type));
  }
  auto fill = cast<linalg::FillOp>(def);
  Value init = cloneShapeOnly(builder, fill.getDpsInitOperand(0)->get(), type);
  return linalg::FillOp::create(builder, loc, fill.getDpsInputs()[0], init)
      .getResult(0);
}

static RankedTensorType shrink(RankedTensorType type, ArrayRef<int64_t> dims,
                               int64_t size) {
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t d : dims)
    shape[d] = size;
  return RankedTensorType::get(shape, type.getElementType(),
                               type.getEncoding());
}

/// Composes `keep` (indices of the current `dims` of `constant`) into its
/// prune.kept record (original indices per dim).
static void recordKept(arith::ConstantOp constant, ArrayRef<int64_t> dims,
                       ArrayRef<int64_t> keep) {
  int64_t rank = cast<RankedTensorType>(constant.getType()).getRank();
  SmallVector<Attribute> kept(
      rank, DenseI64ArrayAttr::get(constant.getContext(), {}));
  if (auto old =
          constant->getAttrOfType<ArrayAttr>(PruneDialect::kKeptAttrName);
      old && static_cast<int64_t>(old.size()) == rank)
    kept.assign(old.begin(), old.end());
  for (int64_t d : dims) {
    auto old = dyn_cast<DenseI64ArrayAttr>(kept[d]);
    SmallVector<int64_t> indices;
    for (int64_t k : keep)
      indices.push_back(old && !old.empty() ? old[k] : k);
    kept[d] = DenseI64ArrayAttr::get(constant.getContext(), indices);
  }
  constant->setAttr(PruneDialect::kKeptAttrName,
                    ArrayAttr::get(constant.getContext(), kept));
}

/// Removes from every node of `group` the indices not in `keep` (sorted).
static LogicalResult removeIndices(const CouplingGroup &group,
                                   ArrayRef<int64_t> keep) {
  // Dims to shrink per value and per shape-only use, in a stable order.
  llvm::MapVector<Value, SmallVector<int64_t>> values;
  llvm::MapVector<OpOperand *, SmallVector<int64_t>> uses;
  for (const DimNode &node : group.nodes) {
    if (node.use)
      uses[node.use].push_back(node.dim);
    else
      values[node.value].push_back(node.dim);
  }
  int64_t size = keep.size();
  for (auto &[value, dims] : values) {
    auto type = cast<RankedTensorType>(value.getType());
    RankedTensorType newType = shrink(type, dims, size);
    if (auto constant = value.getDefiningOp<arith::ConstantOp>()) {
      if (!constant->hasAttr(PruneDialect::kDenseShapeAttrName))
        constant->setAttr(
            PruneDialect::kDenseShapeAttrName,
            DenseI64ArrayAttr::get(constant.getContext(), type.getShape()));
      FailureOr<WeightData> data = WeightData::get(constant);
      if (failed(data))
        return failure();
      SmallVector<SmallVector<int64_t>> perDim(type.getRank());
      for (int64_t d : dims)
        perDim[d].assign(keep.begin(), keep.end());
      ElementsAttr sliced = sliceElements(constant, *data, newType, perDim);
      constant.setValueAttr(cast<TypedAttr>(sliced));
      // Scores and patterns describe the old shape. Calibration statistics
      // describe the dense_shape weight; prune.kept maps them to this one
      // (prune-reconstruct refits from them).
      constant->removeAttr(PruneDialect::kImportanceAttrName);
      constant->removeAttr(PruneDialect::kSparsityAttrName);
      recordKept(constant, dims, keep);
    }
    value.setType(newType);
    if (auto expand = value.getDefiningOp<tensor::ExpandShapeOp>())
      expand.setStaticOutputShape(newType.getShape());
    // Slices the analysis let through cover the shrunk dims whole: their
    // sizes follow the small side's type.
    if (auto extract = value.getDefiningOp<tensor::ExtractSliceOp>())
      extract.setStaticSizes(newType.getShape());
    for (Operation *user : value.getUsers())
      if (auto insert = dyn_cast<tensor::InsertSliceOp>(user);
          insert && insert.getSource() == value)
        insert.setStaticSizes(newType.getShape());
  }
  for (auto &[use, dims] : uses) {
    auto type = cast<RankedTensorType>(use->get().getType());
    OpBuilder builder(use->getOwner());
    RankedTensorType newType = shrink(type, dims, size);
    use->set(cloneShapeOnly(builder, use->get(), newType));
    if (auto insert = dyn_cast<tensor::InsertSliceOp>(use->getOwner());
        insert && &insert.getSourceMutable() == use)
      insert.setStaticSizes(newType.getShape());
  }
  return success();
}

/// Zeroes, in every consumer weight of `group`, the slices of the indices
/// not in `keep`.
static LogicalResult zeroConsumers(const CouplingGroup &group,
                                   ArrayRef<int64_t> keep) {
  for (const Weight *weight : group.consumers) {
    FailureOr<WeightData> data = WeightData::get(weight->op);
    if (failed(data))
      return failure();
    ArrayRef<int64_t> shape = weight->type.getShape();
    std::vector<uint8_t> mask(data->size(), 1);
    for (const DimNode &node : group.nodes) {
      if (node.use || node.value != weight->op.getResult())
        continue;
      int64_t inner = 1;
      for (int64_t d = node.dim + 1; d < static_cast<int64_t>(shape.size());
           ++d)
        inner *= shape[d];
      std::vector<uint8_t> kept(shape[node.dim], 0);
      for (int64_t k : keep)
        kept[k] = 1;
      for (int64_t e = 0; e < data->size(); ++e)
        if (!kept[(e / inner) % shape[node.dim]])
          mask[e] = 0;
    }
    writeMasked(weight->op, *data, mask);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Scoring and selection
//===----------------------------------------------------------------------===//

/// Sums, for every index of `group`, |w| (l1) or w^2 (l2) over all weight
/// slices (producers and consumers) coupled to it.
static FailureOr<std::vector<double>> scoreGroup(const CouplingGroup &group,
                                                 bool l1) {
  std::vector<double> scores(group.size, 0.0);
  DenseSet<const Weight *> seen;
  SmallVector<const Weight *> all(group.producers);
  all.append(group.consumers.begin(), group.consumers.end());
  for (const Weight *weight : all) {
    if (!seen.insert(weight).second)
      continue;
    FailureOr<WeightData> data = WeightData::get(weight->op);
    if (failed(data))
      return failure();
    ArrayRef<int64_t> shape = weight->type.getShape();
    for (const DimNode &node : group.nodes) {
      if (node.use || node.value != weight->op.getResult())
        continue;
      int64_t inner = 1;
      for (int64_t d = node.dim + 1; d < static_cast<int64_t>(shape.size());
           ++d)
        inner *= shape[d];
      for (int64_t e = 0; e < data->size(); ++e) {
        double v = data->get(e);
        if (std::isnan(v))
          return weight->op.emitError("weight '")
                 << weight->name << "' contains NaN; refusing to rank it";
        scores[(e / inner) % shape[node.dim]] += l1 ? std::fabs(v) : v * v;
      }
    }
  }
  return scores;
}

/// Reads f32 scores into doubles.
static void readScoresAsDouble(ElementsAttr scores, std::vector<double> &out) {
  std::vector<float> values;
  readScores(scores, values);
  out.assign(values.begin(), values.end());
}

namespace {
struct StructuralOptions {
  double ratio;
  int64_t keep, minKeep, roundTo;
  MetricChoice metric;
  bool global, zero;
};

/// One group a plan removes indices from: unit u is indices
/// [offset + u*factor, offset + (u+1)*factor) of `group`, where offset is
/// where the plan's units sit in a concatenation (`path`, empty for the
/// plan's own groups; see concatOffset).
struct PlanPart {
  const CouplingGroup *group;
  int64_t factor;
  SmallVector<ConcatSegment, 2> path = {};
};

/// One prunable unit set: removing unit u removes, from every part, the
/// indices of u.
struct Plan {
  func::FuncOp func;
  /// What the units are, for the report (defaults to the pass's kind).
  std::string kind;
  std::vector<PlanPart> parts;
  int64_t size = 0;
  std::vector<double> scores;
  int64_t numKeep = 0;
};

/// What a structural pass prunes: the candidate unit sets of one function,
/// each with a weight to attach remarks to and, when refused, a reason.
struct Candidate {
  const Weight *anchor;
  std::string refused;
  Plan plan;
};
using CandidateFn =
    function_ref<void(const DimCoupling &, SmallVectorImpl<Candidate> &)>;

/// Attached unit scores for `plan` that `metric` accepts: channel
/// granularity along the node's dim for channel plans, head granularity
/// with the plan's head count for head plans (`heads`), on any weight
/// constant of the plan's first part... or its flat parts for heads.
ImportanceAttr findAttachedUnitScores(const Plan &plan,
                                      const MetricChoice &metric, bool heads) {
  for (auto [index, part] : llvm::enumerate(plan.parts)) {
    if (heads && index == 0)
      continue; // the head group itself holds no weight dims
    if (!part.path.empty())
      continue; // a concatenation's dims hold other units too
    for (const DimNode &node : part.group->nodes) {
      if (node.use)
        continue;
      auto constant = node.value.getDefiningOp<arith::ConstantOp>();
      ImportanceAttr attached =
          constant ? getAttachedImportance(constant) : ImportanceAttr();
      if (!attached || attached.getDim() != node.dim)
        continue;
      if (!metric.anyAttached && attached.getMetric() != metric.attached)
        continue;
      if (heads ? attached.getGranularity() == Granularity::Head &&
                      attached.getHeads() == plan.size
                : attached.getGranularity() == Granularity::Channel)
        return attached;
    }
  }
  return {};
}

/// Where index 0 of a group sits in the dim a chain of concatenations
/// makes of it, from the current types: the sizes of the operands before
/// it, at every step.
static int64_t concatOffset(ArrayRef<ConcatSegment> path) {
  int64_t offset = 0;
  for (const ConcatSegment &seg : path) {
    auto concat = cast<tensor::ConcatOp>(seg.concat);
    for (unsigned k = 0; k < seg.operand; ++k)
      offset += cast<RankedTensorType>(concat.getInputs()[k].getType())
                    .getDimSize(concat.getDim());
  }
  return offset;
}

/// The current size of the dim of `group` (its nodes' types change as
/// plans are applied).
static int64_t currentSize(const CouplingGroup &group) {
  const DimNode &node = group.nodes.front();
  return node.getType().getDimSize(node.dim);
}

/// Scores every unit of `plan` from its parts.
LogicalResult scorePlan(Plan &plan, bool l1) {
  plan.scores.assign(plan.size, 0.0);
  for (const PlanPart &part : plan.parts) {
    const CouplingGroup *group = part.group;
    if (group->producers.empty() && group->consumers.empty())
      continue;
    FailureOr<std::vector<double>> sums = scoreGroup(*group, l1);
    if (failed(sums))
      return failure();
    int64_t offset = concatOffset(part.path);
    for (int64_t i = 0; i < plan.size * part.factor; ++i)
      plan.scores[i / part.factor] += (*sums)[offset + i];
  }
  if (!l1)
    for (double &v : plan.scores)
      v = std::sqrt(v);
  return success();
}

/// Removes (or, with `zero`, zeroes the consumers of) the units of every
/// plan beyond its `numKeep` most important, records what was removed as
/// `kind`, erases what becomes unused and verifies the result.
LogicalResult applyPlans(ModuleOp module, MutableArrayRef<Plan> plans,
                         const WeightDiscovery &discovery, bool zero,
                         StringRef kind) {
  if (!zero)
    for (Plan &plan : plans)
      if (plan.numKeep < plan.size)
        recordStructuralBaseline(plan.func, discovery);
  for (Plan &plan : plans) {
    if (plan.numKeep >= plan.size)
      continue;
    if (!zero)
      recordRemoved(plan.func, plan.kind.empty() ? kind : plan.kind,
                    plan.size - plan.numKeep);
    // Most important first; ties keep the lower index.
    SmallVector<int64_t> order(plan.size);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      return plan.scores[a] > plan.scores[b];
    });
    std::vector<bool> removedUnit(plan.size, true);
    for (int64_t i = 0; i < plan.numKeep; ++i)
      removedUnit[order[i]] = false;
    // Every group's removed indices, in its current index space, before
    // anything changes: a group may hold several parts (a tensor
    // concatenated with itself) whose offsets the first removal would
    // shift.
    llvm::MapVector<const CouplingGroup *, std::vector<bool>> removed;
    for (const PlanPart &part : plan.parts) {
      auto [it, inserted] = removed.try_emplace(part.group);
      if (inserted)
        it->second.assign(currentSize(*part.group), false);
      int64_t offset = concatOffset(part.path);
      for (int64_t u = 0; u < plan.size; ++u)
        if (removedUnit[u])
          for (int64_t j = 0; j < part.factor; ++j)
            it->second[offset + u * part.factor + j] = true;
    }
    for (auto &[group, gone] : removed) {
      SmallVector<int64_t> keep;
      for (auto [i, isGone] : llvm::enumerate(gone))
        if (!isGone)
          keep.push_back(i);
      if (zero) {
        if (failed(zeroConsumers(*group, keep)))
          return failure();
      } else if (failed(removeIndices(*group, keep))) {
        return failure();
      }
    }
  }
  eraseUnused(module);
  if (failed(verify(module)))
    return module.emitError("internal error: structural pruning produced "
                            "invalid IR");
  return success();
}

/// Runs structural pruning on the unit sets `candidates` proposes.
LogicalResult runStructural(ModuleOp module, const StructuralOptions &opts,
                            ArrayRef<std::string> exclude, StringRef what,
                            CandidateFn candidates) {
  WeightDiscovery discovery(module, exclude);
  SmallVector<std::unique_ptr<DimCoupling>> analyses;
  SmallVector<Plan, 4> plans;
  unsigned numCandidates = 0;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    analyses.push_back(std::make_unique<DimCoupling>(func, discovery));
    SmallVector<Candidate, 4> found;
    candidates(*analyses.back(), found);
    for (Candidate &candidate : found) {
      ++numCandidates;
      if (!candidate.refused.empty()) {
        candidate.anchor->op.emitRemark()
            << what << " of weight '" << candidate.anchor->name
            << "' left alone: " << candidate.refused;
        continue;
      }
      if (opts.metric.computed) {
        if (failed(
                scorePlan(candidate.plan, *opts.metric.computed == Metric::L1)))
          return failure();
      } else {
        ImportanceAttr attached = findAttachedUnitScores(
            candidate.plan, opts.metric, what == "heads");
        if (!attached)
          return candidate.anchor->op.emitError("no attached ")
                 << (opts.metric.anyAttached
                         ? StringRef("")
                         : stringifyMetric(*opts.metric.attached))
                 << (what == "heads" ? " head" : " channel")
                 << "-granularity #prune.importance for the " << what
                 << " of weight '" << candidate.anchor->name << "'";
        readScoresAsDouble(attached.getScores(), candidate.plan.scores);
      }
      candidate.plan.func = func;
      plans.push_back(std::move(candidate.plan));
    }
  }
  if (numCandidates == 0)
    return module.emitError("found no ")
           << what << " to prune (no constant weight produces any)";

  auto finalizeKeep = [&](int64_t size, int64_t numKeep) {
    numKeep = std::max<int64_t>(numKeep, std::min(opts.minKeep, size));
    if (opts.roundTo > 1)
      numKeep = (numKeep + opts.roundTo - 1) / opts.roundTo * opts.roundTo;
    return std::min(numKeep, size);
  };
  if (opts.global) {
    // Rank every unit of every plan together, scores divided by the plan's
    // mean so that layers of different scale compare.
    struct Entry {
      double score;
      unsigned plan;
      int64_t index;
    };
    std::vector<Entry> entries;
    for (auto [p, plan] : llvm::enumerate(plans)) {
      double mean =
          std::accumulate(plan.scores.begin(), plan.scores.end(), 0.0) /
          std::max<size_t>(plan.scores.size(), 1);
      for (auto [i, v] : llvm::enumerate(plan.scores))
        entries.push_back({mean > 0 ? v / mean : 0.0, unsigned(p), int64_t(i)});
    }
    int64_t numRemove = roundHalfEven(opts.ratio * entries.size());
    std::stable_sort(
        entries.begin(), entries.end(),
        [](const Entry &a, const Entry &b) { return a.score < b.score; });
    SmallVector<int64_t> removed(plans.size(), 0);
    for (int64_t i = 0; i < numRemove; ++i)
      ++removed[entries[i].plan];
    for (auto [p, plan] : llvm::enumerate(plans))
      plan.numKeep = finalizeKeep(plan.size, plan.size - removed[p]);
  } else {
    for (Plan &plan : plans) {
      int64_t numKeep = opts.keep > 0
                            ? std::min(opts.keep, plan.size)
                            : plan.size - roundHalfEven(opts.ratio * plan.size);
      plan.numKeep = finalizeKeep(plan.size, numKeep);
    }
  }

  return applyPlans(module, plans, discovery, opts.zero, what);
}

/// The parts of the dims `group` is concatenated into (each unit is
/// `factor` indices).
void addConcatParts(const DimCoupling &coupling, const CouplingGroup &group,
                    int64_t factor, Plan &plan) {
  for (const auto &path : group.concatPaths)
    plan.parts.push_back(
        {&coupling.getGroups()[path.back().group], factor, path});
}

/// The same for the head group and the flat groups of heads.
void addHeadConcatParts(const DimCoupling &coupling, const HeadStructure &hs,
                        Plan &plan) {
  ArrayRef<CouplingGroup> groups = coupling.getGroups();
  addConcatParts(coupling, groups[hs.headGroup], 1, plan);
  for (unsigned flat : hs.flatGroups)
    addConcatParts(coupling, groups[flat], hs.headSize, plan);
}

/// Neurons and filters: every group a weight produces.
void channelCandidates(const DimCoupling &coupling, bool convolutions,
                       SmallVectorImpl<Candidate> &out) {
  for (const CouplingGroup &group : coupling.getGroups()) {
    if (group.producers.empty() || group.hasConvProducer != convolutions)
      continue;
    Candidate candidate;
    candidate.anchor = group.producers.front();
    if (!group.isSafe())
      candidate.refused = group.unsafeReason;
    else if (group.isConcatResult)
      candidate.refused = "they are concatenated with other channels by "
                          "tensor.concat (removed through its inputs)";
    else if (!group.reducedByContraction)
      candidate.refused = "no weight reads them";
    candidate.plan.parts = {{&group, 1}};
    addConcatParts(coupling, group, 1, candidate.plan);
    candidate.plan.size = group.size;
    out.push_back(std::move(candidate));
  }
}

/// Attention heads.
void headCandidates(const DimCoupling &coupling,
                    SmallVectorImpl<Candidate> &out) {
  ArrayRef<CouplingGroup> groups = coupling.getGroups();
  for (const HeadStructure &hs : coupling.getHeadStructures()) {
    const Weight *anchor = nullptr;
    for (unsigned flat : hs.flatGroups)
      if (!anchor && !groups[flat].producers.empty())
        anchor = groups[flat].producers.front();
    if (!anchor)
      continue;
    Candidate candidate;
    candidate.anchor = anchor;
    if (!hs.unsafeReason.empty())
      candidate.refused = hs.unsafeReason;
    else if (!hs.hasConsumer)
      candidate.refused = "no weight reads the heads";
    candidate.plan.parts = {{&groups[hs.headGroup], 1}};
    for (unsigned flat : hs.flatGroups)
      candidate.plan.parts.push_back({&groups[flat], hs.headSize});
    addHeadConcatParts(coupling, hs, candidate.plan);
    candidate.plan.size = hs.numHeads;
    out.push_back(std::move(candidate));
  }
}

struct RawStructuralOptions {
  double ratio;
  int64_t keep, minKeep, roundTo;
  StringRef metric, scope, mode;
};

LogicalResult parseStructuralOptions(const RawStructuralOptions &pass,
                                     ModuleOp module, StructuralOptions &opts) {
  if (failed(checkRatio(module.getLoc(), pass.ratio)))
    return failure();
  FailureOr<MetricChoice> metric =
      parseMetricOption(module.getLoc(), pass.metric);
  if (failed(metric))
    return failure();
  if (pass.scope != "layer" && pass.scope != "global")
    return module.emitError("unknown scope '")
           << pass.scope << "'; expected 'layer' or 'global'";
  if (pass.mode != "remove" && pass.mode != "zero")
    return module.emitError("unknown mode '")
           << pass.mode << "'; expected 'remove' or 'zero'";
  if (pass.keep < 0 || pass.minKeep < 1 || pass.roundTo < 1)
    return module.emitError(
        "keep must be >= 0, min-keep >= 1 and round-to >= 1");
  opts = {pass.ratio,         pass.keep, pass.minKeep,
          pass.roundTo,       *metric,   pass.scope == "global",
          pass.mode == "zero"};
  return success();
}

/// Parses the shared options and runs the engine on `candidates`.
LogicalResult runStructuralPass(ModuleOp module,
                                const RawStructuralOptions &raw,
                                ArrayRef<std::string> exclude, StringRef what,
                                CandidateFn candidates) {
  StructuralOptions opts;
  if (failed(parseStructuralOptions(raw, module, opts)))
    return failure();
  return runStructural(module, opts, exclude, what, candidates);
}

struct PruneNeuronsPass : prune::impl::PruneNeuronsBase<PruneNeuronsPass> {
  using Base::Base;
  void runOnOperation() override {
    if (failed(runStructuralPass(
            getOperation(),
            {ratio, keep, minKeep, roundTo, metric, scope, mode}, exclude,
            "neurons",
            [](const DimCoupling &coupling, SmallVectorImpl<Candidate> &out) {
              channelCandidates(coupling, /*convolutions=*/false, out);
            })))
      signalPassFailure();
  }
};

struct PruneFiltersPass : prune::impl::PruneFiltersBase<PruneFiltersPass> {
  using Base::Base;
  void runOnOperation() override {
    if (failed(runStructuralPass(
            getOperation(),
            {ratio, keep, minKeep, roundTo, metric, scope, mode}, exclude,
            "filters",
            [](const DimCoupling &coupling, SmallVectorImpl<Candidate> &out) {
              channelCandidates(coupling, /*convolutions=*/true, out);
            })))
      signalPassFailure();
  }
};

struct PruneHeadsPass : prune::impl::PruneHeadsBase<PruneHeadsPass> {
  using Base::Base;
  void runOnOperation() override {
    if (failed(runStructuralPass(
            getOperation(),
            {ratio, keep, minKeep, roundTo, metric, scope, mode}, exclude,
            "heads",
            [](const DimCoupling &coupling, SmallVectorImpl<Candidate> &out) {
              headCandidates(coupling, out);
            })))
      signalPassFailure();
  }
};

struct PrunePrintCouplingPass
    : prune::impl::PrunePrintCouplingBase<PrunePrintCouplingPass> {
  using Base::Base;
  void runOnOperation() override {
    WeightDiscovery discovery(getOperation());
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (!func.isExternal())
        DimCoupling(func, discovery).print(llvm::outs());
    markAllAnalysesPreserved();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Hand-written structural requests (prune-apply)
//===----------------------------------------------------------------------===//

namespace {
/// Everything a set of structural requests needs until it is carried out.
struct StructuralRequestState {
  DenseMap<Operation *, std::unique_ptr<DimCoupling>> couplings;
  DenseMap<Operation *, SmallVector<ResidualBranch>> branches;
  SmallVector<Plan, 4> plans;
  SmallVector<std::pair<Value, Value>> layerRemovals; // uses of second -> first
  SmallVector<Operation *> requestOps;
};
} // namespace

/// The weight constant and constant dim a request on `op` names.
static std::optional<std::pair<const Weight *, int64_t>>
resolveWeightDim(Operation *op, SparsityAttr attr,
                 const WeightDiscovery &discovery) {
  if (const Weight *weight = discovery.lookup(op))
    return std::make_pair(weight, *attr.getDim());
  auto weights = discovery.getWeightsOf(op);
  const Weight *weight = nullptr;
  const WeightUse *use = nullptr;
  for (auto [w, u] : weights)
    if (!attr.getOperand() || u->operandNumber == *attr.getOperand()) {
      if (weight) {
        op->emitError("op consumes several weights; say which one "
                      "'prune.sparsity' means with 'operand'");
        return std::nullopt;
      }
      std::tie(weight, use) = std::make_pair(w, u);
    }
  if (!weight) {
    op->emitError("'prune.sparsity' pattern '")
        << stringifySparsityKind(attr.getPattern())
        << "' on an op that consumes no constant weight";
    return std::nullopt;
  }
  int64_t operandDim = *attr.getDim();
  if (operandDim >= static_cast<int64_t>(use->operandToConst.size()) ||
      use->operandToConst[operandDim].size() != 1) {
    op->emitError("dim ") << operandDim
                          << " of the weight operand is not a single dim of "
                             "the weight constant";
    return std::nullopt;
  }
  return std::make_pair(weight, use->operandToConst[operandDim].front());
}

FailureOr<std::function<LogicalResult()>> mlir::prune::planStructuralRequests(
    ModuleOp module, ArrayRef<std::pair<Operation *, SparsityAttr>> requests,
    const WeightDiscovery &discovery) {
  auto state = std::make_shared<StructuralRequestState>();
  bool anyFailed = false;
  auto couplingOf = [&](Operation *op) -> DimCoupling & {
    auto func = op->getParentOfType<func::FuncOp>();
    auto &slot = state->couplings[func];
    if (!slot)
      slot = std::make_unique<DimCoupling>(func, discovery);
    return *slot;
  };
  DenseSet<const CouplingGroup *> plannedGroups;
  for (auto [op, attr] : requests) {
    state->requestOps.push_back(op);
    double ratio = getRatioValue(attr.getRatio()).value_or(0.0);
    if (attr.getPattern() == SparsityKind::Layer) {
      auto func = op->getParentOfType<func::FuncOp>();
      auto &branches = state->branches[func];
      if (branches.empty())
        branches = findResidualBranches(func, discovery);
      const ResidualBranch *found = nullptr;
      for (const ResidualBranch &branch : branches)
        if (branch.add == op)
          found = &branch;
      if (!found) {
        op->emitError("'prune.sparsity' pattern 'layer' must be on a "
                      "residual add y = x + f(x) whose branch f holds a "
                      "weight");
        anyFailed = true;
        continue;
      }
      if (!found->refused.empty()) {
        op->emitError("cannot remove this residual branch: ") << found->refused;
        anyFailed = true;
        continue;
      }
      state->layerRemovals.push_back({found->skip, op->getResult(0)});
      continue;
    }
    if (!attr.getDim()) {
      op->emitError("structural 'prune.sparsity' needs 'dim'");
      anyFailed = true;
      continue;
    }
    auto resolved = resolveWeightDim(op, attr, discovery);
    if (!resolved) {
      anyFailed = true;
      continue;
    }
    auto [weight, constDim] = *resolved;
    DimCoupling &coupling = couplingOf(weight->op);
    std::optional<unsigned> groupIndex =
        coupling.getGroupIndex(weight->op.getResult(), constDim);
    ArrayRef<CouplingGroup> groups = coupling.getGroups();
    Plan plan;
    plan.func = weight->op->getParentOfType<func::FuncOp>();
    if (attr.getPattern() == SparsityKind::Channel) {
      const CouplingGroup *group = groupIndex ? &groups[*groupIndex] : nullptr;
      if (!group || !group->isPrunable()) {
        op->emitError("cannot remove channels along dim ")
            << constDim << " of weight '" << weight->name << "': "
            << (!group             ? std::string("the dim is not coupled")
                : !group->isSafe() ? group->unsafeReason
                : group->isConcatResult
                    ? std::string("it is concatenated with other channels "
                                  "by tensor.concat (remove channels of "
                                  "its inputs)")
                : group->producers.empty()
                    ? std::string("no weight produces it")
                    : std::string("no weight reads it"));
        anyFailed = true;
        continue;
      }
      plan.parts = {{group, 1}};
      addConcatParts(coupling, *group, 1, plan);
      plan.size = group->size;
      plan.kind = group->hasConvProducer ? "filters" : "neurons";
    } else {
      // Heads: the structure whose flat groups hold the requested dim.
      const HeadStructure *heads = nullptr;
      for (const HeadStructure &hs : coupling.getHeadStructures())
        if (groupIndex && llvm::is_contained(hs.flatGroups, *groupIndex))
          heads = &hs;
      if (!heads || heads->numHeads != *attr.getHeads()) {
        op->emitError("dim ")
            << constDim << " of weight '" << weight->name
            << "' is not split into " << *attr.getHeads() << " attention heads"
            << (heads ? (" (it has " + Twine(heads->numHeads) + ")").str()
                      : std::string());
        anyFailed = true;
        continue;
      }
      if (!heads->isPrunable()) {
        op->emitError("cannot remove heads of weight '")
            << weight->name << "': "
            << (heads->unsafeReason.empty()
                    ? std::string("no weight reads or produces them")
                    : heads->unsafeReason);
        anyFailed = true;
        continue;
      }
      plan.parts = {{&groups[heads->headGroup], 1}};
      for (unsigned flat : heads->flatGroups)
        plan.parts.push_back({&groups[flat], heads->headSize});
      addHeadConcatParts(coupling, *heads, plan);
      plan.size = heads->numHeads;
      plan.kind = "heads";
    }
    if (!plannedGroups.insert(plan.parts.front().group).second) {
      op->emitError("another 'prune.sparsity' request already removes "
                    "these structures");
      anyFailed = true;
      continue;
    }
    // Attached channel or head scores along the coupled dims, else l2.
    MetricChoice anyAttached;
    anyAttached.anyAttached = true;
    if (ImportanceAttr attached = findAttachedUnitScores(
            plan, anyAttached, attr.getPattern() == SparsityKind::Head)) {
      readScoresAsDouble(attached.getScores(), plan.scores);
    } else if (failed(scorePlan(plan, /*l1=*/false))) {
      anyFailed = true;
      continue;
    }
    plan.numKeep =
        std::max<int64_t>(1, plan.size - roundHalfEven(ratio * plan.size));
    state->plans.push_back(std::move(plan));
  }
  if (anyFailed)
    return failure();
  std::function<LogicalResult()> commit =
      [state, module, &discovery]() mutable -> LogicalResult {
    for (Operation *op : state->requestOps)
      op->removeAttr(PruneDialect::kSparsityAttrName);
    for (Plan &plan : state->plans)
      recordStructuralBaseline(plan.func, discovery);
    for (auto &[skip, out] : state->layerRemovals)
      recordStructuralBaseline(
          out.getParentRegion()->getParentOfType<func::FuncOp>(), discovery);
    if (failed(applyPlans(module, state->plans, discovery, /*zero=*/false,
                          "structures")))
      return failure();
    for (auto &[skip, out] : llvm::reverse(state->layerRemovals)) {
      recordRemoved(out.getParentRegion()->getParentOfType<func::FuncOp>(),
                    "branches", 1);
      out.replaceAllUsesWith(skip);
    }
    eraseUnused(module);
    if (failed(verify(module)))
      return module.emitError("internal error: prune-apply produced invalid "
                              "IR");
    return success();
  };
  return commit;
}
