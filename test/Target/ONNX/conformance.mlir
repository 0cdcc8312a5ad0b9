// A fast subset (40 cases, every op family) of the ONNX backend node tests
// from Debian's libonnx-testdata: each model.onnx is imported, JIT-run by
// prune-run on its input_*.pb and compared with its output_*.pb. The full
// run and its per-op table are in docs/onnx.md (scripts/onnx-conformance.py
// without --filter).
// REQUIRES: onnx, prune-translate, onnx-testdata
// RUN: %python %prune_src/scripts/onnx-conformance.py --prune-translate=prune-translate \
// RUN:   --prune-run=prune-run --workdir=%t.d --expect-pass --jobs=2 \
// RUN:   --filter='^test_(conv_with_strides_padding|conv_with_autopad_same|concat_2d_axis_1|concat_3d_axis_negative_2|flatten_axis2|layer_normalization_3d_axis1_epsilon|logsoftmax_axis_1|softmax_axis_0|reduce_mean_keepdims_example|reduce_mean_default_axes_keepdims_example|transpose_all_permutations_2|averagepool_2d_pads|averagepool_2d_ceil|averagepool_2d_same_lower|maxpool_2d_pads|sum_example|max_one_input|gemm_all_attributes|gemm_transposeA|matmul_3d|relu|sigmoid|tanh|hardswish|leakyrelu|clip_inbounds|reshape_reordered_all_dims|unsqueeze_axis_0|slice_start_out_of_bounds|split_equal_parts_1d|batchnorm_epsilon|convtranspose_pads|upsample_nearest|erf|pow_bcast_array|dropout_default|resize_downsample_scales_linear|resize_upsample_sizes_nearest_ceil_half_pixel|convtranspose_output_shape|convtranspose_autopad_same)$' \
// RUN:   | FileCheck %s
// CHECK-DAG: pass{{.*}} test_averagepool_2d_pads
// CHECK-DAG: pass{{.*}} test_layer_normalization_3d_axis1_epsilon
// CHECK-DAG: pass-frozen{{.*}} test_reshape_reordered_all_dims
// CHECK-DAG: pass{{.*}} test_sum_example
// CHECK-DAG: pass{{.*}} test_resize_downsample_scales_linear
// CHECK-DAG: pass{{.*}} test_convtranspose_output_shape
// CHECK: TOTAL 40 cases, 40 pass
