// prune-run refuses what it cannot run, with a located error.
//
// RUN: split-file %s %t
// RUN: prune-run %t/dynamic.mlir --entry=dynamic --verify-diagnostics
// RUN: prune-run %t/scalar.mlir --entry=scalar --verify-diagnostics
// RUN: prune-run %t/external.mlir --entry=external --verify-diagnostics
// RUN: prune-run %t/missing.mlir --entry=missing --verify-diagnostics

//--- dynamic.mlir
// expected-error @below {{argument 0 of 'dynamic' has type 'tensor<?x3xf32>'; only static-shape tensors of f32, f64, i32 or i64 can be passed from .npy files}}
func.func @dynamic(%a: tensor<?x3xf32>) -> tensor<?x3xf32> {
  return %a : tensor<?x3xf32>
}

//--- scalar.mlir
// expected-error @below {{result 0 of 'scalar' has type 'f32'; only static-shape tensors of f32, f64, i32 or i64 can be written to .npy files}}
func.func @scalar(%a: tensor<3xf32>) -> f32 {
  %c = arith.constant 0.0 : f32
  return %c : f32
}

//--- external.mlir
// expected-error @below {{function 'external' has no body to run}}
func.func private @external(%a: tensor<3xf32>) -> tensor<3xf32>

//--- missing.mlir
// expected-error @below {{no function 'missing' to run}}
module {
  func.func @other(%a: tensor<3xf32>) -> tensor<3xf32> {
    return %a : tensor<3xf32>
  }
}
