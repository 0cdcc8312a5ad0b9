//===- DimCoupling.h - the dimension-coupling graph -------------*- C++ -*-===//
//
// Part of mlir-prune. Structural pruning (neurons, filters, heads, layers)
// is one problem: remove indices of one dimension and keep every tensor that
// shares that dimension consistent. This analysis builds the graph whose
// nodes are (value, dim) and whose edges say "these two dims index the same
// thing" (two operand dims that map to the same loop of a linalg op,
// elementwise ops, pads that leave a dim alone, trivial reshapes), and
// partitions the nodes into groups. Removing index i of a group means
// removing index i of every node in it.
//
//===----------------------------------------------------------------------===//

#ifndef PRUNE_ANALYSIS_DIMCOUPLING_H
#define PRUNE_ANALYSIS_DIMCOUPLING_H

#include "Prune/Analysis/WeightDiscovery.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/EquivalenceClasses.h"

#include <string>

namespace mlir::prune {

/// One node: dim `dim` of `value`, or, for values that only carry a shape
/// (tensor.empty, splat constants, fills of those), dim `dim` of the use
/// `use` (each use may be resized on its own).
struct DimNode {
  Value value;
  OpOperand *use = nullptr;
  int64_t dim = 0;
  /// The type this node resizes.
  RankedTensorType getType() const {
    return cast<RankedTensorType>(use ? use->get().getType() : value.getType());
  }
};

/// Where the indices of one group reappear in another, offset: `group` is
/// the result dim of `concat`, which concatenates this group's dim as its
/// operand `operand` (at the sum of the sizes of the operands before it).
struct ConcatSegment {
  unsigned group;
  Operation *concat;
  unsigned operand;
};

/// A set of coupled dims.
struct CouplingGroup {
  SmallVector<DimNode> nodes;
  /// Size of the coupled dim.
  int64_t size = 0;
  /// Why the group cannot be pruned (empty when it can).
  std::string unsafeReason;
  /// True when the only reason is that a reshape splits the dim into
  /// heads (such groups can still lose whole heads).
  bool refusedOnlyForSplit = false;
  /// Weight constants whose output dim is in the group (the producers), and
  /// weights whose reduction dim is in the group (the consumers).
  SmallVector<const Weight *> producers, consumers;
  /// True when some producer feeds a convolution.
  bool hasConvProducer = false;
  /// True when a contraction or convolution reduces over the group: removing
  /// indices then removes work, not just values.
  bool reducedByContraction = false;
  /// The concatenation dims this group's dim is a segment of (tensor.concat
  /// along it), transitively: removing index i of this group also removes
  /// index offset + i of each of those groups. Their safety and their
  /// consumers count for this group.
  std::vector<SmallVector<ConcatSegment, 2>> concatPaths;
  /// True when the group is the result dim of a tensor.concat along it: its
  /// indices are removed through the concatenated groups, never on their own.
  bool isConcatResult = false;

  bool isSafe() const { return unsafeReason.empty(); }
  /// A prunable group has a producer weight, a consumer and no reason to be
  /// left alone.
  bool isPrunable() const {
    return isSafe() && !producers.empty() && reducedByContraction &&
           !isConcatResult;
  }
};

/// Attention heads: a dim of size H*D that reshapes split into [H, D]. The
/// H dims of every split form one group (`headGroup`, size H); the flat
/// dims form `flatGroups`. Removing head h removes index h of the head
/// group and indices [h*D, (h+1)*D) of every flat group.
struct HeadStructure {
  unsigned headGroup = 0;
  int64_t numHeads = 0, headSize = 0;
  SmallVector<unsigned> flatGroups;
  /// Why the heads cannot be pruned (empty when they can).
  std::string unsafeReason;
  bool hasProducer = false, hasConsumer = false;
  bool isPrunable() const {
    return unsafeReason.empty() && hasProducer && hasConsumer;
  }
};

class DimCoupling {
public:
  DimCoupling(func::FuncOp func, const WeightDiscovery &weights);

  ArrayRef<CouplingGroup> getGroups() const { return groups; }
  ArrayRef<HeadStructure> getHeadStructures() const { return heads; }
  /// The index of the group holding dim `dim` of `value`, if it has a node.
  std::optional<unsigned> getGroupIndex(Value value, int64_t dim) const;

  /// Prints the groups (for tests and --debug-style inspection).
  void print(raw_ostream &os) const;

private:
  unsigned getNode(Value value, int64_t dim);
  unsigned getUseNode(OpOperand &use, int64_t dim);
  void couple(unsigned a, unsigned b) { classes.unionSets(a, b); }
  void markUnsafe(unsigned node, const Twine &reason, bool isSplit = false);
  void buildHeadStructures();
  void visit(Operation *op);

  func::FuncOp func;
  const WeightDiscovery &weights;
  SmallVector<DimNode> nodes;
  DenseMap<std::pair<void *, int64_t>, unsigned> nodeIds;
  llvm::EquivalenceClasses<unsigned> classes;
  DenseMap<unsigned, std::pair<std::string, bool>> unsafe;
  void linkConcatSegments();
  struct ConcatLink {
    unsigned inputNode, resultNode;
    Operation *concat;
    unsigned operand;
  };
  SmallVector<ConcatLink> concatLinks;
  struct SplitLink {
    unsigned collapsedNode, outerNode;
    int64_t innerSize;
  };
  SmallVector<SplitLink> splits;
  DenseMap<unsigned, unsigned> groupOfLeader;
  SmallVector<HeadStructure> heads;
  DenseSet<unsigned> reduced;
  std::vector<CouplingGroup> groups;
};

/// True for values that only carry a shape: tensor.empty, splat constants,
/// and linalg.fill of such a value with a scalar.
bool isShapeOnly(Value value);

} // namespace mlir::prune

#endif // PRUNE_ANALYSIS_DIMCOUPLING_H
