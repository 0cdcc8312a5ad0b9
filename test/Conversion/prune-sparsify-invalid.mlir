// RUN: prune-opt %s --prune-sparsify="target=nvidia-sm80" -verify-diagnostics
// RUN: not prune-opt %s --prune-sparsify="target=riscv" 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// UNKNOWN: error: unknown target 'riscv'; built-in targets: x86-avx2, x86-avx512, aarch64-neon

// expected-error @+1 {{target 'nvidia-sm80' is not a CPU; prune-sparsify emits CPU kernels}}
module {
  func.func @f() { return }
}
