// prune-run: .npy files it cannot take are refused with a message that names
// the file and what is wrong; the function is never called.
//
// REQUIRES: numpy
// RUN: %python -c "import numpy as np; np.save('%t-f.npy', np.asfortranarray(np.ones((2, 3), np.float32)))"
// RUN: not prune-run %s --input=%t-f.npy 2>&1 | FileCheck %s --check-prefix=FORTRAN
// FORTRAN: prune-run: {{.*}}-f.npy: Fortran-order arrays are not supported
// RUN: %python -c "import numpy as np; np.save('%t-be.npy', np.ones((2, 3), '>f4'))"
// RUN: not prune-run %s --input=%t-be.npy 2>&1 | FileCheck %s --check-prefix=BIGENDIAN
// BIGENDIAN: prune-run: {{.*}}-be.npy: big-endian dtype '>f4' is not supported
// RUN: %python -c "import numpy as np; np.save('%t-h.npy', np.ones((2, 3), np.float16))"
// RUN: not prune-run %s --input=%t-h.npy 2>&1 | FileCheck %s --check-prefix=HALF
// HALF: prune-run: {{.*}}-h.npy: dtype '<f2' is not supported (float32, float64, int32 or int64)
// RUN: %python -c "import numpy as np; np.save('%t-d.npy', np.ones((2, 3), np.float64))"
// RUN: not prune-run %s --input=%t-d.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: prune-run: @forward: input 0: expected float32 [2, 3], got float64 [2, 3]
// RUN: %python -c "import numpy as np; np.save('%t-s.npy', np.ones((3, 2), np.float32))"
// RUN: not prune-run %s --input=%t-s.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: prune-run: @forward: input 0: expected float32 [2, 3], got float32 [3, 2]
// RUN: %python -c "open('%t-t.npy', 'wb').write(open('%t-s.npy', 'rb').read()[:-4])"
// RUN: not prune-run %s --input=%t-t.npy 2>&1 | FileCheck %s --check-prefix=TRUNC
// TRUNC: prune-run: {{.*}}-t.npy: data holds 20 bytes, but float32 [3, 2] needs 24
// RUN: not prune-run %s --input=%t-s.npy,%t-s.npy 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: prune-run: @forward: the function takes 1 argument(s), but 2 input(s) were given
// RUN: not prune-run %s --input=%t-nonexistent.npy 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: prune-run: {{.*}}-nonexistent.npy: {{[Nn]}}o such file or directory

func.func @forward(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  return %a : tensor<2x3xf32>
}
