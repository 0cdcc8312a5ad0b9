//===- Jit.cpp - run a function of a module in-process --------------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//

#include "Prune/Runtime/Jit.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SparseTensor/Pipelines/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>

#ifndef PRUNE_MLIR_LIB_DIR
#define PRUNE_MLIR_LIB_DIR ""
#endif

using namespace mlir;
using namespace mlir::prune;

std::string TensorSpec::describe() const {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << npy::getDTypeName(dtype) << " [";
  llvm::interleaveComma(shape, os);
  os << "]";
  return s;
}

FailureOr<TensorSpec> mlir::prune::getTensorSpec(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape() || tensor.getEncoding())
    return failure();
  TensorSpec spec;
  Type element = tensor.getElementType();
  if (element.isF32())
    spec.dtype = npy::DType::F32;
  else if (element.isF64())
    spec.dtype = npy::DType::F64;
  else if (element.isSignlessInteger(32))
    spec.dtype = npy::DType::I32;
  else if (element.isSignlessInteger(64))
    spec.dtype = npy::DType::I64;
  else
    return failure();
  spec.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  return spec;
}

LogicalResult mlir::prune::verifyJitSignature(func::FuncOp func) {
  if (func.isExternal())
    return func.emitError("function '")
           << func.getSymName() << "' has no body to run";
  FunctionType type = func.getFunctionType();
  for (auto [i, t] : llvm::enumerate(type.getInputs()))
    if (failed(getTensorSpec(t)))
      return func.emitError("argument ")
             << i << " of '" << func.getSymName() << "' has type " << t
             << "; only static-shape tensors of f32, f64, i32 or i64 can be "
                "passed from .npy files";
  for (auto [i, t] : llvm::enumerate(type.getResults()))
    if (failed(getTensorSpec(t)))
      return func.emitError("result ")
             << i << " of '" << func.getSymName() << "' has type " << t
             << "; only static-shape tensors of f32, f64, i32 or i64 can be "
                "written to .npy files";
  return success();
}

JitFunction::~JitFunction() = default;

//===----------------------------------------------------------------------===//
// Buffers the compiled code allocates
//===----------------------------------------------------------------------===//
//
// The lowered code gets every buffer from malloc / aligned_alloc and frees
// none it does not know to be dead (the --sparsifier pipeline inserts no
// deallocations for dense tensors). The JIT resolves those symbols to the
// functions below, which record each block in the arena of the call in
// flight; once the results are copied out, `run` frees whatever the call left.
// A result that aliases an argument or a constant is not in the arena, so it
// is never freed.

namespace {
struct Arena {
  llvm::DenseSet<void *> live;
};
thread_local Arena *currentArena = nullptr;
} // namespace

static void *track(void *p) {
  if (p && currentArena)
    currentArena->live.insert(p);
  return p;
}
static void *jitMalloc(size_t size) { return track(std::malloc(size)); }
static void *jitAlignedAlloc(size_t alignment, size_t size) {
  // aligned_alloc wants a size that is a multiple of the alignment.
  size = (size + alignment - 1) / alignment * alignment;
  return track(std::aligned_alloc(alignment, size));
}
static void jitFree(void *p) {
  if (p && currentArena)
    currentArena->live.erase(p);
  std::free(p);
}

/// Drops every discardable `prune.*` attribute (the private context does not
/// load the prune dialect; lowering does not need them).
static void stripPruneAttributes(Operation *root) {
  root->walk([](Operation *op) {
    SmallVector<StringAttr> names;
    for (NamedAttribute attr : op->getDiscardableAttrs())
      if (attr.getName().getValue().starts_with("prune."))
        names.push_back(attr.getName());
    for (StringAttr name : names)
      op->removeDiscardableAttr(name);
  });
}

FailureOr<std::unique_ptr<JitFunction>>
JitFunction::create(ModuleOp module, StringRef entry,
                    ArrayRef<std::string> sharedLibs) {
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  if (!func)
    return module.emitError("no function '") << entry << "' to run";
  if (failed(verifyJitSignature(func)))
    return failure();

  std::unique_ptr<JitFunction> jit(new JitFunction());
  jit->symbol = ("_mlir_ciface_" + entry).str();
  for (Type t : func.getFunctionType().getInputs())
    jit->arguments.push_back(*getTensorSpec(t));
  for (Type t : func.getFunctionType().getResults())
    jit->results.push_back(*getTensorSpec(t));

  // Move a copy of the module into a private context through bytecode.
  std::string bytecode;
  {
    OwningOpRef<ModuleOp> copy(module.clone());
    stripPruneAttributes(*copy);
    llvm::raw_string_ostream os(bytecode);
    if (failed(writeBytecodeToFile(*copy, os)))
      return module.emitError("cannot serialise the module for the JIT");
  }

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
  MLIRContext context(registry, MLIRContext::Threading::DISABLED);
  std::string messages;
  llvm::raw_string_ostream messageStream(messages);
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    messageStream << "\n  " << diag.getLocation() << ": " << diag;
    return success();
  });

  ParserConfig config(&context);
  OwningOpRef<ModuleOp> lowered =
      parseSourceString<ModuleOp>(bytecode, config, "jit-module");
  if (!lowered)
    return func.emitError("cannot reload the module for the JIT:") << messages;
  auto loweredFunc = lowered->lookupSymbol<func::FuncOp>(entry);
  loweredFunc->setAttr("llvm.emit_c_interface", UnitAttr::get(&context));

  PassManager pm(&context);
  sparse_tensor::SparsifierOptions options;
  sparse_tensor::buildSparsifier(pm, options);
  if (failed(pm.run(*lowered)))
    return func.emitError("lowering '")
           << entry
           << "' to LLVM (the --sparsifier pipeline) failed:" << messages;

  static std::once_flag initTarget;
  std::call_once(initTarget, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });

  SmallVector<std::string> libs(sharedLibs.begin(), sharedLibs.end());
  SmallString<256> runnerUtils(PRUNE_MLIR_LIB_DIR);
  llvm::sys::path::append(runnerUtils, "libmlir_c_runner_utils.so");
  if (llvm::sys::fs::exists(runnerUtils))
    libs.push_back(runnerUtils.str().str());
  SmallVector<StringRef> libRefs(libs.begin(), libs.end());
  ExecutionEngineOptions engineOptions;
  engineOptions.sharedLibPaths = libRefs;
  engineOptions.enableGDBNotificationListener = false;
  engineOptions.enablePerfNotificationListener = false;
  auto engine = ExecutionEngine::create(*lowered, engineOptions);
  if (!engine)
    return func.emitError("JIT compilation of '")
           << entry << "' failed: " << llvm::toString(engine.takeError())
           << messages;
  jit->engine = std::move(*engine);
  jit->engine->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap map;
    auto add = [&](StringRef name, auto *fn) {
      map[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(fn),
                             llvm::JITSymbolFlags::Exported};
    };
    add("malloc", &jitMalloc);
    add("aligned_alloc", &jitAlignedAlloc);
    add("free", &jitFree);
    return map;
  });
  if (auto fn = jit->engine->lookupPacked(jit->symbol); !fn)
    return func.emitError("JIT: no symbol '")
           << jit->symbol << "': " << llvm::toString(fn.takeError());
  return jit;
}

namespace {
/// A memref descriptor {allocated, aligned, offset, sizes[R], strides[R]}
/// laid out as 64-bit slots.
struct Descriptor {
  static size_t getNumSlots(size_t rank) { return 3 + 2 * rank; }
};
} // namespace

llvm::Expected<std::vector<npy::Array>>
JitFunction::run(ArrayRef<const npy::Array *> inputs) {
  if (inputs.size() != arguments.size())
    return llvm::createStringError(
        "the function takes " + Twine(arguments.size()) + " argument(s), but " +
        Twine(inputs.size()) + " input(s) were given");
  for (auto [i, input] : llvm::enumerate(inputs)) {
    const TensorSpec &spec = arguments[i];
    if (input->dtype != spec.dtype ||
        ArrayRef<int64_t>(input->shape) != ArrayRef<int64_t>(spec.shape))
      return llvm::createStringError("input " + Twine(i) + ": expected " +
                                     spec.describe() + ", got " +
                                     input->describe());
  }

  // Scratch copies of the inputs and their descriptors.
  std::vector<std::vector<char>> scratch;
  std::vector<std::vector<int64_t>> descriptors;
  for (const npy::Array *input : inputs) {
    scratch.emplace_back(input->data.begin(), input->data.end());
    // Never hand a null pointer to the compiled code.
    if (scratch.back().empty())
      scratch.back().resize(8);
    size_t rank = input->shape.size();
    std::vector<int64_t> desc(Descriptor::getNumSlots(rank));
    auto ptr = reinterpret_cast<int64_t>(scratch.back().data());
    desc[0] = desc[1] = ptr;
    desc[2] = 0;
    int64_t stride = 1;
    for (size_t d = rank; d-- > 0;) {
      desc[3 + d] = input->shape[d];
      desc[3 + rank + d] = stride;
      stride *= input->shape[d];
    }
    descriptors.push_back(std::move(desc));
  }
  size_t resultSlots = 0;
  for (const TensorSpec &spec : results)
    resultSlots += Descriptor::getNumSlots(spec.shape.size());
  std::vector<int64_t> resultDesc(std::max<size_t>(resultSlots, 1));

  SmallVector<void *> pointers;
  void *resultPtr = resultDesc.data();
  if (!results.empty())
    pointers.push_back(resultPtr);
  for (std::vector<int64_t> &desc : descriptors)
    pointers.push_back(desc.data());
  SmallVector<void *> packed;
  for (void *&p : pointers)
    packed.push_back(&p);
  Arena arena;
  currentArena = &arena;
  llvm::Error err = engine->invokePacked(symbol, packed);
  currentArena = nullptr;
  // Frees what the call allocated and left, once the results are copied.
  llvm::scope_exit freeArena([&] {
    if (freeBuffers)
      for (void *p : arena.live)
        std::free(p);
  });
  if (err)
    return std::move(err);

  std::vector<npy::Array> outputs;
  size_t at = 0;
  for (const TensorSpec &spec : results) {
    size_t rank = spec.shape.size();
    const int64_t *desc = resultDesc.data() + at;
    at += Descriptor::getNumSlots(rank);
    npy::Array out = npy::Array::zeros(spec.dtype, spec.shape);
    unsigned bytes = npy::getDTypeBytes(spec.dtype);
    auto *aligned = reinterpret_cast<const char *>(desc[1]);
    int64_t offset = desc[2];
    int64_t n = out.getNumElements();
    SmallVector<int64_t> index(rank, 0);
    for (int64_t e = 0; e < n; ++e) {
      int64_t src = offset;
      for (size_t d = 0; d < rank; ++d)
        src += index[d] * desc[3 + rank + d];
      std::memcpy(out.data.data() + e * bytes, aligned + src * bytes, bytes);
      for (size_t d = rank; d-- > 0;) {
        if (++index[d] < spec.shape[d])
          break;
        index[d] = 0;
      }
    }
    outputs.push_back(std::move(out));
  }
  return outputs;
}

llvm::Error mlir::prune::checkFinite(const npy::Array &array, StringRef what) {
  if (array.dtype != npy::DType::F32 && array.dtype != npy::DType::F64)
    return llvm::Error::success();
  int64_t n = array.getNumElements();
  for (int64_t i = 0; i < n; ++i) {
    double v = array.getAsDouble(i);
    if (std::isfinite(v))
      continue;
    std::string index;
    llvm::raw_string_ostream os(index);
    SmallVector<int64_t> idx(array.shape.size());
    int64_t rest = i;
    for (size_t d = array.shape.size(); d-- > 0;) {
      idx[d] = rest % array.shape[d];
      rest /= array.shape[d];
    }
    os << "[";
    llvm::interleaveComma(idx, os);
    os << "]";
    return llvm::createStringError(what + " holds " +
                                   (std::isnan(v) ? "NaN" : "Inf") +
                                   " at index " + index);
  }
  return llvm::Error::success();
}
