// Importer style: Gemm(transB) is transpose + matmul, Conv is pad + conv,
// BatchNorm is four per-channel generics, weights are dense_resources named
// after their ONNX initializers.
// REQUIRES: onnx, prune-translate
// RUN: %python %S/Inputs/onnxgen.py gemm %t.gemm.onnx
// RUN: prune-translate --import-onnx %t.gemm.onnx | FileCheck %s --check-prefix=GEMM
// RUN: %python %S/Inputs/onnxgen.py conv_bn %t.conv.onnx
// RUN: prune-translate --import-onnx %t.conv.onnx | FileCheck %s --check-prefix=CONV
// RUN: prune-translate --import-onnx %t.conv.onnx | prune-opt --prune-print-coupling -o /dev/null 2>&1 | FileCheck %s --check-prefix=COUPLING

// GEMM-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// GEMM-DAG: #[[CH:.*]] = affine_map<(d0, d1) -> (d1)>
// GEMM-LABEL: func.func @forward(
// GEMM-SAME: %[[X:.*]]: tensor<2x8xf32> {onnx.name = "x"}) -> (tensor<2x4xf32> {onnx.name = "y"})
// GEMM-DAG: %[[B:.*]] = arith.constant dense_resource<fc.bias> : tensor<4xf32>
// GEMM-DAG: %[[W:.*]] = arith.constant dense_resource<fc.weight> : tensor<4x8xf32>
// GEMM: %[[WT:.*]] = linalg.transpose ins(%[[W]] : tensor<4x8xf32>) outs(%{{.*}} : tensor<8x4xf32>) permutation = [1, 0]
// GEMM: %[[MM:.*]] = linalg.matmul ins(%[[X]], %[[WT]] : tensor<2x8xf32>, tensor<8x4xf32>)
// GEMM: linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[ID]]]{{.*}} ins(%[[MM]], %[[B]] :
// GEMM: arith.addf
// GEMM: arith.maximumf
// GEMM: fc.weight: "0x04000000

// CONV-LABEL: func.func @forward(
// CONV-DAG: %[[W1:.*]] = arith.constant dense_resource<conv.weight> : tensor<8x3x3x3xf32>
// CONV-DAG: %[[MEAN:.*]] = arith.constant dense_resource<bn.mean> : tensor<8xf32>
// CONV-DAG: %[[INV:.*]] = arith.constant dense_resource<bn.var_invstd> : tensor<8xf32>
// CONV-DAG: %[[SC:.*]] = arith.constant dense_resource<bn.scale> : tensor<8xf32>
// CONV-DAG: %[[BB:.*]] = arith.constant dense_resource<bn.bias> : tensor<8xf32>
// CONV: %[[P:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CONV: %[[C:.*]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[P]], %[[W1]] :
// CONV: %[[S:.*]] = linalg.generic {{.*}} ins(%[[C]], %[[MEAN]] :
// CONV: arith.subf
// CONV: %[[M1:.*]] = linalg.generic {{.*}} ins(%[[S]], %[[INV]] :
// CONV: arith.mulf
// CONV: %[[M2:.*]] = linalg.generic {{.*}} ins(%[[M1]], %[[SC]] :
// CONV: arith.mulf
// CONV: linalg.generic {{.*}} ins(%[[M2]], %[[BB]] :
// CONV: arith.addf
// CONV: linalg.conv_2d_nchw_fchw

// The first conv's 8 filters form one prunable group with the BatchNorm
// parameters and the second conv's input channels.
// COUPLING-LABEL: coupling groups of @forward
// COUPLING: size 8, prunable
// COUPLING-NEXT: producers: conv.weight
// COUPLING-NEXT: consumers: conv2.weight
