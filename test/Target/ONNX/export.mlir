// prune-translate --export-onnx: what each linalg/tensor pattern becomes in
// ONNX (onnx.checker accepts every file; onnxdump.py prints it). Numerics
// are checked against ONNX Runtime in test/Integration/onnx-export-*.py.
// REQUIRES: onnx, prune-translate
// RUN: rm -rf %t && split-file --leading-lines %s %t
// RUN: prune-translate --export-onnx %t/conv.mlir -o %t/conv.onnx
// RUN: %python %S/Inputs/onnxdump.py %t/conv.onnx | FileCheck %s --check-prefix=CONV
// RUN: prune-translate --export-onnx %t/softmax.mlir -o %t/softmax.onnx
// RUN: %python %S/Inputs/onnxdump.py %t/softmax.onnx | FileCheck %s --check-prefix=SOFTMAX
// RUN: prune-translate --export-onnx %t/shapes.mlir -o %t/shapes.onnx
// RUN: %python %S/Inputs/onnxdump.py %t/shapes.onnx | FileCheck %s --check-prefix=SHAPES
// RUN: prune-translate --export-onnx %t/pool.mlir -o %t/pool.onnx
// RUN: %python %S/Inputs/onnxdump.py %t/pool.onnx | FileCheck %s --check-prefix=POOL
// Round trip of an imported Gemm: names and weights come back.
// RUN: %python %S/Inputs/onnxgen.py gemm %t/gemm.onnx
// RUN: prune-translate --import-onnx %t/gemm.onnx | prune-translate --export-onnx -o %t/gemm.rt.onnx
// RUN: %python %S/Inputs/onnxdump.py %t/gemm.rt.onnx | FileCheck %s --check-prefix=GEMM

//--- conv.mlir
// The zero tensor.pad folds into the Conv's pads, the zero fill is no Add,
// the per-channel bias becomes a [1,C,1,1] initializer, max(x, 0) is Relu.
// CONV: opset 17
// CONV: input x 1x3x8x8
// CONV-DAG: init [[W:conv.weight]] float32 4x3x3x3
// CONV-DAG: init [[B:conv.bias]] float32 1x4x1x1 1 2 3 4
// CONV-NOT: node Pad
// CONV: node Conv x,[[W]] -> [[C:.*]] {strides=[2, 1] dilations=[1, 1] pads=[1, 2, 0, 2]}
// CONV-NEXT: node Add [[C]],[[B]] -> [[A:.*]] {}
// CONV-NEXT: node Relu [[A]] -> y {}
// CONV-NEXT: output y 1x4x4x10
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @forward(%x: tensor<1x3x8x8xf32> {onnx.name = "x"}) -> (tensor<1x4x4x10xf32> {onnx.name = "y"}) {
  %w = arith.constant dense<0.5> : tensor<4x3x3x3xf32> loc("conv.weight")
  %b = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32> loc("conv.bias")
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 2] high[0, 0, 0, 2] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x3x8x8xf32> to tensor<1x3x9x12xf32>
  %e = tensor.empty() : tensor<1x4x4x10xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x10xf32>) -> tensor<1x4x4x10xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<[2, 1]> : vector<2xi64>} ins(%p, %w : tensor<1x3x9x12xf32>, tensor<4x3x3x3xf32>) outs(%f : tensor<1x4x4x10xf32>) -> tensor<1x4x4x10xf32>
  %a = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %b : tensor<1x4x4x10xf32>, tensor<4xf32>) outs(%e : tensor<1x4x4x10xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x10xf32>
  return %a : tensor<1x4x4x10xf32>
}

//--- softmax.mlir
// Reductions: max with a -inf fill and sum with a zero fill are plain
// ReduceMax / ReduceSum; the reduced [N] operand of the broadcasting generics
// is reshaped to [N, 1]; exp(x - m) is Sub + Exp; 1/(exp(-x)+1) is Sigmoid.
// SOFTMAX: init [[AX:axes]] int64 1 1
// SOFTMAX: node ReduceMax x -> [[M:.*]] {axes=[1] keepdims=0}
// SOFTMAX-NEXT: node Reshape [[M]],[[S1:.*]] -> [[MR:.*]] {}
// SOFTMAX-NEXT: node Sub x,[[MR]] -> [[D:.*]] {}
// SOFTMAX-NEXT: node Exp [[D]] -> [[E:.*]] {}
// SOFTMAX-NEXT: node ReduceSum [[E]],[[AX]] -> [[S:.*]] {keepdims=0}
// SOFTMAX-NEXT: node Reshape [[S]],[[S1]] -> [[SR:.*]] {}
// SOFTMAX-NEXT: node Div [[E]],[[SR]] -> [[Q:.*]] {}
// SOFTMAX-NEXT: node Sigmoid [[Q]] -> y {}
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @forward(%x: tensor<2x5xf32> {onnx.name = "x"}) -> (tensor<2x5xf32> {onnx.name = "y"}) {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e2 = tensor.empty() : tensor<2xf32>
  %mi = linalg.fill ins(%ninf : f32) outs(%e2 : tensor<2xf32>) -> tensor<2xf32>
  %m = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<2x5xf32>) outs(%mi : tensor<2xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.maximumf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<2xf32>
  %e = tensor.empty() : tensor<2x5xf32>
  %ex = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %m : tensor<2x5xf32>, tensor<2xf32>) outs(%e : tensor<2x5xf32>) {
  ^bb0(%in: f32, %mx: f32, %out: f32):
    %d = arith.subf %in, %mx : f32
    %r = math.exp %d : f32
    linalg.yield %r : f32
  } -> tensor<2x5xf32>
  %si = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2xf32>) -> tensor<2xf32>
  %s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%ex : tensor<2x5xf32>) outs(%si : tensor<2xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<2xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%ex, %s : tensor<2x5xf32>, tensor<2xf32>) outs(%e : tensor<2x5xf32>) {
  ^bb0(%in: f32, %sum: f32, %out: f32):
    %q = arith.divf %in, %sum : f32
    %n = arith.negf %q : f32
    %t = math.exp %n : f32
    %a = arith.addf %t, %one : f32
    %r = arith.divf %one, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

//--- shapes.mlir
// Reshapes, transposes, slices, concat and a strided insertion into a fill
// (zero-stuffing, as ConvTranspose imports): Reshape / Pad / Slice.
// SHAPES: node Reshape x,{{.*}} -> [[R:.*]] {}
// SHAPES-NEXT: node Transpose [[R]] -> [[T:.*]] {perm=[1, 0]}
// SHAPES-NEXT: node Slice [[T]],{{.*}} -> [[S:.*]] {}
// SHAPES-NEXT: node Concat [[S]],[[S]] -> [[C:.*]] {axis=0}
// SHAPES-NEXT: node Reshape [[C]],{{.*}} -> [[I:.*]] {}
// SHAPES-NEXT: node Pad [[I]],{{.*}} -> [[P:.*]] {}
// SHAPES-NEXT: node Reshape [[P]],{{.*}} -> [[W:.*]] {}
// SHAPES-NEXT: node Slice [[W]],{{.*}} -> [[SL:.*]] {}
// SHAPES-NEXT: node Pad [[SL]],{{.*}} -> y {}
// SHAPES: output y 5x9
func.func @forward(%x: tensor<2x3x2xf32> {onnx.name = "x"}) -> (tensor<5x9xf32> {onnx.name = "y"}) {
  %r = tensor.collapse_shape %x [[0], [1, 2]] : tensor<2x3x2xf32> into tensor<2x6xf32>
  %e = tensor.empty() : tensor<6x2xf32>
  %t = linalg.transpose ins(%r : tensor<2x6xf32>) outs(%e : tensor<6x2xf32>) permutation = [1, 0]
  %s = tensor.extract_slice %t[1, 0] [2, 2] [2, 1] : tensor<6x2xf32> to tensor<2x2xf32>
  %c = tensor.concat dim(0) %s, %s : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %d = tensor.empty() : tensor<5x9xf32>
  %f = linalg.fill ins(%zero : f32) outs(%d : tensor<5x9xf32>) -> tensor<5x9xf32>
  %y = tensor.insert_slice %c into %f[1, 2] [4, 2] [1, 3] : tensor<4x2xf32> into tensor<5x9xf32>
  return %y : tensor<5x9xf32>
}

//--- pool.mlir
// Max pooling folds its -inf pad; sum pooling is AveragePool times the
// window size (count_include_pad=1), with its zero pad folded.
// POOL: node MaxPool x -> [[M:.*]] {kernel_shape=[2, 2] strides=[2, 2] dilations=[1, 1] pads=[0, 0, 1, 1]}
// POOL-NEXT: node AveragePool [[M]] -> [[A:.*]] {kernel_shape=[3, 3] strides=[1, 1] pads=[1, 1, 1, 1] count_include_pad=1}
// POOL-NEXT: node Mul [[A]],{{.*}} -> y {}
func.func @forward(%x: tensor<1x2x5x5xf32> {onnx.name = "x"}) -> (tensor<1x2x3x3xf32> {onnx.name = "y"}) {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 0, 0] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<1x2x5x5xf32> to tensor<1x2x6x6xf32>
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %k = tensor.empty() : tensor<2x2xf32>
  %m = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%p, %k : tensor<1x2x6x6xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %p2 = tensor.pad %m low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k2: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x3x3xf32> to tensor<1x2x5x5xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %k3 = tensor.empty() : tensor<3x3xf32>
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%p2, %k3 : tensor<1x2x5x5xf32>, tensor<3x3xf32>) outs(%z : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %s : tensor<1x2x3x3xf32>
}

// GEMM: input x 2x8
// GEMM-DAG: init [[W:fc.weight]] float32 4x8
// GEMM-DAG: init [[B:fc.bias]] float32 4
// GEMM: node Transpose [[W]] -> [[T:.*]] {perm=[1, 0]}
// GEMM-NEXT: node MatMul x,[[T]] -> [[M:.*]] {}
// GEMM-NEXT: node Add [[M]],[[B]] -> [[A:.*]] {}
// GEMM-NEXT: node Relu [[A]] -> y {}
// GEMM-NEXT: output y 2x4
