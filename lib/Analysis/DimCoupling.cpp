//===- DimCoupling.cpp - the dimension-coupling graph ---------------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/Analysis/DimCoupling.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::prune;

bool mlir::prune::isShapeOnly(Value value) {
  Operation *def = value.getDefiningOp();
  if (!def)
    return false;
  if (isa<tensor::EmptyOp>(def))
    return true;
  if (auto constant = dyn_cast<arith::ConstantOp>(def)) {
    auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
    return dense && dense.isSplat() && isa<RankedTensorType>(dense.getType());
  }
  if (auto fill = dyn_cast<linalg::FillOp>(def))
    return fill.hasPureTensorSemantics() &&
           isShapeOnly(fill.getDpsInitOperand(0)->get());
  return false;
}

unsigned DimCoupling::getNode(Value value, int64_t dim) {
  auto key = std::make_pair(value.getAsOpaquePointer(), dim);
  auto it = nodeIds.find(key);
  if (it != nodeIds.end())
    return it->second;
  unsigned id = nodes.size();
  nodes.push_back({value, nullptr, dim});
  nodeIds[key] = id;
  classes.insert(id);
  return id;
}

unsigned DimCoupling::getUseNode(OpOperand &use, int64_t dim) {
  auto key = std::make_pair(static_cast<void *>(&use), dim);
  auto it = nodeIds.find(key);
  if (it != nodeIds.end())
    return it->second;
  unsigned id = nodes.size();
  nodes.push_back({use.get(), &use, dim});
  nodeIds[key] = id;
  classes.insert(id);
  return id;
}

void DimCoupling::markUnsafe(unsigned node, const Twine &reason, bool isSplit) {
  auto [it, inserted] = unsafe.try_emplace(node, reason.str(), isSplit);
  // A real reason wins over a head split.
  if (!inserted && it->second.second && !isSplit)
    it->second = {reason.str(), false};
}

/// The node of dim `dim` of operand `use`: a per-use node for shape-only
/// values, the value's node otherwise.
/// Weights are never shape-only, even when splat: their slices are scored
/// and zeroed like any other weight's.
static unsigned
operandNode(const WeightDiscovery &weights, OpOperand &use, int64_t dim,
            function_ref<unsigned(Value, int64_t)> valueNode,
            function_ref<unsigned(OpOperand &, int64_t)> useNode) {
  Operation *def = use.get().getDefiningOp();
  bool isWeight = def && weights.lookup(def);
  return !isWeight && isShapeOnly(use.get()) ? useNode(use, dim)
                                             : valueNode(use.get(), dim);
}

void DimCoupling::visit(Operation *op) {
  auto valueNode = [&](Value v, int64_t d) { return getNode(v, d); };
  auto useNode = [&](OpOperand &u, int64_t d) { return getUseNode(u, d); };
  auto nodeOf = [&](OpOperand &u, int64_t d) {
    return operandNode(weights, u, d, valueNode, useNode);
  };
  auto rankOf = [](Value v) -> int64_t {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    return type ? type.getRank() : -1;
  };
  std::string opName = op->getName().getStringRef().str();

  // Values that only carry a shape are resized per use.
  if (op->getNumResults() == 1 && isShapeOnly(op->getResult(0)))
    return;
  if (isa<arith::ConstantOp>(op))
    return;

  if (isa<func::ReturnOp>(op)) {
    for (Value v : op->getOperands())
      for (int64_t d = 0; d < rankOf(v); ++d)
        markUnsafe(getNode(v, d), "reaches the function result");
    return;
  }

  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    if (!linalgOp.hasPureTensorSemantics()) {
      for (OpOperand &use : op->getOpOperands())
        for (int64_t d = 0; d < rankOf(use.get()); ++d)
          markUnsafe(nodeOf(use, d), "used by " + opName + " on buffers");
      return;
    }
    bool isContraction = linalg::isaContractionOpInterface(linalgOp) ||
                         linalg::isaConvolutionOpInterface(linalgOp);
    bool usesIndex = false;
    op->getRegion(0).walk([&](linalg::IndexOp) { usesIndex = true; });
    SmallVector<std::optional<unsigned>> loopRep(linalgOp.getNumLoops());
    SmallVector<utils::IteratorType> iterators =
        linalgOp.getIteratorTypesArray();
    for (OpOperand &use : op->getOpOperands()) {
      if (rankOf(use.get()) < 0)
        continue;
      AffineMap map = linalgOp.getMatchingIndexingMap(&use);
      for (auto [d, expr] : llvm::enumerate(map.getResults())) {
        unsigned node = nodeOf(use, d);
        if (auto dimExpr = dyn_cast<AffineDimExpr>(expr)) {
          unsigned loop = dimExpr.getPosition();
          if (loopRep[loop])
            couple(*loopRep[loop], node);
          else
            loopRep[loop] = node;
          continue;
        }
        if (auto cst = dyn_cast<AffineConstantExpr>(expr);
            cst && cst.getValue() == 0)
          continue; // a broadcast size-1 dim
        markUnsafe(node, "indexed through a window expression by " + opName);
      }
    }
    for (auto [i, result] : llvm::enumerate(op->getResults())) {
      OpOperand *init = linalgOp.getDpsInitOperand(i);
      for (int64_t d = 0; d < rankOf(result); ++d)
        couple(getNode(result, d), nodeOf(*init, d));
    }
    for (auto [loop, rep] : llvm::enumerate(loopRep)) {
      if (!rep)
        continue;
      if (usesIndex)
        markUnsafe(*rep, opName + " reads its loop indices");
      if (iterators[loop] != utils::IteratorType::reduction)
        continue;
      if (!isContraction) {
        markUnsafe(*rep, "reduced over by " + opName);
        continue;
      }
      // Removing an index the contraction reduces over equals zeroing the
      // consumer weight's slice only when a constant weight reads the loop.
      bool weightReadsLoop = false;
      for (auto [weight, use] : weights.getWeightsOf(op)) {
        AffineMap map = linalgOp.getMatchingIndexingMap(
            &op->getOpOperand(use->operandNumber));
        for (AffineExpr e : map.getResults())
          if (auto dimExpr = dyn_cast<AffineDimExpr>(e))
            weightReadsLoop |= dimExpr.getPosition() == loop;
      }
      if (weightReadsLoop)
        reduced.insert(*rep);
      else
        markUnsafe(*rep, "reduced against an activation by " + opName);
    }
    return;
  }

  auto coupleReshape = [&](Value src, Value result,
                           ArrayRef<ReassociationIndices> groups,
                           bool srcIsCollapsed) {
    auto srcType = cast<RankedTensorType>(src.getType());
    auto resultType = cast<RankedTensorType>(result.getType());
    RankedTensorType expanded = srcIsCollapsed ? resultType : srcType;
    Value collapsedValue = srcIsCollapsed ? src : result;
    Value expandedValue = srcIsCollapsed ? result : src;
    (void)expanded;
    for (auto [k, group] : llvm::enumerate(groups)) {
      SmallVector<int64_t> big;
      for (int64_t d : group)
        if (cast<RankedTensorType>(expandedValue.getType()).getDimSize(d) != 1)
          big.push_back(d);
      unsigned collapsedNode = getNode(collapsedValue, k);
      if (big.size() <= 1) {
        int64_t d = big.empty() ? group.front() : big.front();
        couple(collapsedNode, getNode(expandedValue, d));
        continue;
      }
      bool headSplit = big.size() == 2;
      markUnsafe(collapsedNode, "split by " + opName, headSplit);
      for (int64_t d : big)
        markUnsafe(getNode(expandedValue, d), "split by " + opName, headSplit);
      if (headSplit)
        splits.push_back({collapsedNode, getNode(expandedValue, big[0]),
                          cast<RankedTensorType>(expandedValue.getType())
                              .getDimSize(big[1])});
    }
  };
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op)) {
    coupleReshape(expand.getSrc(), expand.getResult(),
                  expand.getReassociationIndices(), /*srcIsCollapsed=*/true);
    return;
  }
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op)) {
    coupleReshape(collapse.getSrc(), collapse.getResult(),
                  collapse.getReassociationIndices(),
                  /*srcIsCollapsed=*/false);
    return;
  }
  // Slices: a dim the slice covers whole (offset 0, stride 1, full size)
  // indexes the same thing on both sides; a partial dim is offset.
  auto coupleSlice = [&](Value small, OpOperand *smallUse, Value big,
                         OpOperand *bigUse, Value result,
                         ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes,
                         ArrayRef<int64_t> strides) {
    auto bigType = cast<RankedTensorType>(big.getType());
    auto smallType = cast<RankedTensorType>(small.getType());
    if (smallType.getRank() != bigType.getRank()) {
      for (int64_t d = 0; d < rankOf(small); ++d)
        markUnsafe(smallUse ? nodeOf(*smallUse, d) : getNode(small, d),
                   "rank-reduced by " + opName);
      for (int64_t d = 0; d < rankOf(big); ++d)
        markUnsafe(bigUse ? nodeOf(*bigUse, d) : getNode(big, d),
                   "rank-reduced by " + opName);
      return;
    }
    for (int64_t d = 0; d < bigType.getRank(); ++d) {
      unsigned smallNode = smallUse ? nodeOf(*smallUse, d) : getNode(small, d);
      unsigned bigNode = bigUse ? nodeOf(*bigUse, d) : getNode(big, d);
      bool whole = offsets[d] == 0 && strides[d] == 1 &&
                   sizes[d] == bigType.getDimSize(d) &&
                   !ShapedType::isDynamic(sizes[d]);
      if (whole) {
        couple(smallNode, bigNode);
      } else {
        markUnsafe(smallNode, "sliced by " + opName);
        markUnsafe(bigNode, "sliced by " + opName);
      }
      if (result)
        couple(getNode(result, d), bigNode);
    }
  };
  if (auto extract = dyn_cast<tensor::ExtractSliceOp>(op)) {
    coupleSlice(extract.getResult(), nullptr, extract.getSource(),
                &extract.getSourceMutable(), Value(),
                extract.getStaticOffsets(), extract.getStaticSizes(),
                extract.getStaticStrides());
    return;
  }
  if (auto insert = dyn_cast<tensor::InsertSliceOp>(op)) {
    coupleSlice(insert.getSource(), &insert.getSourceMutable(),
                insert.getDest(), &insert.getDestMutable(), insert.getResult(),
                insert.getStaticOffsets(), insert.getStaticSizes(),
                insert.getStaticStrides());
    return;
  }
  if (auto concat = dyn_cast<tensor::ConcatOp>(op)) {
    // Dims other than the concatenated one index the same thing in every
    // input and the result; along the concatenated one each input is a
    // segment of the result, at an offset (linked after grouping).
    int64_t axis = concat.getDim();
    Value result = concat.getResult();
    for (int64_t d = 0; d < rankOf(result); ++d) {
      unsigned res = getNode(result, d);
      for (OpOperand &use : op->getOpOperands()) {
        unsigned in = nodeOf(use, d);
        if (d == axis)
          concatLinks.push_back(
              {in, res, op, static_cast<unsigned>(use.getOperandNumber())});
        else
          couple(res, in);
      }
    }
    return;
  }
  if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
    for (int64_t d = 0; d < rankOf(pad.getResult()); ++d) {
      unsigned src = getNode(pad.getSource(), d);
      unsigned res = getNode(pad.getResult(), d);
      if (low[d] == 0 && high[d] == 0) {
        couple(src, res);
      } else {
        markUnsafe(src, "padded by tensor.pad");
        markUnsafe(res, "padded by tensor.pad");
      }
    }
    return;
  }
  bool sameRankTensors = op->getNumResults() == 1 &&
                         rankOf(op->getResult(0)) >= 0 &&
                         llvm::all_of(op->getOperands(), [&](Value v) {
                           return rankOf(v) == rankOf(op->getResult(0));
                         });
  if (sameRankTensors &&
      (isa<tensor::CastOp>(op) || op->hasTrait<OpTrait::Elementwise>())) {
    Value result = op->getResult(0);
    for (int64_t d = 0; d < rankOf(result); ++d) {
      unsigned res = getNode(result, d);
      for (OpOperand &use : op->getOpOperands())
        couple(res, nodeOf(use, d));
    }
    return;
  }

  // Anything else: the graph cannot prove it safe.
  for (OpOperand &use : op->getOpOperands())
    for (int64_t d = 0; d < rankOf(use.get()); ++d)
      markUnsafe(nodeOf(use, d), "used by " + opName);
  for (Value result : op->getResults())
    for (int64_t d = 0; d < rankOf(result); ++d)
      markUnsafe(getNode(result, d), "produced by " + opName);
}

DimCoupling::DimCoupling(func::FuncOp func, const WeightDiscovery &weights)
    : func(func), weights(weights) {
  for (BlockArgument arg : func.getArguments())
    if (auto type = dyn_cast<RankedTensorType>(arg.getType()))
      for (int64_t d = 0; d < type.getRank(); ++d)
        markUnsafe(getNode(arg, d), "reaches a function argument");
  func.walk([&](Operation *op) {
    if (op == func.getOperation())
      return;
    if (isa_and_nonnull<linalg::LinalgOp>(op->getParentOp()))
      return;
    visit(op);
  });

  // Build the groups.
  for (unsigned id = 0; id < nodes.size(); ++id) {
    unsigned leader = classes.getLeaderValue(id);
    auto [it, inserted] = groupOfLeader.try_emplace(leader, groups.size());
    if (inserted) {
      groups.emplace_back();
      groups.back().size = nodes[id].getType().getDimSize(nodes[id].dim);
    }
    CouplingGroup &group = groups[it->second];
    group.nodes.push_back(nodes[id]);
    if (group.size != nodes[id].getType().getDimSize(nodes[id].dim) &&
        group.unsafeReason.empty())
      group.unsafeReason = "couples dims of different sizes";
    auto reason = unsafe.find(id);
    if (reason != unsafe.end()) {
      auto [text, isSplit] = reason->second;
      if (group.unsafeReason.empty()) {
        group.unsafeReason = text;
        group.refusedOnlyForSplit = isSplit;
      } else if (group.refusedOnlyForSplit && !isSplit) {
        group.unsafeReason = text;
        group.refusedOnlyForSplit = false;
      }
    }
    if (reduced.contains(id))
      group.reducedByContraction = true;
  }
  for (const Weight &weight : weights.getWeights()) {
    if (weight.op->getParentOfType<func::FuncOp>() != func)
      continue;
    for (int64_t d = 0; d < weight.type.getRank(); ++d) {
      auto it = nodeIds.find(
          std::make_pair(weight.op.getResult().getAsOpaquePointer(), d));
      if (it == nodeIds.end())
        continue;
      CouplingGroup &group =
          groups[groupOfLeader[classes.getLeaderValue(it->second)]];
      if (weight.roles[d] == DimRole::Output) {
        group.producers.push_back(&weight);
        for (const WeightUse &use : weight.uses)
          group.hasConvProducer |= use.isConvolution;
      } else if (weight.roles[d] == DimRole::Reduction) {
        group.consumers.push_back(&weight);
      }
    }
  }
  linkConcatSegments();
  buildHeadStructures();
}

void DimCoupling::linkConcatSegments() {
  auto groupOf = [&](unsigned node) {
    return groupOfLeader.lookup(classes.getLeaderValue(node));
  };
  // Direct links, input group -> result group.
  DenseMap<unsigned, SmallVector<ConcatSegment, 2>> direct;
  for (const ConcatLink &link : concatLinks) {
    unsigned in = groupOf(link.inputNode), out = groupOf(link.resultNode);
    groups[out].isConcatResult = true;
    if (in == out) {
      // The result flows back into its own input: offsets would not be
      // consistent.
      if (groups[in].unsafeReason.empty())
        groups[in].unsafeReason = "concatenated with itself";
      continue;
    }
    direct[in].push_back({out, link.concat, link.operand});
  }
  // Every path from a group through nested concatenations (depth-first; a
  // path never revisits a group).
  for (auto &[start, firstLinks] : direct) {
    SmallVector<SmallVector<ConcatSegment, 2>> stack;
    for (const ConcatSegment &seg : firstLinks)
      stack.push_back({seg});
    while (!stack.empty()) {
      SmallVector<ConcatSegment, 2> path = stack.pop_back_val();
      unsigned last = path.back().group;
      groups[start].concatPaths.push_back(path);
      auto next = direct.find(last);
      if (next == direct.end())
        continue;
      for (const ConcatSegment &seg : next->second) {
        if (seg.group == start ||
            llvm::any_of(path, [&](const ConcatSegment &s) {
              return s.group == seg.group;
            }))
          continue;
        SmallVector<ConcatSegment, 2> longer = path;
        longer.push_back(seg);
        stack.push_back(std::move(longer));
      }
    }
  }
  // What the concatenated dims need holds for their segments: removing a
  // segment's index removes one of theirs.
  for (auto &[start, unused] : direct) {
    CouplingGroup &group = groups[start];
    for (const auto &path : group.concatPaths) {
      const CouplingGroup &out = groups[path.back().group];
      group.reducedByContraction |= out.reducedByContraction;
      if (group.unsafeReason.empty() && !out.unsafeReason.empty()) {
        group.unsafeReason = out.unsafeReason;
        group.refusedOnlyForSplit = out.refusedOnlyForSplit;
      }
    }
  }
}

std::optional<unsigned> DimCoupling::getGroupIndex(Value value,
                                                   int64_t dim) const {
  auto it = nodeIds.find(std::make_pair(value.getAsOpaquePointer(), dim));
  if (it == nodeIds.end())
    return std::nullopt;
  return groupOfLeader.lookup(classes.getLeaderValue(it->second));
}

void DimCoupling::buildHeadStructures() {
  auto groupOf = [&](unsigned node) {
    return groupOfLeader.lookup(classes.getLeaderValue(node));
  };
  DenseMap<unsigned, unsigned> structureOfHeadGroup;
  DenseSet<unsigned> flatGroupSet;
  for (const SplitLink &link : splits) {
    unsigned headGroup = groupOf(link.outerNode);
    unsigned flatGroup = groupOf(link.collapsedNode);
    auto [it, inserted] =
        structureOfHeadGroup.try_emplace(headGroup, heads.size());
    if (inserted) {
      HeadStructure hs;
      hs.headGroup = headGroup;
      hs.numHeads = groups[headGroup].size;
      hs.headSize = link.innerSize;
      heads.push_back(hs);
    }
    HeadStructure &hs = heads[it->second];
    if (hs.headSize != link.innerSize && hs.unsafeReason.empty())
      hs.unsafeReason = "heads of different sizes share a head dim";
    if (!llvm::is_contained(hs.flatGroups, flatGroup))
      hs.flatGroups.push_back(flatGroup);
    flatGroupSet.insert(flatGroup);
  }
  for (HeadStructure &hs : heads) {
    auto check = [&](const CouplingGroup &group) {
      if (!group.isSafe() && !group.refusedOnlyForSplit &&
          hs.unsafeReason.empty())
        hs.unsafeReason = group.unsafeReason;
    };
    bool flatIsHeads = llvm::any_of(hs.flatGroups, [&](unsigned flat) {
      return structureOfHeadGroup.count(flat) != 0;
    });
    if (flatGroupSet.contains(hs.headGroup) || flatIsHeads)
      hs.unsafeReason = "its heads are themselves split from other heads "
                        "(grouped-query attention shares key/value heads "
                        "between query heads)";
    check(groups[hs.headGroup]);
    for (unsigned flat : hs.flatGroups) {
      const CouplingGroup &group = groups[flat];
      check(group);
      if (group.size != hs.numHeads * hs.headSize && hs.unsafeReason.empty())
        hs.unsafeReason = "a flat dim is not heads x head size";
      hs.hasProducer |= !group.producers.empty();
      hs.hasConsumer |= !group.consumers.empty();
    }
  }
}

void DimCoupling::print(raw_ostream &os) const {
  func::FuncOp f = func;
  AsmState state(f);
  os << "coupling groups of @" << f.getSymName() << "\n";
  DenseSet<unsigned> headGroups;
  for (const HeadStructure &hs : heads)
    headGroups.insert(hs.headGroup);
  for (auto [i, group] : llvm::enumerate(groups)) {
    if (group.producers.empty() && group.consumers.empty() &&
        !headGroups.contains(i))
      continue;
    os << "group " << i << ": size " << group.size << ", ";
    if (group.isPrunable())
      os << "prunable";
    else if (!group.isSafe())
      os << "refused: " << group.unsafeReason;
    else if (group.isConcatResult)
      os << "not prunable on its own: concatenated by tensor.concat (through "
            "its inputs' groups)";
    else
      os << "not prunable: "
         << (group.producers.empty() ? "no producer weight"
                                     : "no contraction reduces it");
    for (const auto &path : group.concatPaths) {
      os << "\n  concatenated into group " << path.back().group;
      if (path.size() > 1)
        os << " (through " << path.size() - 1 << " more)";
    }
    os << "\n  producers:";
    for (const Weight *w : group.producers)
      os << " " << w->name;
    os << "\n  consumers:";
    for (const Weight *w : group.consumers)
      os << " " << w->name;
    os << "\n  nodes:";
    for (const DimNode &node : group.nodes) {
      os << " ";
      node.value.printAsOperand(os, state);
      os << (node.use ? "@use" : "") << "#" << node.dim;
    }
    os << "\n";
  }
  for (const HeadStructure &hs : heads) {
    os << "heads: group " << hs.headGroup << ", " << hs.numHeads << " x "
       << hs.headSize << ", flat groups";
    for (unsigned flat : hs.flatGroups)
      os << " " << flat;
    os << ", ";
    if (hs.isPrunable())
      os << "prunable";
    else if (!hs.unsafeReason.empty())
      os << "refused: " << hs.unsafeReason;
    else
      os << "not prunable: "
         << (hs.hasProducer ? "no weight reads the heads"
                            : "no weight produces the heads");
    os << "\n";
  }
}
