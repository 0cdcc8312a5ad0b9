// prune-run: every supported dtype, several arguments and results, printed
// output, .npy version 2 headers. Inputs are written by numpy; expected values
// are worked out by hand.
//
// REQUIRES: numpy
// RUN: %python -c "import numpy as np; np.save('%t-a.npy', np.arange(6, dtype=np.float32).reshape(2, 3))"
// RUN: %python -c "import numpy as np; np.save('%t-b.npy', np.full((2, 3), 0.5, np.float32))"
// RUN: prune-run %s --entry=add_mul --input=%t-a.npy,%t-b.npy | FileCheck %s --check-prefix=F32

// F32: output 0: float32 [2, 3]
// F32-NEXT: 0.5 1.5 2.5
// F32-NEXT: 3.5 4.5 5.5
// F32-NEXT: output 1: float32 [2, 3]
// F32-NEXT: 0 0.5 1
// F32-NEXT: 1.5 2 2.5
func.func @add_mul(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %e = tensor.empty() : tensor<2x3xf32>
  %s = linalg.add ins(%a, %b : tensor<2x3xf32>, tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %m = linalg.mul ins(%a, %b : tensor<2x3xf32>, tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %s, %m : tensor<2x3xf32>, tensor<2x3xf32>
}

// A result that is the argument itself, and one that is a constant: both
// come back as copies (the JIT frees only what it allocated).
// RUN: prune-run %s --entry=identity --input=%t-a.npy | FileCheck %s --check-prefix=ID
// ID: output 0: float32 [2, 3]
// ID-NEXT: 0 1 2
// ID-NEXT: 3 4 5
// ID-NEXT: output 1: float32 [3]
// ID-NEXT: 1 2 3
func.func @identity(%a: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>) {
  %c = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  return %a, %c : tensor<2x3xf32>, tensor<3xf32>
}

// f64 matmul with a dense_resource weight; the .npy has a version 2 header.
// RUN: %python -c "import numpy as np; np.lib.format.write_array(open('%t-x.npy', 'wb'), np.array([[1.0, 2.0]]), version=(2, 0))"
// RUN: prune-run %s --entry=matmul_f64 --input=%t-x.npy --output=%t-y.npy
// RUN: %python -c "import numpy as np; y = np.load('%t-y.npy'); assert y.dtype == np.float64 and y.shape == (1, 2), y; assert (y == [[7.0, 10.0]]).all(), y; print('F64 OK')" | FileCheck %s --check-prefix=F64
// F64: F64 OK
func.func @matmul_f64(%x: tensor<1x2xf64>) -> tensor<1x2xf64> {
  %w = arith.constant dense_resource<w22> : tensor<2x2xf64>
  %z = arith.constant 0.0 : f64
  %e = tensor.empty() : tensor<1x2xf64>
  %f = linalg.fill ins(%z : f64) outs(%e : tensor<1x2xf64>) -> tensor<1x2xf64>
  %y = linalg.matmul ins(%x, %w : tensor<1x2xf64>, tensor<2x2xf64>) outs(%f : tensor<1x2xf64>) -> tensor<1x2xf64>
  return %y : tensor<1x2xf64>
}

// Integers: i32 and i64 arguments, --compare against numpy.
// RUN: %python -c "import numpy as np; np.save('%t-i.npy', np.array([1, -2, 3, 40000], np.int32)); np.save('%t-j.npy', np.array([5, 6], np.int64)); np.save('%t-ri.npy', np.array([2, -4, 6, 80000], np.int32)); np.save('%t-rj.npy', np.array([25, 36], np.int64))"
// RUN: prune-run %s --entry=ints --input=%t-i.npy,%t-j.npy --compare=%t-ri.npy,%t-rj.npy --rtol=0 --atol=0 | FileCheck %s --check-prefix=INT
// INT: output 0: OK int32 [4]
// INT: output 1: OK int64 [2]
func.func @ints(%i: tensor<4xi32>, %j: tensor<2xi64>) -> (tensor<4xi32>, tensor<2xi64>) {
  %ei = tensor.empty() : tensor<4xi32>
  %ej = tensor.empty() : tensor<2xi64>
  %a = linalg.add ins(%i, %i : tensor<4xi32>, tensor<4xi32>) outs(%ei : tensor<4xi32>) -> tensor<4xi32>
  %b = linalg.mul ins(%j, %j : tensor<2xi64>, tensor<2xi64>) outs(%ej : tensor<2xi64>) -> tensor<2xi64>
  return %a, %b : tensor<4xi32>, tensor<2xi64>
}

{-#
  dialect_resources: {
    builtin: {
      w22: "0x08000000000000000000F03F000000000000004000000000000008400000000000001040"
    }
  }
#-}
