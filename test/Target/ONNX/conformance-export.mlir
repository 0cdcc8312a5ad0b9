// Export conformance: ONNX backend node tests (libonnx-testdata) imported,
// JIT-run and compared with their outputs, then exported again with
// --export-onnx, checked by onnx.checker and run in ONNX Runtime against the
// same outputs. A fast subset; the full run is in docs/onnx.md.
// REQUIRES: onnx, prune-translate, onnx-testdata, onnxruntime
// RUN: %python %prune_src/scripts/onnx-conformance.py --prune-translate=prune-translate \
// RUN:   --prune-run=prune-run --workdir=%t.d --expect-pass --jobs=2 --export --npm-dir=%npm_dir \
// RUN:   --filter='^test_(conv_with_strides_padding|conv_with_autopad_same|concat_3d_axis_negative_2|layer_normalization_3d_axis1_epsilon|logsoftmax_axis_1|softmax_axis_0|reduce_mean_keepdims_example|transpose_all_permutations_2|averagepool_2d_pads|averagepool_2d_ceil|maxpool_2d_pads|max_example|gemm_all_attributes|matmul_3d|hardswish|clip_inbounds|slice_start_out_of_bounds|split_equal_parts_1d|batchnorm_epsilon|convtranspose_pads|upsample_nearest|erf|resize_downsample_sizes_linear_pytorch_half_pixel|resize_upsample_sizes_nearest_floor_align_corners)$' \
// RUN:   | FileCheck %s
// CHECK-DAG: pass{{.*}} test_averagepool_2d_pads
// CHECK-DAG: pass-frozen{{.*}} test_convtranspose_pads
// CHECK-DAG: pass{{.*}} test_resize_downsample_sizes_linear_pytorch_half_pixel
// CHECK: TOTAL 24 cases, 24 pass {{.*}}, 0 export errors
