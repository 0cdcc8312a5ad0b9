// Every step's IR is printed by print-ir inside the step pipeline (to
// stderr), so the checks see the weight after each step, not only the end.
// RUN: prune-opt %s --pass-pipeline='builtin.module(prune-iterative{target=0.5 steps=4 pipeline="prune-unstructured{ratio=@ratio@},print-ir{label=step@step@}"})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=LIN
// RUN: prune-opt %s --pass-pipeline='builtin.module(prune-iterative{target=0.5 steps=2 schedule=cubic pipeline="prune-unstructured{ratio=@ratio@},print-ir{label=step@step@}"})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=CUB
// RUN: prune-opt %s --pass-pipeline='builtin.module(prune-iterative{target=0.75 steps=3})' | FileCheck %s --check-prefix=DEF
// A pipeline written with its anchor works too.
// RUN: prune-opt %s --pass-pipeline='builtin.module(prune-iterative{target=0.75 steps=3 pipeline="builtin.module(prune-unstructured{ratio=@ratio@})"})' | FileCheck %s --check-prefix=DEF

// |w| is a permutation of 1..16 (no ties), so step k removes the 2k
// smallest (linear, target 0.5 of 16 = 8 over 4 steps). The zeros of every
// step stay zero at the next: the masks are nested.

// LIN:      IR Dump step1
// LIN:      dense<{{\[}}[-1.200000e+01, -1.600000e+01, 1.000000e+01, 0.000000e+00, 1.300000e+01, 3.000000e+00, 1.500000e+01, -1.100000e+01], [0.000000e+00, 5.000000e+00, -8.000000e+00, -7.000000e+00, 1.400000e+01, -6.000000e+00, -4.000000e+00, 9.000000e+00]]>
// LIN:      remark: prune-iterative: step 1/4: ratio 0.125, weights 0.1250 zero (2 of 16)
// LIN:      IR Dump step2
// LIN:      dense<{{\[}}[-1.200000e+01, -1.600000e+01, 1.000000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01, -1.100000e+01], [0.000000e+00, 5.000000e+00, -8.000000e+00, -7.000000e+00, 1.400000e+01, -6.000000e+00, 0.000000e+00, 9.000000e+00]]>
// LIN:      remark: prune-iterative: step 2/4: ratio 0.25, weights 0.2500 zero (4 of 16)
// LIN:      IR Dump step3
// LIN:      dense<{{\[}}[-1.200000e+01, -1.600000e+01, 1.000000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01, -1.100000e+01], [0.000000e+00, 0.000000e+00, -8.000000e+00, -7.000000e+00, 1.400000e+01, 0.000000e+00, 0.000000e+00, 9.000000e+00]]>
// LIN:      remark: prune-iterative: step 3/4: ratio 0.375, weights 0.3750 zero (6 of 16)
// LIN:      IR Dump step4
// LIN:      dense<{{\[}}[-1.200000e+01, -1.600000e+01, 1.000000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01, -1.100000e+01], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.400000e+01, 0.000000e+00, 0.000000e+00, 9.000000e+00]]>
// LIN:      remark: prune-iterative: step 4/4: ratio 0.5, weights 0.5000 zero (8 of 16)
// LIN-NOT:  IR Dump

// Cubic, 2 steps: r1 = 0.5 * (1 - 0.5^3) = 0.4375 (7 of 16), r2 = 0.5.
// CUB:      IR Dump step1
// CUB:      dense<{{\[}}[-1.200000e+01, -1.600000e+01, 1.000000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01, -1.100000e+01], [0.000000e+00, 0.000000e+00, -8.000000e+00, 0.000000e+00, 1.400000e+01, 0.000000e+00, 0.000000e+00, 9.000000e+00]]>
// CUB:      remark: prune-iterative: step 1/2: ratio 0.4375, weights 0.4375 zero (7 of 16)
// CUB:      IR Dump step2
// CUB:      remark: prune-iterative: step 2/2: ratio 0.5, weights 0.5000 zero (8 of 16)

// The default pipeline is prune-unstructured{ratio=@ratio@}: 0.25, 0.5,
// 0.75 of 16 = 12 zeros at the end, and the recorded pattern is the last.
// DEF-LABEL: func.func @linear
// DEF:       arith.constant {prune.sparsity = #prune.sparsity<pattern = unstructured, ratio = 0.75>} dense<{{\[}}[0.000000e+00, -1.600000e+01, 0.000000e+00, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.400000e+01, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x8xf32>
func.func @linear(%x: tensor<4x8xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[-12.0, -16.0, 10.0, -2.0, 13.0, 3.0, 15.0, -11.0], [1.0, 5.0, -8.0, -7.0, 14.0, -6.0, -4.0, 9.0]]> : tensor<2x8xf32>
  %e = tensor.empty() : tensor<8x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x8xf32>) outs(%e : tensor<8x2xf32>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<4x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%o : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %t : tensor<4x8xf32>, tensor<8x2xf32>) outs(%acc : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

