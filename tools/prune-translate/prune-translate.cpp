//===- prune-translate.cpp - ONNX in and out for mlir-prune ---------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//
//
//   prune-translate --import-onnx model.onnx [--input-shape=x:1,3,48,320]
//                   [-o model.mlir]
//   prune-translate --export-onnx pruned.mlir [--func-name=forward]
//                   -o pruned.onnx
//
// Errors are located diagnostics on stderr and a non-zero exit; the output
// file is written only when the whole translation succeeded.
//
//===----------------------------------------------------------------------===//

#include "Prune/Dialect/Prune/IR/PruneDialect.h"
#include "Prune/Target/ONNX/ONNXExport.h"
#include "Prune/Target/ONNX/ONNXImport.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/SourceMgr.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

static cl::opt<std::string>
    inputFilename(cl::Positional, cl::desc("<input file>"), cl::init("-"));
static cl::opt<std::string> outputFilename("o", cl::desc("Output file"),
                                           cl::value_desc("filename"),
                                           cl::init("-"));
static cl::opt<bool> importOnnx("import-onnx",
                                cl::desc("Import an ONNX model as "
                                         "linalg-on-tensors MLIR"));
static cl::opt<bool> exportOnnx("export-onnx",
                                cl::desc("Export a linalg-on-tensors function "
                                         "(e.g. a pruned import) as ONNX"));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Pin a graph input's shape: name:d0,d1,... "
                         "(repeatable)"),
                cl::value_desc("name:dims"));
static cl::opt<std::string>
    funcName("func-name",
             cl::desc("Name of the imported function (default forward) or of "
                      "the exported one (default: the only public one)"));

/// The input file (or stdin), or null after an error message.
static std::unique_ptr<MemoryBuffer> readInput(bool isText) {
  auto file = MemoryBuffer::getFileOrSTDIN(inputFilename, isText);
  if (!file) {
    WithColor::error(errs(), "prune-translate")
        << "cannot read '" << inputFilename
        << "': " << file.getError().message() << "\n";
    return nullptr;
  }
  return std::move(*file);
}

/// Writes the output file with `write`; the exit status.
static int writeOutput(function_ref<void(raw_ostream &)> write) {
  std::error_code ec;
  auto out =
      std::make_unique<ToolOutputFile>(outputFilename, ec, sys::fs::OF_None);
  if (ec) {
    WithColor::error(errs(), "prune-translate")
        << "cannot write '" << outputFilename << "': " << ec.message() << "\n";
    return 1;
  }
  write(out->os());
  out->keep();
  return 0;
}

/// --export-onnx: parse the module, export it, write the file only when the
/// whole export succeeded.
static int exportMain() {
  mlir::DialectRegistry registry;
  registry.insert<mlir::arith::ArithDialect, mlir::func::FuncDialect,
                  mlir::linalg::LinalgDialect, mlir::math::MathDialect,
                  mlir::tensor::TensorDialect, mlir::prune::PruneDialect>();
  mlir::MLIRContext context(registry);
  context.allowUnregisteredDialects();
  context.printOpOnDiagnostic(false);
  std::unique_ptr<MemoryBuffer> file = readInput(/*isText=*/true);
  if (!file)
    return 1;
  SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), SMLoc());
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;
  mlir::prune::ONNXExportOptions opts;
  opts.funcName = funcName;
  std::string bytes;
  if (failed(mlir::prune::exportONNX(*module, bytes, opts)))
    return 1;
  return writeOutput([&](raw_ostream &os) { os << bytes; });
}

int main(int argc, char **argv) {
  InitLLVM y(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "mlir-prune ONNX translator\n");
  if (importOnnx == exportOnnx) {
    WithColor::error(errs(), "prune-translate")
        << "choose one translation: --import-onnx or --export-onnx\n";
    return 1;
  }
  if (exportOnnx)
    return exportMain();
  mlir::prune::ONNXImportOptions opts;
  if (!funcName.empty())
    opts.funcName = funcName;
  opts.fileName = inputFilename == "-" ? "<stdin>" : inputFilename.getValue();
  SmallString<256> dir(inputFilename == "-" ? "." : inputFilename.getValue());
  sys::path::remove_filename(dir);
  opts.baseDir = dir.empty() ? "." : std::string(dir);
  for (const std::string &spec : inputShapes) {
    std::string err;
    if (!mlir::prune::parseInputShape(spec, opts, err)) {
      WithColor::error(errs(), "prune-translate") << err << "\n";
      return 1;
    }
  }
  std::unique_ptr<MemoryBuffer> file = readInput(/*isText=*/false);
  if (!file)
    return 1;
  mlir::MLIRContext context;
  // Errors read "<file>: error: <op> node '<name>': <what>"; the node name
  // is in the message, so the location's file is enough here.
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    raw_ostream &os = errs();
    os << opts.fileName << ": ";
    if (d.getSeverity() == mlir::DiagnosticSeverity::Error)
      os << "error: ";
    else if (d.getSeverity() == mlir::DiagnosticSeverity::Warning)
      os << "warning: ";
    else
      os << "note: ";
    os << d << "\n";
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::prune::importONNX(file->getBuffer(), &context, opts);
  if (!module)
    return 1;
  return writeOutput([&](raw_ostream &os) {
    module->print(os, mlir::OpPrintingFlags().enableDebugInfo(false));
    os << "\n";
  });
}
