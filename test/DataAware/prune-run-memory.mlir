// prune-run (and prune-calibrate, which calls the same JitFunction) frees the
// buffers the compiled code allocates once the results are copied out: peak
// memory does not grow with the number of calls. --keep-buffers shows the
// leak that this prevents (each call leaves at least its 1 MiB result).
//
// REQUIRES: numpy
// RUN: %python -c "import numpy as np; np.save('%t-x.npy', np.ones((512, 512), np.float32)); np.save('%t-ref.npy', np.full((512, 512), 4, np.float32))"
// RUN: prune-run %s --input=%t-x.npy --compare=%t-ref.npy --print-peak-rss 2> %t-1
// RUN: prune-run %s --input=%t-x.npy --compare=%t-ref.npy --repeat=150 --print-peak-rss 2> %t-150 | FileCheck %s
// RUN: prune-run %s --input=%t-x.npy --compare=%t-ref.npy --repeat=150 --print-peak-rss --keep-buffers 2> %t-leak
// RUN: %python -c "import re; kib = lambda p: int(re.search(r'peak RSS: (\d+) KiB', open(p).read()).group(1)); one, many, leak = kib('%t-1'), kib('%t-150'), kib('%t-leak'); print('growth over 149 calls: %%d KiB freed, %%d KiB kept' %% (many - one, leak - one)); assert many - one < 20 * 1024, (one, many); assert leak - one > 100 * 1024, (one, leak)" | FileCheck %s --check-prefix=GROWTH
// CHECK: output 0: OK float32 [512, 512]
// GROWTH: growth over 149 calls

func.func @forward(%x: tensor<512x512xf32>) -> tensor<512x512xf32> {
  %e = tensor.empty() : tensor<512x512xf32>
  %a = linalg.add ins(%x, %x : tensor<512x512xf32>, tensor<512x512xf32>) outs(%e : tensor<512x512xf32>) -> tensor<512x512xf32>
  %e2 = tensor.empty() : tensor<512x512xf32>
  %b = linalg.mul ins(%a, %x : tensor<512x512xf32>, tensor<512x512xf32>) outs(%e2 : tensor<512x512xf32>) -> tensor<512x512xf32>
  %e3 = tensor.empty() : tensor<512x512xf32>
  %c = linalg.add ins(%b, %a : tensor<512x512xf32>, tensor<512x512xf32>) outs(%e3 : tensor<512x512xf32>) -> tensor<512x512xf32>
  return %c : tensor<512x512xf32>
}
