//===- WeightDiscovery.cpp - find the weights of a model ------------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/Analysis/WeightDiscovery.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineExpr.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::prune;

StringRef mlir::prune::stringifyDimRole(DimRole role) {
  switch (role) {
  case DimRole::Output:
    return "output";
  case DimRole::Reduction:
    return "reduction";
  case DimRole::Window:
    return "window";
  case DimRole::Batch:
    return "batch";
  case DimRole::Unknown:
    return "unknown";
  }
  llvm_unreachable("unknown DimRole");
}

int64_t WeightUse::getOperandDim(int64_t constDim) const {
  int64_t found = -1;
  for (auto [i, dims] : llvm::enumerate(operandToConst)) {
    if (!llvm::is_contained(dims, constDim))
      continue;
    if (dims.size() != 1 || found != -1)
      return -1;
    found = i;
  }
  return found;
}

bool mlir::prune::isPrunableConsumer(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics())
    return false;
  return linalg::isaContractionOpInterface(linalgOp) ||
         linalg::isaConvolutionOpInterface(linalgOp);
}

static std::optional<std::string> findNameLoc(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (auto found = findNameLoc(inner))
        return found;
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return findNameLoc(callSite.getCallee());
  return std::nullopt;
}

std::string mlir::prune::getWeightName(arith::ConstantOp op, unsigned ordinal) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(op.getValue()))
    return resource.getRawHandle().getKey().str();
  if (auto name = findNameLoc(op.getLoc()))
    return *name;
  return "weight" + std::to_string(ordinal);
}

//===----------------------------------------------------------------------===//
// Walking from a consumer operand back to a constant
//===----------------------------------------------------------------------===//

namespace {
/// Dims of the current value each operand dim is made of.
using DimSets = SmallVector<SmallVector<int64_t, 2>>;
} // namespace

/// Rewrites `dims` (operand dim -> dims of a producer's result) into operand
/// dim -> dims of the producer's input, using `resultToInput`.
static void compose(DimSets &dims,
                    ArrayRef<SmallVector<int64_t, 2>> resultToInput) {
  for (SmallVector<int64_t, 2> &set : dims) {
    SmallVector<int64_t, 2> next;
    for (int64_t d : set)
      for (int64_t in : resultToInput[d])
        if (!llvm::is_contained(next, in))
          next.push_back(in);
    set = std::move(next);
  }
}

static bool isElementwiseCast(Operation *op) {
  if (!isa<arith::ExtFOp, arith::TruncFOp, arith::SIToFPOp, arith::UIToFPOp,
           arith::BitcastOp, tensor::CastOp>(op))
    return false;
  auto in = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  auto out = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  return in && out && in.getRank() == out.getRank();
}

/// True for a linalg.generic that only copies, casts, transposes or
/// broadcasts its single input: `yield %in` or `yield cast(%in)`.
static bool isViewLikeGeneric(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1)
    return false;
  if (op.getNumReductionLoops() != 0)
    return false;
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  AffineMap inMap = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  if (!outMap.isPermutation() || !inMap.isProjectedPermutation())
    return false;
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  Value yielded = yield.getOperand(0);
  if (yielded == body.getArgument(0))
    return true;
  Operation *def = yielded.getDefiningOp();
  return def && def->getBlock() == &body && &body.front() == def &&
         isa<arith::ExtFOp, arith::TruncFOp, arith::SIToFPOp, arith::UIToFPOp>(
             def) &&
         def->getOperand(0) == body.getArgument(0);
}

/// Steps from `value` to the input of its producer if the producer is
/// view-like, updating `dims`. Returns a null value when it cannot.
static Value stepBack(Value value, DimSets &dims) {
  Operation *def = value.getDefiningOp();
  if (!def || def->getNumResults() != 1)
    return {};
  auto resultType = dyn_cast<RankedTensorType>(value.getType());
  if (!resultType)
    return {};
  int64_t rank = resultType.getRank();
  SmallVector<SmallVector<int64_t, 2>> map(rank);

  if (auto transpose = dyn_cast<linalg::TransposeOp>(def)) {
    for (auto [j, p] : llvm::enumerate(transpose.getPermutation()))
      map[j] = {p};
    compose(dims, map);
    return transpose.getInput();
  }
  // Unit dims that a reshape adds to (or drops from) a group with real dims
  // carry no data: like broadcast dims, they map to no weight dim, so that
  // e.g. a [K, N] weight expanded to [1, K, N] for a batch_matmul keeps a
  // single reduction dim.
  auto realDims = [](ArrayRef<int64_t> group, RankedTensorType type) {
    SmallVector<int64_t, 2> real;
    for (int64_t d : group)
      if (type.getDimSize(d) != 1)
        real.push_back(d);
    if (real.empty())
      real.assign(group.begin(), group.end());
    return real;
  };
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(def)) {
    for (auto [k, group] : llvm::enumerate(expand.getReassociationIndices()))
      for (int64_t j : realDims(group, resultType))
        map[j] = {static_cast<int64_t>(k)};
    compose(dims, map);
    return expand.getSrc();
  }
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(def)) {
    for (auto [k, group] : llvm::enumerate(collapse.getReassociationIndices()))
      map[k] = realDims(group, collapse.getSrcType());
    compose(dims, map);
    return collapse.getSrc();
  }
  if (auto broadcast = dyn_cast<linalg::BroadcastOp>(def)) {
    ArrayRef<int64_t> added = broadcast.getDimensions();
    int64_t next = 0;
    for (int64_t j = 0; j < rank; ++j)
      if (!llvm::is_contained(added, j))
        map[j] = {next++};
    compose(dims, map);
    return broadcast.getInput();
  }
  if (isElementwiseCast(def) || isa<linalg::CopyOp>(def)) {
    for (int64_t j = 0; j < rank; ++j)
      map[j] = {j};
    compose(dims, map);
    return def->getOperand(0);
  }
  if (auto generic = dyn_cast<linalg::GenericOp>(def)) {
    if (!generic.hasPureTensorSemantics() || !isViewLikeGeneric(generic))
      return {};
    AffineMap outMap =
        generic.getMatchingIndexingMap(generic.getDpsInitOperand(0));
    AffineMap inMap =
        generic.getMatchingIndexingMap(generic.getDpsInputOperand(0));
    for (int64_t j = 0; j < rank; ++j) {
      unsigned loop = cast<AffineDimExpr>(outMap.getResult(j)).getPosition();
      if (std::optional<unsigned> in = inMap.getResultPosition(
              getAffineDimExpr(loop, def->getContext())))
        map[j] = {static_cast<int64_t>(*in)};
    }
    compose(dims, map);
    return generic.getDpsInputOperand(0)->get();
  }
  return {};
}

/// Collects the loop dims an affine expression uses.
static void collectDims(AffineExpr expr, llvm::SmallSet<unsigned, 4> &out) {
  expr.walk([&](AffineExpr e) {
    if (auto dim = dyn_cast<AffineDimExpr>(e))
      out.insert(dim.getPosition());
  });
}

/// Computes the role of each dim of `operand` in `consumer`.
static SmallVector<DimRole> computeOperandRoles(linalg::LinalgOp consumer,
                                                OpOperand &operand) {
  unsigned numLoops = consumer.getNumLoops();
  SmallVector<utils::IteratorType> iterators = consumer.getIteratorTypesArray();
  SmallVector<bool> inOutput(numLoops), otherPlain(numLoops),
      otherWindow(numLoops);
  for (OpOperand &init : consumer.getDpsInitsMutable()) {
    llvm::SmallSet<unsigned, 4> dims;
    for (AffineExpr e : consumer.getMatchingIndexingMap(&init).getResults())
      collectDims(e, dims);
    for (unsigned d : dims)
      inOutput[d] = true;
  }
  for (OpOperand *input : consumer.getDpsInputOperands()) {
    if (input == &operand)
      continue;
    for (AffineExpr e : consumer.getMatchingIndexingMap(input).getResults()) {
      if (auto dim = dyn_cast<AffineDimExpr>(e)) {
        otherPlain[dim.getPosition()] = true;
        continue;
      }
      llvm::SmallSet<unsigned, 4> dims;
      collectDims(e, dims);
      for (unsigned d : dims)
        otherWindow[d] = true;
    }
  }
  SmallVector<DimRole> roles;
  for (AffineExpr e : consumer.getMatchingIndexingMap(&operand).getResults()) {
    auto dim = dyn_cast<AffineDimExpr>(e);
    if (!dim) {
      roles.push_back(DimRole::Unknown);
      continue;
    }
    unsigned l = dim.getPosition();
    bool other = otherPlain[l] || otherWindow[l];
    if (iterators[l] == utils::IteratorType::parallel) {
      if (inOutput[l] && !other)
        roles.push_back(DimRole::Output);
      else if (inOutput[l])
        roles.push_back(DimRole::Batch);
      else
        roles.push_back(DimRole::Unknown);
    } else if (otherPlain[l]) {
      roles.push_back(DimRole::Reduction);
    } else if (otherWindow[l]) {
      roles.push_back(DimRole::Window);
    } else {
      roles.push_back(DimRole::Unknown);
    }
  }
  return roles;
}

/// Tries to trace `operand` of `consumer` back to a constant weight.
static std::optional<std::pair<arith::ConstantOp, WeightUse>>
traceOperand(linalg::LinalgOp consumer, OpOperand &operand) {
  auto operandType = dyn_cast<RankedTensorType>(operand.get().getType());
  if (!operandType)
    return std::nullopt;
  DimSets dims(operandType.getRank());
  for (int64_t i = 0; i < operandType.getRank(); ++i)
    dims[i] = {i};
  SmallVector<Operation *> path;
  Value value = operand.get();
  while (true) {
    if (auto constant = value.getDefiningOp<arith::ConstantOp>()) {
      auto type = dyn_cast<RankedTensorType>(constant.getType());
      if (!type || !type.hasStaticShape() ||
          !isa<DenseElementsAttr, DenseResourceElementsAttr>(
              constant.getValue()))
        return std::nullopt;
      WeightUse use;
      use.consumer = consumer;
      use.operandNumber = operand.getOperandNumber();
      std::reverse(path.begin(), path.end());
      use.path = std::move(path);
      use.operandToConst = std::move(dims);
      use.isConvolution = linalg::isaConvolutionOpInterface(consumer);
      SmallVector<DimRole> operandRoles =
          computeOperandRoles(consumer, operand);
      // Merge the operand roles into constant-dim roles.
      SmallVector<std::optional<DimRole>> merged(type.getRank());
      SmallVector<bool> conflict(type.getRank());
      for (auto [i, set] : llvm::enumerate(use.operandToConst))
        for (int64_t c : set) {
          if (merged[c] && *merged[c] != operandRoles[i])
            conflict[c] = true;
          merged[c] = operandRoles[i];
        }
      for (int64_t c = 0; c < type.getRank(); ++c)
        use.roles.push_back(conflict[c] || !merged[c] ? DimRole::Unknown
                                                      : *merged[c]);
      return std::make_pair(constant, std::move(use));
    }
    Operation *def = value.getDefiningOp();
    Value next = stepBack(value, dims);
    if (!next)
      return std::nullopt;
    path.push_back(def);
    value = next;
  }
}

//===----------------------------------------------------------------------===//
// WeightDiscovery
//===----------------------------------------------------------------------===//

static bool isExcluded(const Weight &weight, ArrayRef<std::string> exclude) {
  if (exclude.empty())
    return false;
  std::string loc;
  llvm::raw_string_ostream os(loc);
  weight.op.getLoc().print(os);
  for (const std::string &pattern : exclude) {
    auto glob = llvm::GlobPattern::create(pattern);
    if (!glob) {
      llvm::consumeError(glob.takeError());
      if (weight.name == pattern || StringRef(loc).contains(pattern))
        return true;
      continue;
    }
    if (glob->match(weight.name) || glob->match(loc))
      return true;
  }
  return false;
}

static void finalizeRoles(Weight &weight) {
  int64_t rank = weight.type.getRank();
  weight.roles.assign(rank, DimRole::Unknown);
  for (int64_t c = 0; c < rank; ++c) {
    std::optional<DimRole> role;
    for (const WeightUse &use : weight.uses) {
      if (role && *role != use.roles[c]) {
        role = DimRole::Unknown;
        break;
      }
      role = use.roles[c];
    }
    weight.roles[c] = role.value_or(DimRole::Unknown);
  }
  auto findUnique = [&](DimRole wanted) -> int64_t {
    int64_t found = -1;
    for (int64_t c = 0; c < rank; ++c) {
      if (weight.roles[c] != wanted)
        continue;
      if (found != -1)
        return -1;
      found = c;
    }
    return found;
  };
  weight.outputDim = findUnique(DimRole::Output);
  weight.reductionDim = findUnique(DimRole::Reduction);
}

WeightDiscovery::WeightDiscovery(Operation *root,
                                 ArrayRef<std::string> exclude) {
  DenseSet<Operation *> excluded;
  root->walk([&](linalg::LinalgOp consumer) {
    if (!isPrunableConsumer(consumer))
      return;
    for (OpOperand *operand : consumer.getDpsInputOperands()) {
      auto traced = traceOperand(consumer, *operand);
      if (!traced)
        continue;
      auto [constant, use] = std::move(*traced);
      if (excluded.contains(constant))
        continue;
      auto it = index.find(constant);
      if (it == index.end()) {
        Weight weight;
        weight.op = constant;
        weight.type = cast<RankedTensorType>(constant.getType());
        weight.name = getWeightName(constant, weights.size());
        if (isExcluded(weight, exclude)) {
          excluded.insert(constant);
          ++numExcluded;
          continue;
        }
        it = index.try_emplace(constant, weights.size()).first;
        weights.push_back(std::move(weight));
      }
      weights[it->second].uses.push_back(std::move(use));
    }
  });
  for (Weight &weight : weights)
    finalizeRoles(weight);
  // TOSA is read after lowering to linalg; say so rather than find nothing.
  root->walk([](Operation *op) {
    if (op->getName().getDialectNamespace() != "tosa")
      return;
    StringRef name = op->getName().stripDialect();
    if (llvm::is_contained({"conv2d", "conv3d", "depthwise_conv2d",
                            "transpose_conv2d", "matmul", "fully_connected"},
                           name))
      op->emitWarning() << "TOSA op is not pruned: lower TOSA to linalg "
                           "first (--prune-tosa-to-linalg)";
  });
}

const Weight *WeightDiscovery::lookup(Operation *op) const {
  auto it = index.find(op);
  return it == index.end() ? nullptr : &weights[it->second];
}

SmallVector<std::pair<const Weight *, const WeightUse *>>
WeightDiscovery::getWeightsOf(Operation *consumer) const {
  SmallVector<std::pair<const Weight *, const WeightUse *>> result;
  for (const Weight &weight : weights)
    for (const WeightUse &use : weight.uses)
      if (use.consumer.getOperation() == consumer)
        result.push_back({&weight, &use});
  return result;
}

std::pair<const Weight *, const WeightUse *>
WeightDiscovery::getWeightAt(Operation *consumer, unsigned operand) const {
  for (auto [weight, use] : getWeightsOf(consumer))
    if (use->operandNumber == operand)
      return {weight, use};
  return {nullptr, nullptr};
}
