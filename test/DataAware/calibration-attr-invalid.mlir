// The prune dialect verifies prune.calibration (prune-calibrate's record) and
// prune.kept (structural removal's index record) on weight constants.
//
// RUN: prune-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// A well-formed record round-trips.
// CHECK-LABEL: func.func @ok
// CHECK: prune.calibration = {dense = dense<1.000000e+00> : tensor<1x2xf32>, dim = 1 : i64, gram = dense<1.000000e+00> : tensor<2x2xf64>, mean = dense<0.000000e+00> : tensor<2xf32>, samples = 4 : i64}
func.func @ok() -> tensor<1x2xf32> {
  %w = arith.constant {prune.calibration = {dim = 1 : i64, samples = 4 : i64,
      mean = dense<0.0> : tensor<2xf32>, gram = dense<1.0> : tensor<2x2xf64>,
      dense = dense<1.0> : tensor<1x2xf32>}} dense<1.0> : tensor<1x2xf32>
  return %w : tensor<1x2xf32>
}

// -----

// After structural removal the record describes the dense_shape weight.
// CHECK-LABEL: func.func @shrunk
// CHECK: prune.kept = [array<i64>, array<i64: 0, 2>]
func.func @shrunk() -> tensor<1x2xf32> {
  %w = arith.constant {prune.dense_shape = array<i64: 1, 3>,
      prune.kept = [array<i64>, array<i64: 0, 2>],
      prune.calibration = {dim = 1 : i64, samples = 4 : i64,
      gram = dense<1.0> : tensor<3x3xf64>, dense = dense<1.0> : tensor<1x3xf32>}} dense<1.0> : tensor<1x2xf32>
  return %w : tensor<1x2xf32>
}

// -----

func.func @not_dict() -> tensor<1x2xf32> {
  // expected-error @below {{'prune.calibration' must be a dictionary}}
  %w = arith.constant {prune.calibration = 1 : i64} dense<1.0> : tensor<1x2xf32>
  return %w : tensor<1x2xf32>
}

// -----

func.func @bad_dim() -> tensor<1x2xf32> {
  // expected-error @below {{'prune.calibration': 'dim' must be an integer in [0, 2)}}
  %w = arith.constant {prune.calibration = {dim = 2 : i64, samples = 4 : i64}} dense<1.0> : tensor<1x2xf32>
  return %w : tensor<1x2xf32>
}

// -----

func.func @no_samples() -> tensor<1x2xf32> {
  // expected-error @below {{'prune.calibration': 'samples' must be a non-negative integer}}
  %w = arith.constant {prune.calibration = {dim = 1 : i64}} dense<1.0> : tensor<1x2xf32>
  return %w : tensor<1x2xf32>
}

// -----

func.func @bad_gram() -> tensor<1x2xf32> {
  // expected-error @below {{'prune.calibration': 'gram' must be a tensor<2x2xf64>}}
  %w = arith.constant {prune.calibration = {dim = 1 : i64, samples = 4 : i64,
      gram = dense<1.0> : tensor<2x2xf32>}} dense<1.0> : tensor<1x2xf32>
  return %w : tensor<1x2xf32>
}

// -----

func.func @bad_stat() -> tensor<1x2xf32> {
  // expected-error @below {{'prune.calibration': 'sq_norm' must be a tensor<2xf32>}}
  %w = arith.constant {prune.calibration = {dim = 1 : i64, samples = 4 : i64,
      sq_norm = dense<1.0> : tensor<3xf32>}} dense<1.0> : tensor<1x2xf32>
  return %w : tensor<1x2xf32>
}

// -----

func.func @bad_dense() -> tensor<1x2xf32> {
  // expected-error @below {{'prune.calibration': 'dense' must be a tensor<1x2xf32>}}
  %w = arith.constant {prune.calibration = {dim = 1 : i64, samples = 4 : i64,
      dense = dense<1.0> : tensor<2x2xf32>}} dense<1.0> : tensor<1x2xf32>
  return %w : tensor<1x2xf32>
}

// -----

func.func @unknown_key() -> tensor<1x2xf32> {
  // expected-error @below {{'prune.calibration': unknown key 'hessian'}}
  %w = arith.constant {prune.calibration = {dim = 1 : i64, samples = 4 : i64,
      hessian = 1 : i64}} dense<1.0> : tensor<1x2xf32>
  return %w : tensor<1x2xf32>
}

// -----

func.func @bad_gram_dims() -> tensor<1x2xf32> {
  // expected-error @below {{'gram_dims' must be an increasing array<i64> of dims that contains 'dim'}}
  %w = arith.constant {prune.calibration = {dim = 1 : i64, samples = 4 : i64,
      gram_dims = array<i64: 0>}} dense<1.0> : tensor<1x2xf32>
  return %w : tensor<1x2xf32>
}

// -----

func.func @not_weight() {
  // expected-error @below {{'prune.calibration' must be on an op with one ranked tensor result (a weight)}}
  %c = arith.constant {prune.calibration = {dim = 0 : i64, samples = 1 : i64}} 1.0 : f32
  return
}

// -----

// The old, unverified spelling is refused like any unknown prune attribute.
func.func @old_name() -> tensor<1x2xf32> {
  // expected-error @below {{unknown prune attribute 'prune.calibrations'}}
  %w = arith.constant {prune.calibrations = {dim = 1 : i64}} dense<1.0> : tensor<1x2xf32>
  return %w : tensor<1x2xf32>
}

// -----

func.func @kept_count() -> tensor<1x2xf32> {
  // expected-error @below {{'prune.kept' lists 3 indices for dim 1 of size 2}}
  %w = arith.constant {prune.kept = [array<i64>, array<i64: 0, 1, 2>]} dense<1.0> : tensor<1x2xf32>
  return %w : tensor<1x2xf32>
}

// -----

func.func @kept_order() -> tensor<1x2xf32> {
  // expected-error @below {{'prune.kept' indices of dim 1 must increase strictly within [0, 4)}}
  %w = arith.constant {prune.dense_shape = array<i64: 1, 4>, prune.kept = [array<i64>, array<i64: 3, 1>]} dense<1.0> : tensor<1x2xf32>
  return %w : tensor<1x2xf32>
}

// -----

func.func @kept_rank() -> tensor<1x2xf32> {
  // expected-error @below {{'prune.kept' must be an array of 2 array<i64> (one per dim)}}
  %w = arith.constant {prune.kept = [array<i64: 0, 1>]} dense<1.0> : tensor<1x2xf32>
  return %w : tensor<1x2xf32>
}

// -----

// reference=true's cross matrix X^T X_ref has the Gram matrix's shape.
func.func @cross_shape() -> tensor<1x2xf32> {
  // expected-error @below {{'prune.calibration': 'cross' must be a tensor<2x2xf64>}}
  %w = arith.constant {prune.calibration = {dim = 1 : i64, samples = 4 : i64,
      gram = dense<1.0> : tensor<2x2xf64>, cross = dense<1.0> : tensor<2x3xf64>}} dense<1.0> : tensor<1x2xf32>
  return %w : tensor<1x2xf32>
}
