// Every user-facing importer error: a message naming the file (and the ONNX
// node or tensor), a non-zero exit, and no output file left behind.
// REQUIRES: onnx, prune-translate
// RUN: rm -rf %t && mkdir -p %t

// A truncated file and bytes that are not a protobuf.
// RUN: %python %S/Inputs/onnxgen.py gemm %t/gemm.onnx
// RUN: head -c 100 %t/gemm.onnx > %t/trunc.onnx
// RUN: not prune-translate --import-onnx %t/trunc.onnx -o %t/trunc.mlir 2>&1 | FileCheck %s --check-prefix=CORRUPT
// RUN: test ! -e %t/trunc.mlir
// RUN: printf 'garbage, no protobuf here\377\377' > %t/junk.onnx
// RUN: not prune-translate --import-onnx %t/junk.onnx -o %t/junk.mlir 2>&1 | FileCheck %s --check-prefix=CORRUPT
// RUN: test ! -e %t/junk.mlir
// CORRUPT: error: not a valid ONNX model (truncated or corrupt protobuf)

// An op the importer does not know, named with its node.
// RUN: %python %S/Inputs/onnxgen.py unsupported %t/unsupported.onnx
// RUN: not prune-translate --import-onnx %t/unsupported.onnx -o %t/unsupported.mlir 2>&1 | FileCheck %s --check-prefix=UNKNOWNOP
// RUN: test ! -e %t/unsupported.mlir
// UNKNOWNOP: unsupported.onnx: error: NonZero node 'nz': unsupported op 'NonZero'

// An opset the importer does not know.
// RUN: %python %S/Inputs/onnxgen.py opset99 %t/opset99.onnx
// RUN: not prune-translate --import-onnx %t/opset99.onnx -o %t/opset99.mlir 2>&1 | FileCheck %s --check-prefix=OPSET
// RUN: test ! -e %t/opset99.mlir
// OPSET: error: ONNX opset 99 is not supported (the importer knows opsets 7 to 17)

// Dynamic dims without --input-shape, and malformed or mismatching pins.
// RUN: %python %S/Inputs/onnxgen.py dynamic %t/dynamic.onnx
// RUN: not prune-translate --import-onnx %t/dynamic.onnx -o %t/dynamic.mlir 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// RUN: test ! -e %t/dynamic.mlir
// DYNAMIC: error: graph input 'x' has dynamic dim 0 ('N'); pin it with --input-shape=x:d0,d1,...
// RUN: not prune-translate --import-onnx %t/dynamic.onnx --input-shape=x:2,3 2>&1 | FileCheck %s --check-prefix=RANK
// RANK: error: --input-shape for 'x' has 2 dims, the input has 4
// RUN: not prune-translate --import-onnx %t/dynamic.onnx --input-shape=x:2,5,4,4 2>&1 | FileCheck %s --check-prefix=FIXED
// FIXED: error: --input-shape for 'x' sets dim 1 to 5, the model fixes it to 3
// RUN: not prune-translate --import-onnx %t/dynamic.onnx --input-shape=y:2,3,4,4 2>&1 | FileCheck %s --check-prefix=NOINPUT
// NOINPUT: error: --input-shape names 'y', which is not a graph input
// RUN: not prune-translate --import-onnx %t/dynamic.onnx --input-shape=x:2,-3 2>&1 | FileCheck %s --check-prefix=MALFORMED
// MALFORMED: error: --input-shape: '-3' is not a positive dim in 'x:2,-3'
// RUN: not prune-translate --import-onnx %t/dynamic.onnx --input-shape=x 2>&1 | FileCheck %s --check-prefix=NOCOLON
// NOCOLON: error: --input-shape expects name:d0,d1,..., got 'x'

// External data that is missing, and an initializer of the wrong size.
// RUN: %python %S/Inputs/onnxgen.py external %t/external.onnx
// RUN: not prune-translate --import-onnx %t/external.onnx -o %t/external.mlir 2>&1 | FileCheck %s --check-prefix=EXTERNAL
// RUN: test ! -e %t/external.mlir
// EXTERNAL: error: tensor 'fc.weight': external data file '{{.*}}missing-weights.bin' cannot be read: No such file or directory
// RUN: %python %S/Inputs/onnxgen.py bad_weight %t/bad_weight.onnx
// RUN: not prune-translate --import-onnx %t/bad_weight.onnx -o %t/bad_weight.mlir 2>&1 | FileCheck %s --check-prefix=SIZE
// RUN: test ! -e %t/bad_weight.mlir
// SIZE: error: tensor 'fc.weight' holds 20 bytes, but its shape [4,8] needs 128
// The same for an INT64 initializer stored as int64_data (not raw bytes).
// RUN: %python %S/Inputs/onnxgen.py short_int_data %t/short_int_data.onnx
// RUN: not prune-translate --import-onnx %t/short_int_data.onnx -o %t/short_int_data.mlir 2>&1 | FileCheck %s --check-prefix=INTSIZE
// RUN: test ! -e %t/short_int_data.mlir
// INTSIZE: error: tensor 'shape' holds 8 bytes, but its shape [2] needs 16
// A ConvTranspose bias that does not match its output channels.
// RUN: %python %S/Inputs/onnxgen.py convtranspose_bad_bias %t/ct_bias.onnx
// RUN: not prune-translate --import-onnx %t/ct_bias.onnx -o %t/ct_bias.mlir 2>&1 | FileCheck %s --check-prefix=CTBIAS
// RUN: test ! -e %t/ct_bias.mlir
// CTBIAS: error: ConvTranspose node 'ct': cannot reshape [4] to [3]

// A file that does not exist, and no translation chosen.
// RUN: not prune-translate --import-onnx %t/nope.onnx 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: error: cannot read '{{.*}}nope.onnx'
// RUN: not prune-translate %t/gemm.onnx 2>&1 | FileCheck %s --check-prefix=NOMODE
// NOMODE: error: choose one translation: --import-onnx or --export-onnx

// Random (training-mode) Dropout, and a binary op with three inputs.
// RUN: %python %S/Inputs/onnxgen.py dropout_training %t/dropout.onnx
// RUN: not prune-translate --import-onnx %t/dropout.onnx -o %t/dropout.mlir 2>&1 | FileCheck %s --check-prefix=DROPOUT
// RUN: test ! -e %t/dropout.mlir
// DROPOUT: error: Dropout node 'drop': training mode (random dropout) is not supported
// RUN: %python %S/Inputs/onnxgen.py max_arity %t/arity.onnx
// RUN: not prune-translate --import-onnx %t/arity.onnx -o %t/arity.mlir 2>&1 | FileCheck %s --check-prefix=ARITY
// RUN: test ! -e %t/arity.mlir
// ARITY: error: Add node 'add3': expects 2 inputs, got 3

// Cubic Resize.
// RUN: %python %S/Inputs/onnxgen.py resize_cubic %t/cubic.onnx
// RUN: not prune-translate --import-onnx %t/cubic.onnx -o %t/cubic.mlir 2>&1 | FileCheck %s --check-prefix=CUBIC
// RUN: test ! -e %t/cubic.mlir
// CUBIC: error: Resize node 'up': mode 'cubic' is not supported (nearest and linear are)
