// Every --export-onnx error: a located message naming the op and why, a
// non-zero exit and no output file.
// REQUIRES: prune-translate
// RUN: rm -rf %t && split-file --leading-lines %s %t
// RUN: not prune-translate --export-onnx %t/nomap.mlir -o %t/nomap.onnx 2>&1 | FileCheck %s --check-prefix=NOMAP
// RUN: test ! -e %t/nomap.onnx
// RUN: not prune-translate --export-onnx %t/body.mlir -o %t/body.onnx 2>&1 | FileCheck %s --check-prefix=BODY
// RUN: test ! -e %t/body.onnx
// RUN: not prune-translate --export-onnx %t/dynarg.mlir -o %t/dynarg.onnx 2>&1 | FileCheck %s --check-prefix=DYNARG
// RUN: test ! -e %t/dynarg.onnx
// RUN: not prune-translate --export-onnx %t/dynop.mlir -o %t/dynop.onnx 2>&1 | FileCheck %s --check-prefix=DYNOP
// RUN: test ! -e %t/dynop.onnx
// RUN: not prune-translate --export-onnx %t/readsout.mlir -o %t/readsout.onnx 2>&1 | FileCheck %s --check-prefix=READSOUT
// RUN: test ! -e %t/readsout.onnx
// RUN: not prune-translate --export-onnx %t/empty.mlir -o %t/empty.onnx 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: test ! -e %t/empty.onnx
// RUN: not prune-translate --export-onnx %t/nofunc.mlir -o %t/nofunc.onnx 2>&1 | FileCheck %s --check-prefix=NOFUNC
// RUN: test ! -e %t/nofunc.onnx
// RUN: not prune-translate --export-onnx %t/nomap.mlir --func-name=other -o %t/other.onnx 2>&1 | FileCheck %s --check-prefix=NAMED
// RUN: test ! -e %t/other.onnx
// RUN: not prune-translate --export-onnx %t/int.mlir -o %t/int.onnx 2>&1 | FileCheck %s --check-prefix=INT
// RUN: test ! -e %t/int.onnx
// An existing output file is left as it was.
// RUN: echo keep > %t/kept.onnx
// RUN: not prune-translate --export-onnx %t/nomap.mlir -o %t/kept.onnx 2>&1
// RUN: grep keep %t/kept.onnx

//--- nomap.mlir
// An op with no ONNX mapping, after ops that did export (no partial file).
// NOMAP: nomap.mlir:[[@LINE+5]]:8: error: cannot export 'linalg.softmax' to ONNX: no ONNX mapping for this op
func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %e = tensor.empty() : tensor<4x2xf32>
  %t = linalg.transpose ins(%x : tensor<2x4xf32>) outs(%e : tensor<4x2xf32>) permutation = [1, 0]
  %e2 = tensor.empty() : tensor<4x2xf32>
  %s = linalg.softmax dimension(1) ins(%t : tensor<4x2xf32>) outs(%e2 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %e3 = tensor.empty() : tensor<2x4xf32>
  %y = linalg.transpose ins(%s : tensor<4x2xf32>) outs(%e3 : tensor<2x4xf32>) permutation = [1, 0]
  return %y : tensor<2x4xf32>
}

//--- body.mlir
// A scalar op in a generic's body that ONNX has no node for.
// BODY: body.mlir:[[@LINE+4]]:8: error: cannot export 'linalg.generic' to ONNX: the body op 'math.cbrt' has no ONNX mapping
#id = affine_map<(d0) -> (d0)>
func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.cbrt %in : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %y : tensor<4xf32>
}

//--- dynarg.mlir
// DYNARG: dynarg.mlir:[[@LINE+1]]:1: error: cannot export to ONNX: argument 0 has type 'tensor<?x4xf32>' (only statically shaped f32 tensors)
func.func @forward(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}

//--- dynop.mlir
// DYNOP: dynop.mlir:[[@LINE+3]]:8: error: cannot export 'tensor.cast' to ONNX: result type 'tensor<?x4xf32>' is not a statically shaped f32 tensor
func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %c = arith.constant 0 : index
  %d = tensor.cast %x : tensor<2x4xf32> to tensor<?x4xf32>
  %y = tensor.cast %d : tensor<?x4xf32> to tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

//--- readsout.mlir
// A parallel generic whose body reads its output operand (an accumulation
// ONNX elementwise ops cannot express).
// READSOUT: readsout.mlir:[[@LINE+3]]:8: error: cannot export 'linalg.generic' to ONNX: the body reads the output operand
#id = affine_map<(d0) -> (d0)>
func.func @forward(%x: tensor<4xf32>, %acc: tensor<4xf32>) -> tensor<4xf32> {
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%acc : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %out : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %y : tensor<4xf32>
}

//--- empty.mlir
// Returning an uninitialized tensor.
// EMPTY: empty.mlir:[[@LINE+3]]:3: error: cannot export 'func.return' to ONNX: reads the contents of a tensor.empty (undefined values)
func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  return %e : tensor<4xf32>
}

//--- nofunc.mlir
// NOFUNC: error: no public function with a body to export
func.func private @decl(tensor<4xf32>) -> tensor<4xf32>

//--- int.mlir
// INT: int.mlir:[[@LINE+2]]:1: error: cannot export to ONNX: argument 0 has type 'tensor<4xi32>' (only statically shaped f32 tensors)
// NAMED: error: no function named 'other' to export
func.func @forward(%x: tensor<4xi32>) -> tensor<4xi32> {
  return %x : tensor<4xi32>
}
