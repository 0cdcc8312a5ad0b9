//===- InsertMasks.cpp - prune-insert-masks -------------------------------===//
//
// Part of mlir-prune. Dynamic pruning for training: every weight `W` becomes
// `W * M` with the mask `M` a runtime value (a function argument or a
// mutable global), so a training loop can change the masks without
// recompiling.
//
//===----------------------------------------------------------------------===//

#include "Prune/Transforms/Passes.h"
#include "Prune/Transforms/PruneUtils.h"

#include "mlir/IR/SymbolTable.h"

namespace mlir::prune {
#define GEN_PASS_DEF_PRUNEINSERTMASKS
#include "Prune/Transforms/Passes.h.inc"
} // namespace mlir::prune

using namespace mlir;
using namespace mlir::prune;

/// On a mask argument and on a mask global: the name of the masked weight
/// (verified by the prune dialect).
static constexpr StringLiteral kMaskArgAttr = PruneDialect::kMaskAttrName;
static constexpr StringLiteral kMaskGlobalAttr = PruneDialect::kMaskAttrName;

/// The initial mask of `weight` as an attribute of its own type: 1 where
/// `data` is non-zero (or everywhere with `ones`), else 0.
static DenseElementsAttr getInitialMask(const Weight &weight,
                                        const WeightData &data, bool ones) {
  RankedTensorType type = weight.type;
  Type elementType = type.getElementType();
  Attribute one = FloatAttr::get(elementType, 1.0);
  if (ones)
    return DenseElementsAttr::get(type, one);
  // Write the raw bytes of 1.0 / 0.0 in the weight's float format.
  APInt oneBits = cast<FloatAttr>(one).getValue().bitcastToAPInt();
  unsigned bytes = data.getElementBytes();
  std::vector<char> buffer(static_cast<size_t>(data.size()) * bytes, 0);
  uint64_t raw = oneBits.getZExtValue();
  for (int64_t i = 0, e = data.size(); i < e; ++i)
    if (!data.isZero(i))
      std::memcpy(buffer.data() + i * bytes, &raw, bytes);
  return DenseElementsAttr::getFromRawBuffer(type, buffer);
}

namespace {
struct PruneInsertMasksPass
    : prune::impl::PruneInsertMasksBase<PruneInsertMasksPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (as != "argument" && as != "global") {
      module.emitError("prune-insert-masks: unknown as='")
          << as << "'; expected 'argument' or 'global'";
      return signalPassFailure();
    }
    if (init != "current" && init != "ones") {
      module.emitError("prune-insert-masks: unknown init='")
          << init << "'; expected 'current' or 'ones'";
      return signalPassFailure();
    }
    WeightDiscovery discovery(module, exclude);
    if (discovery.getWeights().empty()) {
      module.emitError("prune-insert-masks: found no constant weights feeding "
                       "a contraction or convolution; nothing to mask");
      return signalPassFailure();
    }

    // Check everything before changing anything.
    struct Plan {
      const Weight *weight;
      func::FuncOp func;
      DenseElementsAttr initial;
    };
    SmallVector<Plan> plans;
    bool anyFailed = false;
    for (const Weight &weight : discovery.getWeights()) {
      auto func = weight.op->getParentOfType<func::FuncOp>();
      if (!func || weight.op->getParentOp() != func) {
        remarkSkipped(weight, "not at the top level of a function");
        continue;
      }
      if (!isa<FloatType>(weight.type.getElementType())) {
        remarkSkipped(weight, "its element type is not a float");
        continue;
      }
      if (as == "argument" && !SymbolTable::symbolKnownUseEmpty(func, module)) {
        func.emitError("prune-insert-masks: function '")
            << func.getSymName()
            << "' is called in the module; its callers would need the new "
               "mask arguments (use as=global)";
        anyFailed = true;
        continue;
      }
      FailureOr<WeightData> data = WeightData::get(weight.op);
      if (failed(data)) {
        anyFailed = true;
        continue;
      }
      plans.push_back(
          {&weight, func, getInitialMask(weight, *data, init == "ones")});
    }
    if (anyFailed)
      return signalPassFailure();

    SymbolTable symbols(module);
    OpBuilder moduleBuilder = OpBuilder::atBlockBegin(module.getBody());
    unsigned ordinal = 0;
    for (Plan &plan : plans) {
      const Weight &weight = *plan.weight;
      Location loc = weight.op.getLoc();
      auto nameAttr = StringAttr::get(&getContext(), weight.name);
      OpBuilder b(weight.op);
      b.setInsertionPointAfter(weight.op);
      Value mask;
      if (as == "argument") {
        unsigned index = plan.func.getNumArguments();
        NamedAttribute attr(StringAttr::get(&getContext(), kMaskArgAttr),
                            nameAttr);
        if (failed(plan.func.insertArgument(
                index, weight.type, DictionaryAttr::get(&getContext(), {attr}),
                loc))) {
          plan.func.emitError("prune-insert-masks: cannot add an argument");
          return signalPassFailure();
        }
        mask = plan.func.getArgument(index);
      } else {
        auto memrefType = MemRefType::get(weight.type.getShape(),
                                          weight.type.getElementType());
        auto global = memref::GlobalOp::create(
            moduleBuilder, loc,
            ("prune_mask_" + std::to_string(ordinal++)), /*sym_visibility=*/
            StringAttr(), memrefType, plan.initial, /*constant=*/false,
            /*alignment=*/IntegerAttr());
        global->setAttr(kMaskGlobalAttr, nameAttr);
        symbols.insert(global);
        Value buffer = memref::GetGlobalOp::create(b, loc, memrefType,
                                                   global.getSymName());
        mask = bufferization::ToTensorOp::create(b, loc, weight.type, buffer,
                                                 /*restrict=*/true,
                                                 /*writable=*/false);
      }
      Value result = weight.op.getResult();
      Value empty = tensor::EmptyOp::create(b, loc, weight.type.getShape(),
                                            weight.type.getElementType());
      AffineMap id = b.getMultiDimIdentityMap(weight.type.getRank());
      SmallVector<utils::IteratorType> iterators(weight.type.getRank(),
                                                 utils::IteratorType::parallel);
      auto product = linalg::GenericOp::create(
          b, loc, weight.type, ValueRange{result, mask}, ValueRange{empty},
          ArrayRef<AffineMap>{id, id, id}, iterators,
          [](OpBuilder &nb, Location nloc, ValueRange args) {
            Value mul = arith::MulFOp::create(nb, nloc, args[0], args[1]);
            linalg::YieldOp::create(nb, nloc, mul);
          });
      result.replaceAllUsesExcept(product.getResult(0), product);
    }
  }
};
} // namespace
