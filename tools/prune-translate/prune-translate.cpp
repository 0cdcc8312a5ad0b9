//===- prune-translate.cpp - ONNX in and out for mlir-prune ---------------===//
//
// Part of mlir-prune.
//
//===----------------------------------------------------------------------===//
//
//   prune-translate --import-onnx model.onnx [--input-shape=x:1,3,48,320]
//                   [-o model.mlir]
//
// Errors are located diagnostics on stderr and a non-zero exit; the output
// file is written only when the whole translation succeeded.
//
//===----------------------------------------------------------------------===//

#include "Prune/Target/ONNX/ONNXImport.h"

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
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Pin a graph input's shape: name:d0,d1,... "
                         "(repeatable)"),
                cl::value_desc("name:dims"));
static cl::opt<std::string> funcName("func-name",
                                     cl::desc("Name of the emitted function"),
                                     cl::init("forward"));

int main(int argc, char **argv) {
  InitLLVM y(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "mlir-prune ONNX translator\n");
  if (!importOnnx) {
    WithColor::error(errs(), "prune-translate")
        << "choose a translation: --import-onnx\n";
    return 1;
  }
  mlir::prune::ONNXImportOptions opts;
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
  auto file = MemoryBuffer::getFileOrSTDIN(inputFilename, /*IsText=*/false);
  if (!file) {
    WithColor::error(errs(), "prune-translate")
        << "cannot read '" << inputFilename
        << "': " << file.getError().message() << "\n";
    return 1;
  }
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
      mlir::prune::importONNX((*file)->getBuffer(), &context, opts);
  if (!module)
    return 1;
  std::error_code ec;
  auto out =
      std::make_unique<ToolOutputFile>(outputFilename, ec, sys::fs::OF_None);
  if (ec) {
    WithColor::error(errs(), "prune-translate")
        << "cannot write '" << outputFilename << "': " << ec.message() << "\n";
    return 1;
  }
  module->print(out->os(), mlir::OpPrintingFlags().enableDebugInfo(false));
  out->os() << "\n";
  out->keep();
  return 0;
}
