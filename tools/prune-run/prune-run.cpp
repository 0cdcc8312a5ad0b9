//===- prune-run.cpp - run a function of a module on .npy inputs ----------===//
//
// Part of mlir-prune.
//
//   prune-run model.mlir --entry=forward --input=x.npy [--input=y.npy]
//             [--output=out.npy] [--compare=ref.npy --rtol=1e-5 --atol=1e-6]
//
// Lowers the module with the `--sparsifier` pipeline, JIT-compiles it with
// the MLIR ExecutionEngine and calls `entry` with the inputs (one .npy per
// argument, in order). Results go to `--output` files (one per result), or
// are printed when none are given; `--compare` checks each result against a
// reference with numpy.allclose's rule |out - ref| <= absTol + relTol * |ref|
// and exits with 1 on a mismatch.
//
//===----------------------------------------------------------------------===//

#include "Prune/Dialect/Prune/IR/PruneDialect.h"
#include "Prune/Runtime/Jit.h"
#include "Prune/Runtime/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <sys/resource.h>

using namespace mlir;
using namespace mlir::prune;
namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<module.mlir>"),
                                      cl::init("-"));
static cl::opt<std::string> entry("entry", cl::desc("Function to run"),
                                  cl::init("forward"));
static cl::list<std::string>
    inputs("input", cl::desc("A .npy file per argument, in order"),
           cl::CommaSeparated);
static cl::list<std::string>
    outputs("output", cl::desc("A .npy file per result to write"),
            cl::CommaSeparated);
static cl::list<std::string>
    compares("compare", cl::desc("A reference .npy per result to compare with"),
             cl::CommaSeparated);
static cl::opt<double> relTol("rtol", cl::desc("Relative tolerance"),
                              cl::init(1e-5));
static cl::opt<double> absTol("atol", cl::desc("Absolute tolerance"),
                              cl::init(1e-6));
static cl::opt<bool> verifyDiagnostics(
    "verify-diagnostics",
    cl::desc("Check the module's expected-error annotations against the "
             "diagnostics instead of printing them"),
    cl::init(false));
static cl::opt<unsigned>
    repeat("repeat",
           cl::desc("Call the function this many times (the last call's "
                    "results are used); with --print-peak-rss, to measure "
                    "memory growth per call"),
           cl::init(1));
static cl::opt<bool> printPeakRss("print-peak-rss",
                                  cl::desc("Print the peak resident set size "
                                           "to stderr at the end"),
                                  cl::init(false));
static cl::opt<bool> keepBuffers(
    "keep-buffers",
    cl::desc("Do not free the buffers the compiled code leaves (to measure "
             "the leak that freeing them prevents)"),
    cl::init(false), cl::Hidden);
static cl::list<std::string>
    sharedLibs("shared-libs", cl::desc("Libraries to load into the JIT"),
               cl::CommaSeparated);

static int fail(const Twine &msg) {
  llvm::errs() << "prune-run: " << msg << "\n";
  return 1;
}

static void printArray(const npy::Array &array, llvm::raw_ostream &os) {
  int64_t n = array.getNumElements();
  int64_t row = array.shape.empty() ? 1 : array.shape.back();
  bool isFloat =
      array.dtype == npy::DType::F32 || array.dtype == npy::DType::F64;
  for (int64_t i = 0; i < n; ++i) {
    double v = array.getAsDouble(i);
    if (isFloat)
      os << llvm::format("%.6g", v);
    else
      os << static_cast<int64_t>(v);
    os << ((row == 0 || (i + 1) % row == 0) ? "\n" : " ");
  }
}

/// Compares `out` with `ref`; prints a summary line. Returns true on match.
static bool compare(unsigned index, const npy::Array &out,
                    const npy::Array &ref, StringRef refPath) {
  llvm::outs() << "output " << index << ": ";
  if (ArrayRef<int64_t>(out.shape) != ArrayRef<int64_t>(ref.shape)) {
    llvm::outs() << "MISMATCH: shape " << out.describe() << " vs reference "
                 << ref.describe() << " (" << refPath << ")\n";
    return false;
  }
  int64_t n = out.getNumElements(), bad = 0, firstBad = -1;
  double maxAbs = 0, maxRel = 0;
  for (int64_t i = 0; i < n; ++i) {
    double a = out.getAsDouble(i), b = ref.getAsDouble(i);
    double err = std::fabs(a - b);
    bool ok = err <= absTol + relTol * std::fabs(b);
    if (std::isnan(a) || std::isnan(b))
      ok = std::isnan(a) && std::isnan(b);
    if (std::isfinite(err)) {
      maxAbs = std::max(maxAbs, err);
      if (b != 0)
        maxRel = std::max(maxRel, err / std::fabs(b));
    }
    if (!ok && bad++ == 0)
      firstBad = i;
  }
  if (bad == 0) {
    llvm::outs() << "OK " << out.describe()
                 << llvm::format(" max abs err %.3g, max rel err %.3g\n",
                                 maxAbs, maxRel);
    return true;
  }
  llvm::outs() << "MISMATCH: " << bad << " of " << n
               << " elements out of tolerance"
               << llvm::format(" (rtol %g, atol %g); max abs err %.3g; ",
                               relTol.getValue(), absTol.getValue(), maxAbs)
               << "first at flat index " << firstBad
               << llvm::format(": got %.8g, expected %.8g\n",
                               out.getAsDouble(firstBad),
                               ref.getAsDouble(firstBad));
  return false;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "mlir-prune: run a function on .npy inputs\n");

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<PruneDialect>();
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);

  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> file = openInputFile(inputFile, &error);
  if (!file)
    return fail(error);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  std::vector<std::string> libs(sharedLibs.begin(), sharedLibs.end());
  if (verifyDiagnostics) {
    // Only the diagnostics of parsing and compiling are checked.
    SourceMgrDiagnosticVerifierHandler verifier(sourceMgr, &context);
    OwningOpRef<ModuleOp> module =
        parseSourceFile<ModuleOp>(sourceMgr, &context);
    if (module)
      (void)JitFunction::create(*module, entry, libs);
    return failed(verifier.verify()) ? 1 : 0;
  }
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;

  FailureOr<std::unique_ptr<JitFunction>> jit =
      JitFunction::create(*module, entry, libs);
  if (failed(jit))
    return 1;

  std::vector<npy::Array> arrays;
  for (const std::string &path : inputs) {
    llvm::Expected<npy::Array> array = npy::readNpy(path);
    if (!array)
      return fail(llvm::toString(array.takeError()));
    arrays.push_back(std::move(*array));
  }
  std::vector<const npy::Array *> pointers;
  for (const npy::Array &a : arrays)
    pointers.push_back(&a);
  (*jit)->setFreeBuffers(!keepBuffers);
  llvm::Expected<std::vector<npy::Array>> results = (*jit)->run(pointers);
  for (unsigned i = 1; i < repeat && results; ++i)
    results = (*jit)->run(pointers);
  if (!results)
    return fail("@" + entry + ": " + llvm::toString(results.takeError()));
  if (printPeakRss) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    llvm::errs() << "peak RSS: " << usage.ru_maxrss << " KiB\n";
  }

  if (!outputs.empty() && outputs.size() != results->size())
    return fail("@" + entry + " has " + Twine(results->size()) +
                " result(s) but " + Twine(outputs.size()) +
                " --output file(s) were given");
  if (!compares.empty() && compares.size() != results->size())
    return fail("@" + entry + " has " + Twine(results->size()) +
                " result(s) but " + Twine(compares.size()) +
                " --compare file(s) were given");
  for (auto [i, result] : llvm::enumerate(*results))
    if (!outputs.empty())
      if (llvm::Error err = npy::writeNpy(outputs[i], result))
        return fail(llvm::toString(std::move(err)));

  bool ok = true;
  for (auto [i, result] : llvm::enumerate(*results)) {
    if (!compares.empty()) {
      llvm::Expected<npy::Array> ref = npy::readNpy(compares[i]);
      if (!ref)
        return fail(llvm::toString(ref.takeError()));
      ok &= compare(i, result, *ref, compares[i]);
    } else if (outputs.empty()) {
      llvm::outs() << "output " << i << ": " << result.describe() << "\n";
      printArray(result, llvm::outs());
    }
  }
  return ok ? 0 : 1;
}
