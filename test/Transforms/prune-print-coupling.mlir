// RUN: prune-opt %s --prune-print-coupling -o /dev/null | FileCheck %s
// RUN: prune-opt %prune_src/examples/transformer.mlir --prune-print-coupling -o /dev/null | FileCheck %s --check-prefix=TF

// The bundled encoder layer: the residual stream reaches the function
// argument; q/k/v/o are split into 4 heads of 8; the FFN hidden units form
// a prunable group.
// TF-LABEL: coupling groups of @forward
// TF: size 32, refused: reaches a function argument
// TF: size 32, refused: split by tensor.expand_shape
// TF: size 64, prunable
// TF-NEXT: producers: torch_tensor_64_32_torch.float32
// TF-NEXT: consumers: torch_tensor_32_64_torch.float32
// TF: heads: group {{[0-9]+}}, 4 x 8, flat groups {{[0-9]+ [0-9]+ [0-9]+ [0-9]+}}, prunable

// The analysis itself: which (value, dim) nodes each group holds, and why a
// group is refused.
// CHECK-LABEL: coupling groups of @cnn
// CHECK: group {{[0-9]+}}: size 2, refused: reaches a function argument
// CHECK-NEXT: producers:
// CHECK-NEXT: consumers: weight0
// CHECK-NEXT: nodes: %arg0#1 %padded#1 %cst_0#1
// CHECK: group {{[0-9]+}}: size 4, prunable
// CHECK-NEXT: producers: weight0 weight1
// CHECK-NEXT: consumers: weight1 weight2
// CHECK-NEXT: nodes: %cst_0#0 {{.*}}%cst_1#0 %cst_2#0 %cst_3#0 %cst_4#0 {{.*}}%cst_5#0 %cst_5#1 {{.*}}%cst_6#1
// CHECK: group {{[0-9]+}}: size 3, refused: reaches the function result
// CHECK-NEXT: producers: weight2
#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>
func.func @cnn(%in: tensor<1x2x4x4xf32>) -> tensor<1x3x2x2xf32> {
  %z = arith.constant 0.0 : f32
  // conv1: 2 -> 4 channels, 3x3, pad 1
  %f1 = arith.constant dense<[[[[0.1, 0.2, 0.1], [0.0, 0.3, 0.0], [0.1, 0.0, 0.1]], [[0.2, 0.1, 0.0], [0.1, 0.1, 0.1], [0.0, 0.2, 0.3]]],
                              [[[0.01, 0.0, 0.0], [0.0, 0.02, 0.0], [0.0, 0.0, 0.01]], [[0.0, 0.01, 0.0], [0.0, 0.0, 0.0], [0.01, 0.0, 0.0]]],
                              [[[0.5, -0.4, 0.3], [0.2, -0.1, 0.6], [0.3, 0.2, -0.5]], [[0.4, 0.1, -0.2], [0.3, 0.5, 0.1], [-0.2, 0.4, 0.2]]],
                              [[[0.05, 0.0, 0.02], [0.0, 0.01, 0.0], [0.03, 0.0, 0.0]], [[0.0, 0.02, 0.0], [0.01, 0.0, 0.0], [0.0, 0.0, 0.04]]]]> : tensor<4x2x3x3xf32>
  %p = tensor.pad %in low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %z : f32
  } : tensor<1x2x4x4xf32> to tensor<1x2x6x6xf32>
  %e1 = tensor.empty() : tensor<1x4x4x4xf32>
  %i1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %c1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %f1 : tensor<1x2x6x6xf32>, tensor<4x2x3x3xf32>) outs(%i1 : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  // BatchNorm, decomposed: (x - mean) * inv_std * gamma + beta
  %mean = arith.constant dense<[0.1, 0.2, -0.1, 0.0]> : tensor<4xf32>
  %istd = arith.constant dense<[1.5, 2.0, 0.5, 1.0]> : tensor<4xf32>
  %gamma = arith.constant dense<[1.0, 0.5, 2.0, 1.0]> : tensor<4xf32>
  %beta = arith.constant dense<[0.1, 0.3, -0.2, 0.4]> : tensor<4xf32>
  %bn = linalg.generic {indexing_maps = [#id, #ch, #ch, #ch, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c1, %mean, %istd, %gamma, %beta : tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e1 : tensor<1x4x4x4xf32>) {
  ^bb0(%x: f32, %m: f32, %s: f32, %g: f32, %b: f32, %o: f32):
    %0 = arith.subf %x, %m : f32
    %1 = arith.mulf %0, %s : f32
    %2 = arith.mulf %1, %g : f32
    %3 = arith.addf %2, %b : f32
    %4 = arith.maximumf %3, %z : f32
    linalg.yield %4 : f32
  } -> tensor<1x4x4x4xf32>
  // residual branch: conv2 (4 -> 4, 1x1) then add
  %f2 = arith.constant dense<[[[[0.3]], [[0.1]], [[-0.2]], [[0.05]]], [[[0.0]], [[0.02]], [[0.0]], [[0.01]]], [[[0.4]], [[-0.3]], [[0.2]], [[0.1]]], [[[0.01]], [[0.0]], [[0.03]], [[0.0]]]]> : tensor<4x4x1x1xf32>
  %i2 = linalg.fill ins(%z : f32) outs(%e1 : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %c2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%bn, %f2 : tensor<1x4x4x4xf32>, tensor<4x4x1x1xf32>) outs(%i2 : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %res = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%bn, %c2 : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) outs(%e1 : tensor<1x4x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.addf %a, %b : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x4x4xf32>
  // conv3: 4 -> 3 channels, 3x3 valid
  %f3 = arith.constant dense<0.25> : tensor<3x4x3x3xf32>
  %e3 = tensor.empty() : tensor<1x3x2x2xf32>
  %i3 = linalg.fill ins(%z : f32) outs(%e3 : tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32>
  %c3 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%res, %f3 : tensor<1x4x4x4xf32>, tensor<3x4x3x3xf32>) outs(%i3 : tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32>
  return %c3 : tensor<1x3x2x2xf32>
}

// Two layers' hidden units concatenated: each input group is linked to the
// concatenation's group, which is not prunable on its own.
// CHECK-LABEL: coupling groups of @concat
// CHECK: group [[A:[0-9]+]]: size 4, prunable
// CHECK-NEXT: concatenated into group [[C:[0-9]+]]
// CHECK-NEXT: producers: weight{{[0-9]+}}
// CHECK-NEXT: consumers:{{$}}
// CHECK: group [[B:[0-9]+]]: size 2, prunable
// CHECK-NEXT: concatenated into group [[C]]
// CHECK: group [[C]]: size 6, not prunable on its own: concatenated by tensor.concat (through its inputs' groups)
// CHECK-NEXT: producers:{{$}}
// CHECK-NEXT: consumers: weight{{[0-9]+}}
func.func @concat(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %z = arith.constant 0.0 : f32
  %w1 = arith.constant dense<1.0> : tensor<3x4xf32>
  %o1 = tensor.empty() : tensor<1x4xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%o1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %h1 = linalg.matmul ins(%x, %w1 : tensor<1x3xf32>, tensor<3x4xf32>) outs(%f1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %w2 = arith.constant dense<2.0> : tensor<3x2xf32>
  %o2 = tensor.empty() : tensor<1x2xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%o2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %h2 = linalg.matmul ins(%x, %w2 : tensor<1x3xf32>, tensor<3x2xf32>) outs(%f2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %c = tensor.concat dim(1) %h1, %h2 : (tensor<1x4xf32>, tensor<1x2xf32>) -> tensor<1x6xf32>
  %w4 = arith.constant dense<0.5> : tensor<6x2xf32>
  %f3 = linalg.fill ins(%z : f32) outs(%o2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul ins(%c, %w4 : tensor<1x6xf32>, tensor<6x2xf32>) outs(%f3 : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
